// What "Profile Workspace Networks on Target..." says when it runs a plan over several boards: the
// scripted argument it accepts, the one line of its progress notification, the summary per target at
// the end and the results it returns. No `vscode` here (unit-tested; plan-command.ts shows them).
import * as path from 'path';
import type { QueueResult } from './campaign-queues';
import type { TargetProgress } from './target-progress';

/** `{ targets: [name, ...], networks?: [uri or path, ...] }` from a script or a test. */
export interface PlanArgument {
  targets: string[];
  /** Absolute paths; undefined: the user picks the networks. */
  networks?: string[];
}

/** The path of a `vscode.Uri` (its `fsPath`) or of a plain path string. */
function pathOf(x: unknown): string | undefined {
  if (typeof x === 'string' && x.length > 0) return x;
  const fsPath = typeof x === 'object' && x !== null ? (x as { fsPath?: unknown }).fsPath : undefined;
  return typeof fsPath === 'string' && fsPath.length > 0 ? fsPath : undefined;
}

/** The scripted argument, or undefined when `arg` is not one (the command then asks). */
export function planArgument(arg: unknown): PlanArgument | string | undefined {
  if (typeof arg !== 'object' || arg === null || !('targets' in arg)) return undefined;
  const { targets, networks } = arg as { targets?: unknown; networks?: unknown };
  if (!Array.isArray(targets) || targets.length === 0 || !targets.every((t) => typeof t === 'string' && t.length > 0))
    return '"targets" must be a non-empty list of board names';
  if (new Set(targets).size !== targets.length) return '"targets" names a board twice: one queue per board';
  if (networks === undefined) return { targets: targets as string[] };
  if (!Array.isArray(networks) || networks.length === 0) return '"networks" must be a non-empty list of network files';
  const paths = networks.map(pathOf);
  if (paths.some((p) => p === undefined)) return '"networks" must hold file URIs or paths';
  return { targets: targets as string[], networks: paths as string[] };
}

/** 0..1 of the whole plan: each board's share is its networks done plus the current one's fraction. */
export function planFraction(progress: readonly TargetProgress[]): number {
  if (progress.length === 0) return 0;
  let sum = 0;
  for (const p of progress) {
    if (p.networks === 0 || p.state === 'done' || p.state === 'failed') {
      sum += 1;
      continue;
    }
    const finished = p.complete + p.notComplete;
    const current = p.state === 'running' || p.state === 'retrying' ? (p.shown?.fraction ?? 0) : 0;
    sum += Math.min(1, (finished + current) / p.networks);
  }
  return sum / progress.length;
}

/** One board in the notification: `tx1-a: lenet.prototxt 1 of 2, layer 3 of 9` or `tx1-b: retrying`. */
function shortState(p: TargetProgress): string {
  const net = p.network ? ` ${p.network}${p.networks > 1 ? ` ${p.networkIndex} of ${p.networks}` : ''}` : '';
  switch (p.state) {
    case 'running': {
      const s = p.shown;
      const where = s?.position !== undefined && s.of !== undefined ? `, layer ${s.position} of ${s.of}` : s?.phase ? `, ${s.phase}` : '';
      return `${p.target}:${net}${where}`;
    }
    case 'retrying':
      return `${p.target}: retrying${net}`;
    case 'queued':
      return `${p.target}: ${p.network ? `next after${net}` : 'waiting'}`;
    default:
      return `${p.target}: ${p.state} (${p.complete} of ${p.networks} complete)`;
  }
}

/** The notification's line: every board, running ones first. */
export function planMessage(progress: readonly TargetProgress[]): string {
  const order: Record<TargetProgress['state'], number> = { running: 0, retrying: 1, queued: 2, failed: 3, cancelled: 4, done: 5 };
  return [...progress]
    .sort((a, b) => order[a.state] - order[b.state])
    .map(shortState)
    .join(' | ');
}

export interface TargetSummary {
  target: string;
  networks: number;
  complete: number;
  failed: number;
  cancelled: number;
  /** Networks never started on this board (the plan was cancelled first). */
  notRun: number;
  /** `alexnet.prototxt: Lost the connection`, one per campaign that did not complete. */
  problems: string[];
}

/** Counts per target, in the order of `targets`, from the plan's results. */
export function summarizePlan(targets: readonly string[], networks: number, results: readonly QueueResult[]): TargetSummary[] {
  return targets.map((target) => {
    const mine = results.filter((r) => r.target === target);
    const count = (s: string): number => mine.filter((r) => r.outcome.status === s).length;
    const complete = count('complete');
    const cancelled = count('cancelled');
    return {
      target,
      networks,
      complete,
      cancelled,
      failed: mine.length - complete - cancelled,
      notRun: Math.max(0, networks - mine.length),
      problems: mine
        .filter((r) => r.outcome.status !== 'complete')
        .map((r) => `${path.basename(r.networkFile)}: ${r.outcome.error?.message ?? r.outcome.status}`),
    };
  });
}

/** `tx1-a: 2 of 2 networks measured.` or `tx1-b: 1 of 2 networks measured, 1 failed (alexnet.prototxt: ...).` */
export function summaryText(s: TargetSummary): string {
  const extra = [
    s.failed > 0 ? `${s.failed} failed` : '',
    s.cancelled > 0 ? `${s.cancelled} cancelled` : '',
    s.notRun > 0 ? `${s.notRun} not started` : '',
  ].filter(Boolean);
  const problems = s.problems.length > 0 ? ` (${s.problems.join(' | ')})` : '';
  return `${s.target}: ${s.complete} of ${s.networks} network${s.networks === 1 ? '' : 's'} measured${extra.length ? `, ${extra.join(', ')}` : ''}${problems}.`;
}

/** What the command returns per campaign (tests and scripts read it). */
export interface PlanResult {
  target: string;
  network: string;
  status: QueueResult['outcome']['status'];
  file?: string;
  measured: number;
  planned: number;
  attempts: number;
  message?: string;
}

/** The results in plan order (by target, then network), whatever order the boards finished in. */
export function planResults(targets: readonly string[], networkFiles: readonly string[], results: readonly QueueResult[]): PlanResult[] {
  const rank = (r: QueueResult): number => targets.indexOf(r.target) * (networkFiles.length + 1) + networkFiles.indexOf(r.networkFile);
  return [...results]
    .sort((a, b) => rank(a) - rank(b))
    .map((r) => ({
      target: r.target,
      network: r.networkFile,
      status: r.outcome.status,
      file: r.outcome.file,
      measured: r.outcome.measured,
      planned: r.outcome.planned,
      attempts: r.attempts,
      message: r.outcome.error ? `${r.outcome.error.message}${r.outcome.error.nextStep ? ` ${r.outcome.error.nextStep}` : ''}` : undefined,
    }));
}
