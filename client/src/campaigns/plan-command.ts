// "Profile Workspace Networks on Target..." with several boards: the networks × targets plan of
// campaign-queues.ts (one queue per board in parallel, link failures retried with back-off and
// resumed) under one cancellable notification, every board's progress in the Campaigns view
// (target-progress.ts), and a summary per board at the end (plan-summary.ts).
import * as path from 'path';
import * as vscode from 'vscode';
import { measurementsFolder } from '../../../server/src/measurements';
import type { TargetConfig } from '../board/targets';
import type { Connect } from './board-session';
import type { NewCampaignRequest } from './campaign-plan';
import { runCampaignPlan, type QueueResult, type RetryPolicy } from './campaign-queues';
import type { CampaignHooks } from './campaign-runner';
import type { RunningCampaigns } from './running-campaigns';
import { PlanProgress } from './target-progress';
import { planFraction, planMessage, planResults, summarizePlan, summaryText, type PlanResult } from './plan-summary';

/** Where a plan's progress goes besides the notification (the Campaigns view). */
export interface PlanProgressSink {
  started(progress: PlanProgress): void;
  /** One board's progress changed (the view coalesces the redraws). */
  changed(target: string): void;
  /** The plan ended; its last states stay shown until a campaign starts on one of its boards alone. */
  ended(): void;
}

export interface PlanServices {
  output: vscode.OutputChannel;
  running: RunningCampaigns;
  connect: Connect;
  agentPath: string;
  recordsChanged(file: string): void;
  plan?: PlanProgressSink;
  /** The board's entry as the settings have it now (undefined: the one the plan started with). */
  targetNamed?(name: string): TargetConfig | undefined;
  /** Back-off between retries (tests shorten it); campaign-queues' default otherwise. */
  retry?: RetryPolicy;
}

/** The notification is redrawn at most this often. */
const NOTIFY_MS = 500;

function log(s: PlanServices, line: string): void {
  const time = new Date().toTimeString().slice(0, 8);
  for (const l of line.split('\n')) s.output.appendLine(`[${time}] ${l}`);
}

/** The networks by workspace folder, each folder's campaigns going to its own records folder. */
function byWorkspace(requests: readonly NewCampaignRequest[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const r of requests) groups.set(r.workspaceRoot, [...(groups.get(r.workspaceRoot) ?? []), r.networkFile]);
  return groups;
}

/** Runs every network on every target, one queue per target; undefined when a target is busy. */
export async function profilePlan(
  s: PlanServices,
  targets: readonly TargetConfig[],
  requests: readonly NewCampaignRequest[],
): Promise<PlanResult[] | undefined> {
  const names = targets.map((t) => t.name);
  const groups = byWorkspace(requests);
  const networkFiles = [...groups.values()].flat();
  const lastFile = networkFiles[networkFiles.length - 1];
  const controller = new AbortController();
  const releases: Array<() => void> = [];
  for (const t of targets) {
    const release = s.running.start({ target: t.name, network: networkFiles[0] ?? '', cancel: () => controller.abort() });
    if (!release) {
      for (const r of releases) r();
      void vscode.window.showWarningMessage(
        `Energy Lens: a campaign is already running on "${t.name}"; a second one would disturb its power readings. Wait for it or cancel it.`,
      );
      return undefined;
    }
    releases.push(release);
  }
  const progress = new PlanProgress(names, networkFiles);
  s.plan?.started(progress);
  const title = `profiling ${networkFiles.length} network${networkFiles.length === 1 ? '' : 's'} on ${names.length} boards`;
  log(s, `--- ${title} (${names.join(', ')}), one queue per board`);

  const results: QueueResult[] = [];
  let notify: (() => void) | undefined;
  const changed = (target: string): void => {
    s.plan?.changed(target);
    notify?.();
  };
  const hooksFor = (target: string, networkFile: string): CampaignHooks => ({
    log: (line) => log(s, `[${target}] ${line}`),
    onProgress: (state, plan) => {
      if (plan) s.running.update(target, { recordsFile: plan.recordsFile, state, network: plan.networkFile });
      else s.running.update(target, { state });
      progress.progress(target, networkFile, state, plan);
      changed(target);
    },
    onRecord: (file) => s.recordsChanged(file),
  });
  // A retrying board's countdown moves on its own.
  const tick = setInterval(() => {
    for (const p of progress.targets()) if (p.state === 'retrying') changed(p.target);
  }, 1000);
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Energy Lens: ${title}`, cancellable: true },
      async (bar, token) => {
        token.onCancellationRequested(() => controller.abort());
        let shown = 0;
        let timer: NodeJS.Timeout | undefined;
        const draw = (): void => {
          timer = undefined;
          const pct = Math.round(planFraction(progress.targets()) * 100);
          bar.report({ message: planMessage(progress.targets()), increment: pct > shown ? pct - shown : undefined });
          shown = Math.max(shown, pct);
        };
        notify = () => {
          timer ??= setTimeout(draw, NOTIFY_MS);
        };
        try {
          for (const [root, files] of groups) {
            if (controller.signal.aborted) break;
            await runCampaignPlan({
              // Read again at each try: a board edited while its queue retries (new address, port, key) is reached.
              boards: targets.map((t) => ({ target: () => s.targetNamed?.(t.name) ?? t, connect: s.connect, agentPath: s.agentPath })),
              networkFiles: files,
              workspaceRoot: root,
              recordsFolder: measurementsFolder(root),
              resume: false,
              retry: s.retry,
              signal: controller.signal,
              hooksFor,
              onRetry: (r) => {
                progress.retry(r.target, r);
                changed(r.target);
              },
              onResult: (r) => {
                results.push(r);
                progress.result(r.target, r.outcome, r.networkFile === lastFile);
                log(s, `[${r.target}] ${path.basename(r.networkFile)}: ${r.outcome.status}${r.outcome.file ? ` (${r.outcome.file})` : ''}`);
                changed(r.target);
              },
            });
          }
        } finally {
          clearTimeout(timer);
          notify = undefined;
        }
      },
    );
  } finally {
    clearInterval(tick);
    progress.finish();
    for (const n of names) s.plan?.changed(n);
    for (const r of releases) r();
    s.plan?.ended(); // after the boards are free: freeing them is not "a campaign started on one"
  }
  for (const summary of summarizePlan(names, networkFiles.length, results)) {
    const text = `Energy Lens: ${summaryText(summary)}`;
    log(s, text);
    if (summary.complete === summary.networks) void vscode.window.showInformationMessage(text);
    else void vscode.window.showWarningMessage(text, 'Show Output').then((a) => a && s.output.show(true));
  }
  return planResults(names, networkFiles, results);
}
