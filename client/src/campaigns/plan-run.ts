// One run of a networks × targets plan for the extension: the boards reserved in RunningCampaigns
// (one campaign per board at a time), one AbortController for every queue (the notification's Cancel
// or any board's cancel stops them all), per-board progress in a PlanProgress, the queues of
// campaign-queues.ts per workspace folder. No `vscode` here: plan-command.ts shows it, tests run it.
import * as path from 'path';
import { measurementsFolder } from '../../../server/src/measurements';
import type { TargetConfig } from '../board/targets';
import type { Connect } from './board-session';
import type { NewCampaignRequest } from './campaign-plan';
import { runCampaignPlan, type QueueResult, type RetryPolicy } from './campaign-queues';
import type { CampaignHooks } from './campaign-runner';
import type { RunningCampaigns } from './running-campaigns';
import { PlanProgress } from './target-progress';

/** Where a plan's progress goes besides the notification (the Campaigns view). */
export interface PlanProgressSink {
  started(progress: PlanProgress): void;
  /** One board's progress changed (the view coalesces the redraws). */
  changed(target: string): void;
  /** The plan ended; its last states stay shown until a campaign starts on one of its boards alone. */
  ended(): void;
}

export interface PlanRunOptions {
  targets: readonly TargetConfig[];
  requests: readonly NewCampaignRequest[];
  running: RunningCampaigns;
  connect: Connect;
  agentPath: string;
  log(line: string): void;
  recordsChanged(file: string): void;
  plan?: PlanProgressSink;
  /** The board's entry as the settings have it now (undefined: the one the plan started with). */
  targetNamed?(name: string): TargetConfig | undefined;
  /** Back-off between retries; campaign-queues' default otherwise. */
  retry?: RetryPolicy;
  /** Shows the run (the notification) while `run.work()` runs the queues. */
  present(run: PresentedPlan): PromiseLike<void>;
}

export interface PresentedPlan {
  work(): Promise<void>;
  /** Stops every queue (the notification's Cancel). */
  cancel(): void;
  progress: PlanProgress;
  /** `listener` is called on every progress change (the caller throttles its redraws). */
  onChange(listener: () => void): void;
}

export type PlanRun = { busy: string } | { results: QueueResult[]; progress: PlanProgress; networkFiles: string[] };

/** The networks by workspace folder, each folder's campaigns going to its own records folder. */
function byWorkspace(requests: readonly NewCampaignRequest[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const r of requests) groups.set(r.workspaceRoot, [...(groups.get(r.workspaceRoot) ?? []), r.networkFile]);
  return groups;
}

/** Every network on every target, one queue per target in parallel; `{ busy }` when a target runs a campaign already. */
export async function runPlan(o: PlanRunOptions): Promise<PlanRun> {
  const names = o.targets.map((t) => t.name);
  const groups = byWorkspace(o.requests);
  const networkFiles = [...groups.values()].flat();
  const lastFile = networkFiles[networkFiles.length - 1];
  const controller = new AbortController();
  const cancel = (): void => controller.abort();
  const releases: Array<() => void> = [];
  for (const name of names) {
    const release = o.running.start({ target: name, network: networkFiles[0] ?? '', cancel });
    if (!release) {
      for (const r of releases) r();
      return { busy: name };
    }
    releases.push(release);
  }
  const progress = new PlanProgress(names, networkFiles);
  o.plan?.started(progress);
  const results: QueueResult[] = [];
  let notify: (() => void) | undefined;
  const changed = (target: string): void => {
    o.plan?.changed(target);
    notify?.();
  };
  const hooksFor = (target: string, networkFile: string): CampaignHooks => ({
    log: (line) => o.log(`[${target}] ${line}`),
    onProgress: (state, plan) => {
      if (plan) o.running.update(target, { recordsFile: plan.recordsFile, state, network: plan.networkFile });
      else o.running.update(target, { state });
      progress.progress(target, networkFile, state, plan);
      changed(target);
    },
    onRecord: (file) => o.recordsChanged(file),
  });
  // A retrying board's countdown moves on its own.
  const tick = setInterval(() => {
    for (const p of progress.targets()) if (p.state === 'retrying') changed(p.target);
  }, 1000);
  const work = async (): Promise<void> => {
    for (const [root, files] of groups) {
      if (controller.signal.aborted) break;
      await runCampaignPlan({
        // Read again at each try: a board edited while its queue retries (new address, port, key) is reached.
        boards: o.targets.map((t) => ({ target: () => o.targetNamed?.(t.name) ?? t, connect: o.connect, agentPath: o.agentPath })),
        networkFiles: files,
        workspaceRoot: root,
        recordsFolder: measurementsFolder(root),
        resume: false,
        retry: o.retry,
        signal: controller.signal,
        hooksFor,
        onRetry: (r) => {
          progress.retry(r.target, r);
          changed(r.target);
        },
        onResult: (r) => {
          results.push(r);
          progress.result(r.target, r.outcome, r.networkFile === lastFile);
          o.log(`[${r.target}] ${path.basename(r.networkFile)}: ${r.outcome.status}${r.outcome.file ? ` (${r.outcome.file})` : ''}`);
          changed(r.target);
        },
      });
    }
  };
  try {
    await o.present({
      work,
      cancel,
      progress,
      onChange: (listener) => {
        notify = listener;
      },
    });
  } finally {
    clearInterval(tick);
    notify = undefined;
    progress.finish();
    for (const n of names) o.plan?.changed(n);
    for (const r of releases) r();
    o.plan?.ended(); // after the boards are free: freeing them is not "a campaign started on one"
  }
  return { results, progress, networkFiles };
}
