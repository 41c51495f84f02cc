// A campaign plan over several boards: networks × targets, one queue per target run in parallel
// (never two measurements at once on one board), every campaign written to the same records folder,
// so the records form one dataset. A transient failure (connection refused or lost, time-out) is
// retried with exponential back-off and resumes the same campaign file; the other boards carry on.
// No `vscode` here (the CLI runs it; the extension can).
import * as fs from 'fs';
import * as path from 'path';
import { BoardConnectionError } from '../board/ssh/errors'; // not the index: that would bundle ssh2 into campaigns.js
import type { TargetConfig } from '../board/targets';
import { readCampaignFile } from '../../../server/src/measurements';
import type { Connect } from './board-session';
import type { CampaignRequest } from './campaign-plan';
import { runCampaign, type CampaignHooks, type CampaignOutcome } from './campaign-runner';

export interface BoardQueue {
  /** The target as it is now (a test's restarted server has a new port). */
  target(): TargetConfig;
  connect: Connect;
  agentPath: string;
}

export interface RetryPolicy {
  /** Tries per campaign after the first (0: no retry). */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 2000, maxDelayMs: 30000 };

export interface QueueResult {
  target: string;
  networkFile: string;
  /** The power mode of a sweep's campaign (undefined: the target's own). */
  powerMode?: number;
  outcome: CampaignOutcome;
  /** Runs it took (1 without retries). */
  attempts: number;
}

export interface PlanOptions {
  boards: BoardQueue[];
  networkFiles: string[];
  workspaceRoot: string;
  recordsFolder: string;
  /** Continue each network's newest unfinished campaign on its target instead of starting anew. */
  resume: boolean;
  /** A power-mode sweep: each network measured in each of these nvpmodel modes, in order (one campaign each). */
  powerModes?: number[];
  batch?: number;
  retry?: RetryPolicy;
  /** Hooks for one board's campaign (log lines, progress, events). */
  hooksFor(target: string, networkFile: string, powerMode?: number): CampaignHooks;
  /** After each campaign (the last attempt). */
  onResult?(r: QueueResult): void;
  /** Before a transient failure is tried again (the Campaigns view shows "retrying"). */
  onRetry?(r: RetryNotice & { target: string; networkFile: string }): void;
  signal?: AbortSignal;
  /** Waits between retries (injected by tests). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const TRANSIENT_LINK_CODES = new Set(['refused', 'timeout', 'reset', 'unreachable', 'connection-lost', 'host-not-found', 'tunnel-failed']);

/** Worth another try: the link failed, not the board, the network, the host key or the login. */
export function isTransient(o: CampaignOutcome): boolean {
  if (o.status === 'interrupted') return true;
  if (o.status !== 'failed' || !o.error) return false;
  if (o.error.code === 'connection-lost') return true;
  const cause = o.error.cause;
  return o.error.code === 'connect' && cause instanceof BoardConnectionError && TRANSIENT_LINK_CODES.has(cause.code);
}

export function backoffMs(attempt: number, p: RetryPolicy): number {
  return Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (attempt - 1));
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * The newest unfinished campaign of `networkFile` on `target` (in `powerMode`, when a sweep gives one) in
 * `folder`, or a finished one when that is all there is.
 */
export function findResumable(
  folder: string,
  workspaceRoot: string,
  networkFile: string,
  target: string,
  powerMode?: number,
): { file: string; complete: boolean } | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(folder).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return undefined;
  }
  const wanted = path.resolve(networkFile);
  const matches = names
    .map((n) => readCampaignFile(path.join(folder, n)))
    .filter((r) => {
      const c = r.campaign;
      return (
        c &&
        c.target.name === target &&
        path.resolve(workspaceRoot, c.network.path) === wanted &&
        (powerMode === undefined || c.platform?.mode === powerMode)
      );
    })
    .sort((a, b) => a.campaign!.created.localeCompare(b.campaign!.created));
  const open = matches.filter((r) => r.status !== 'complete');
  const pick = open[open.length - 1] ?? matches[matches.length - 1];
  return pick ? { file: pick.file, complete: pick.status === 'complete' } : undefined;
}

