// `energy-lens profile NET... --target T | --emulated [kind]`: a campaign per network from the
// terminal, with the extension's own runner, SSH link and records (nothing here measures, connects
// or writes records itself). Progress on stderr, `--json` events on stdout, Ctrl-C stops the agent
// on the board and keeps what was measured; the exit code says what went wrong (see PROFILE_USAGE).
import * as fs from 'fs';
import * as path from 'path';
import { agentPath } from '../../../client/src/board/emulator';
import { BoardConnection, BoardConnectionError } from '../../../client/src/board/ssh';
import { toBoardTarget } from '../../../client/src/board/targets';
import type { Connect } from '../../../client/src/campaigns/board-session';
import type { CampaignOutcome } from '../../../client/src/campaigns/campaign-runner';
import { runCampaignPlan, type BoardQueue, type QueueResult } from '../../../client/src/campaigns/campaign-queues';
import { formatDuration, type ProgressState } from '../../../client/src/campaigns/progress';
import { measurementsFolder } from '../measurements';
import { startEmulatedTarget } from './emulated-target';
import type { CliCommand, CliIo } from './io';
import { ProgressBar, renderProgressLine, shortProgress } from './progress-bar';
import { layerLabelsOf } from '../../../client/src/campaigns/progress-model';
import { parseProfileArgs, PROFILE_USAGE, type ProfileArgs } from './profile-args';
import { resolveProfileTarget } from './profile-targets';
import { terminalSshEnvironment } from './terminal-ssh';

/** Documented in PROFILE_USAGE and the README. */
export const PROFILE_EXIT = {
  complete: 0,
  failed: 1,
  usage: 2,
  badNetwork: 3,
  noSensor: 4,
  noCaffe: 5,
  unreachable: 6,
  hostKey: 7,
  cancelled: 130,
} as const;

const HOST_KEY_CODES = new Set(['host-key-unknown', 'host-key-rejected', 'host-key-changed', 'host-key-revoked']);

/** The exit code for one campaign's outcome. */
export function exitCodeOf(o: CampaignOutcome): number {
  if (o.status === 'complete') return PROFILE_EXIT.complete;
  if (o.status === 'cancelled') return PROFILE_EXIT.cancelled;
  const e = o.error;
  const cause = e?.cause;
  if (cause instanceof BoardConnectionError && HOST_KEY_CODES.has(cause.code)) return PROFILE_EXIT.hostKey;
  switch (e?.code) {
    case 'bad-network':
    case 'network-changed':
      return PROFILE_EXIT.badNetwork;
    case 'no-sensor':
      return PROFILE_EXIT.noSensor;
    case 'no-caffe':
      return PROFILE_EXIT.noCaffe;
    case 'connect':
    case 'connection-lost':
      return PROFILE_EXIT.unreachable;
    default:
      return PROFILE_EXIT.failed;
  }
}

/** "split of <blob>" for the Split layers Caffe inserts, from the net as analysed here. */
interface Boards {
  queues: BoardQueue[];
  dispose(): Promise<void>;
}

async function openBoards(a: ProfileArgs, io: CliIo, log: (l: string) => void): Promise<Boards | string> {
  const overrides = { ...a.overrides };
  delete overrides.batch;
  const queues: BoardQueue[] = [];
  const disposers: Array<() => Promise<void>> = [];
  const dispose = async (): Promise<void> => {
    await Promise.all(disposers.map((d) => d().catch(() => undefined)));
  };
  if (a.emulated.length > 0) {
    const seen = new Map<string, number>();
    for (const kind of a.emulated) {
      const n = (seen.get(kind) ?? 0) + 1;
      seen.set(kind, n);
      const board = await startEmulatedTarget(kind, a.timeScale, overrides, `emulated-${kind}${n > 1 ? `-${n}` : ''}`);
      if (typeof board === 'string') {
        await dispose();
        return board;
      }
      disposers.push(board.dispose);
      queues.push({ target: () => board.target, connect: board.connect, agentPath: board.agentPath });
    }
    return { queues, dispose };
  }
  for (const spec of a.targets) {
    const resolved = resolveProfileTarget(spec, a.targetsFile && path.resolve(io.cwd, a.targetsFile), overrides);
    if (typeof resolved === 'string') return resolved;
    resolved.warnings.forEach(log);
    const connect: Connect = (t, signal) =>
      BoardConnection.connect(toBoardTarget(t), terminalSshEnvironment(t, { acceptNew: a.acceptNew, log }), { signal });
    queues.push({ target: () => resolved.target, connect, agentPath: agentPath() });
  }
  const names = queues.map((q) => q.target().name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) return `two targets resolve to the name "${dup}" (one queue per board)`;
  return { queues, dispose };
}

/** The CLI's exit code for the whole plan: cancelled wins, then the first failure in plan order. */
function planExitCode(results: QueueResult[], networks: string[], targets: string[]): number {
  const codes = results.map((r) => ({ r, code: exitCodeOf(r.outcome) }));
  if (codes.some((c) => c.code === PROFILE_EXIT.cancelled)) return PROFILE_EXIT.cancelled;
  const order = (r: QueueResult): number => targets.indexOf(r.target) * networks.length + networks.indexOf(r.networkFile);
  const failed = codes.filter((c) => c.code !== 0).sort((x, y) => order(x.r) - order(y.r));
  return failed[0]?.code ?? PROFILE_EXIT.complete;
}

