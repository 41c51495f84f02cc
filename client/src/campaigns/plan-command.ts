// "Profile Workspace Networks on Target..." with several boards: the plan of plan-run.ts (one queue
// per board in parallel, link failures retried with back-off and resumed) under one cancellable
// notification, every board's progress in the Campaigns view, and a summary per board at the end
// (plan-summary.ts).
import * as vscode from 'vscode';
import type { TargetConfig } from '../board/targets';
import type { Connect } from './board-session';
import type { NewCampaignRequest } from './campaign-plan';
import type { RetryPolicy } from './campaign-queues';
import type { RunningCampaigns } from './running-campaigns';
import { runPlan, type PlanProgressSink } from './plan-run';
import { planFraction, planMessage, planResults, summarizePlan, summaryText, type PlanResult } from './plan-summary';

export type { PlanProgressSink } from './plan-run';

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

/** Runs every network on every target, one queue per target; undefined when a target is busy. */
export async function profilePlan(
  s: PlanServices,
  targets: readonly TargetConfig[],
  requests: readonly NewCampaignRequest[],
): Promise<PlanResult[] | undefined> {
  const names = targets.map((t) => t.name);
  const count = requests.length;
  const title = `profiling ${count} network${count === 1 ? '' : 's'} on ${names.length} boards`;
  const run = await runPlan({
    targets,
    requests,
    running: s.running,
    connect: s.connect,
    agentPath: s.agentPath,
    log: (line) => log(s, line),
    recordsChanged: (file) => s.recordsChanged(file),
    plan: s.plan,
    targetNamed: s.targetNamed,
    retry: s.retry,
    present: (plan) => {
      log(s, `--- ${title} (${names.join(', ')}), one queue per board`);
      return vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Energy Lens: ${title}`, cancellable: true },
        async (bar, token) => {
          token.onCancellationRequested(() => plan.cancel());
          let shown = 0;
          let timer: NodeJS.Timeout | undefined;
          plan.onChange(() => {
            timer ??= setTimeout(() => {
              timer = undefined;
              const now = plan.progress.targets();
              const pct = Math.round(planFraction(now) * 100);
              bar.report({ message: planMessage(now), increment: pct > shown ? pct - shown : undefined });
              shown = Math.max(shown, pct);
            }, NOTIFY_MS);
          });
          try {
            await plan.work();
          } finally {
            clearTimeout(timer);
          }
        },
      );
    },
  });
  if ('busy' in run) {
    void vscode.window.showWarningMessage(
      `Energy Lens: a campaign is already running on "${run.busy}"; a second one would disturb its power readings. Wait for it or cancel it.`,
    );
    return undefined;
  }
  for (const summary of summarizePlan(names, run.networkFiles.length, run.results)) {
    const text = `Energy Lens: ${summaryText(summary)}`;
    log(s, text);
    if (summary.complete === summary.networks) void vscode.window.showInformationMessage(text);
    else void vscode.window.showWarningMessage(text, 'Show Output').then((a) => a && s.output.show(true));
  }
  return planResults(names, run.networkFiles, run.results);
}