async function runQueue(board: BoardQueue, o: PlanOptions, results: QueueResult[]): Promise<void> {
  for (const powerMode of o.powerModes ?? [undefined]) {
    // The agent switches to the mode for the campaign and back after it.
    const target = powerMode === undefined ? board.target : (): TargetConfig => ({ ...board.target(), powerMode });
    await runNetworks({ ...board, target }, o, results, powerMode);
  }
}

async function runNetworks(board: BoardQueue, o: PlanOptions, results: QueueResult[], powerMode: number | undefined): Promise<void> {
  for (const networkFile of o.networkFiles) {
    if (o.signal?.aborted) return;
    const name = board.target().name;
    const hooks = o.hooksFor(name, networkFile, powerMode);
    const fresh: CampaignRequest = {
      kind: 'new',
      workspaceRoot: o.workspaceRoot,
      networkFile,
      recordsFolder: o.recordsFolder,
      ...(o.batch !== undefined ? { analysis: { phase: 'TEST', batch: o.batch } } : {}),
    };
    let request: CampaignRequest = fresh;
    if (o.resume) {
      const found = findResumable(o.recordsFolder, o.workspaceRoot, networkFile, name, powerMode);
      if (found?.complete) {
        const where = `${name}${powerMode === undefined ? '' : ` in power mode ${powerMode}`}`;
        hooks.log(`${path.basename(networkFile)} on ${where}: already complete in ${found.file}; nothing to resume.`);
        continue;
      }
      if (found) request = { kind: 'resume', workspaceRoot: o.workspaceRoot, recordsFile: found.file };
    }
    const { outcome, attempts } = await runWithRetry({
      target: board.target,
      connect: board.connect,
      agentLocalPath: board.agentPath,
      request,
      hooks,
      signal: o.signal,
      retry: o.retry,
      sleep: o.sleep,
      onRetry: (r) => o.onRetry?.({ target: name, networkFile, ...r }),
    });
    const r: QueueResult = { target: name, networkFile, outcome, attempts, ...(powerMode === undefined ? {} : { powerMode }) };
    results.push(r);
    o.onResult?.(r);
  }
}

export interface RetryNotice {
  /** The attempt about to start (2 for the first retry). */
  attempt: number;
  of: number;
  waitMs: number;
  outcome: CampaignOutcome;
}

/**
 * One campaign, tried again with back-off while it fails transiently (the link, not the board): the
 * retry resumes the same records file, so nothing measured is lost or measured twice. Shared by the
 * plan's queues and the extension's single campaigns.
 */
export async function runWithRetry(o: {
  target(): TargetConfig;
  connect: Connect;
  agentLocalPath: string;
  request: CampaignRequest;
  hooks: CampaignHooks;
  signal?: AbortSignal;
  retry?: RetryPolicy;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onRetry?(r: RetryNotice): void;
}): Promise<{ outcome: CampaignOutcome; attempts: number }> {
  const retry = o.retry ?? DEFAULT_RETRY;
  const sleep = o.sleep ?? abortableSleep;
  let request = o.request;
  for (let attempt = 1; ; attempt++) {
    const target = o.target();
    const outcome = await runCampaign({
      target,
      connect: o.connect,
      agentLocalPath: o.agentLocalPath,
      request,
      hooks: o.hooks,
      signal: o.signal,
    });
    if (!isTransient(outcome) || attempt > retry.retries || o.signal?.aborted) return { outcome, attempts: attempt };
    const wait = backoffMs(attempt, retry);
    o.hooks.log(
      `${target.name}: ${outcome.error?.message ?? outcome.status}; retrying in ${(wait / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${retry.retries + 1}).`,
    );
    o.onRetry?.({ attempt: attempt + 1, of: retry.retries + 1, waitMs: wait, outcome });
    await sleep(wait, o.signal);
    // The layers on disk stay: the retry resumes the same file (or starts one if none was written yet).
    if (outcome.file) request = { kind: 'resume', workspaceRoot: request.workspaceRoot, recordsFile: outcome.file };
  }
}

/** Runs every board's queue at once; resolves when all are done (each result in the order it finished). */
export async function runCampaignPlan(o: PlanOptions): Promise<QueueResult[]> {
  const names = o.boards.map((b) => b.target().name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`the target "${dup}" is named twice: one queue per board`);
  const results: QueueResult[] = [];
  await Promise.all(o.boards.map((b) => runQueue(b, o, results)));
  return results;
}