export const profile: CliCommand = async (args, io) => {
  const parsed = parseProfileArgs(args);
  if (typeof parsed === 'string') {
    io.stderr(`energy-lens profile: ${parsed}\n${PROFILE_USAGE}\n`);
    return PROFILE_EXIT.usage;
  }
  if (parsed.help) {
    io.stdout(`${PROFILE_USAGE}\n`);
    return 0;
  }
  const a = parsed;
  const networks = a.networks.map((n) => path.resolve(io.cwd, n));
  for (const [i, n] of networks.entries()) {
    if (!fs.existsSync(n) || !fs.statSync(n).isFile()) {
      io.stderr(`${a.networks[i]}: error: no such network file\n`);
      return PROFILE_EXIT.badNetwork;
    }
  }
  const folder = a.out ? path.resolve(io.cwd, a.out) : measurementsFolder(io.cwd);
  const bar = new ProgressBar(io.stderr, !a.json && io.stderrIsTTY === true, process.stderr.columns ?? 100);

  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) return;
    bar.note('Stopping the agent on the board (measured layers are kept; --resume finishes the campaign)...');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const boards = await openBoards(a, io, (l) => bar.note(l));
  if (typeof boards === 'string') {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    io.stderr(`energy-lens profile: ${boards}\n`);
    return PROFILE_EXIT.usage;
  }
  const several = boards.queues.length > 1;
  // One line for all boards: each board's latest state, redrawn together.
  const states = new Map<string, { render: (etaMs: number | undefined) => string; short: string; remainingMs?: number }>();
  const redraw = (): void => {
    const all = [...states.values()];
    if (all.length === 0) return;
    // The plan ends with its slowest board.
    const eta = all.some((s) => s.remainingMs !== undefined) ? Math.max(...all.map((s) => s.remainingMs ?? 0)) : undefined;
    bar.update(
      (e) => (several ? `${all.map((s) => s.short).join(' | ')}${e !== undefined ? ` · ETA ${formatDuration(e)}` : ''}` : all[0].render(e)),
      eta,
    );
  };
  let results: QueueResult[];
  try {
    results = await runCampaignPlan({
      boards: boards.queues,
      networkFiles: networks,
      workspaceRoot: io.cwd,
      recordsFolder: folder,
      resume: a.resume,
      signal: controller.signal,
      batch: a.overrides.batch as number | undefined,
      retry: { retries: a.retries, baseDelayMs: a.retryDelayS * 1000, maxDelayMs: 30000 },
      powerModes: a.powerModes,
      hooksFor: (target, networkFile, powerMode) => {
        const labels = layerLabelsOf(networkFile);
        const rel = path.relative(io.cwd, networkFile) || networkFile;
        const label = `${path.basename(networkFile)} on ${target}${powerMode === undefined ? '' : ` (mode ${powerMode})`}`;
        return {
          log: (line) => bar.note(several ? `[${target}] ${line}` : line),
          onProgress: (state: ProgressState, plan) => {
            const before = plan?.skip.length ?? 0;
            const planned = plan && plan.plannedBefore.length > 0 ? plan.plannedBefore.length : undefined;
            states.set(target, {
              render: (eta) => renderProgressLine(state, label, eta, labels, before, planned),
              short: shortProgress(state, `${target} ${path.basename(networkFile)}`, labels, before, planned),
              remainingMs: state.remainingMs,
            });
            redraw();
          },
          onAgentEvent: a.json ? (event) => io.stdout(`${JSON.stringify({ network: rel, target, ...event })}\n`) : undefined,
        };
      },
      onResult: (r) => {
        states.delete(r.target);
        reportResult(a, io, bar, r);
      },
    });
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    bar.clear();
    await boards.dispose();
  }
  if (controller.signal.aborted) return PROFILE_EXIT.cancelled;
  return planExitCode(
    results,
    networks,
    boards.queues.map((q) => q.target().name),
  );
};

function reportResult(a: ProfileArgs, io: CliIo, bar: ProgressBar, r: QueueResult): void {
  const { outcome } = r;
  const label = `${path.basename(r.networkFile)} on ${r.target}${r.powerMode === undefined ? '' : ` in power mode ${r.powerMode}`}`;
  const where = outcome.file ? ` -> ${path.relative(io.cwd, outcome.file) || outcome.file}` : '';
  const tries = r.attempts > 1 ? `, after ${r.attempts} attempts` : '';
  bar.note(`${label}: ${outcome.status}, ${outcome.measured}/${outcome.planned || '?'} layers (${outcome.added} this run${tries})${where}`);
  if (outcome.error && outcome.status !== 'complete')
    bar.note(`  ${outcome.error.message}${outcome.error.nextStep ? `\n  Next: ${cliStep(outcome.error.nextStep)}` : ''}`);
  if (a.json) {
    io.stdout(
      `${JSON.stringify({
        event: 'campaign-end',
        network: path.relative(io.cwd, r.networkFile) || r.networkFile,
        target: r.target,
        ...(r.powerMode === undefined ? {} : { powerMode: r.powerMode }),
        status: outcome.status,
        file: outcome.file ?? null,
        measured: outcome.measured,
        planned: outcome.planned,
        added: outcome.added,
        attempts: r.attempts,
        exitCode: exitCodeOf(outcome),
        ...(outcome.error ? { error: { code: outcome.error.code, message: outcome.error.message } } : {}),
      })}\n`,
    );
  }
}

/** The runner's next steps name the extension's commands; in a terminal the same step is --resume. */
function cliStep(step: string): string {
  return step.startsWith('Run "Energy Lens: Resume Campaign"')
    ? 'run the same command again with --resume; the layers measured so far are kept.'
    : step;
}
