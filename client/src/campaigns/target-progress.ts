// Per-target progress of a campaign plan over several boards, for the Campaigns view: each board's
// state (queued, running, retrying, failed, done), which network of how many, layers done/total of
// the current campaign, the current layer, elapsed and ETA (progress-model.ts). Changes are
// announced coalesced by the caller; the model only keeps the latest state. No `vscode` here.
import * as path from 'path';
import type { CampaignPlan } from './campaign-plan';
import type { CampaignOutcome } from './campaign-runner';
import type { RetryNotice } from './campaign-queues';
import { formatDuration, type ProgressState } from './progress';
import { formatShownProgress, layerLabelsOf, ProgressView, type LayerLabel, type ShownProgress } from './progress-model';

export type TargetRunState = 'queued' | 'running' | 'retrying' | 'failed' | 'cancelled' | 'done';

export interface TargetProgress {
  target: string;
  state: TargetRunState;
  /** 1-based index of the network being measured, of `networks`. */
  networkIndex: number;
  networks: number;
  /** Base name of the network being measured (or the last one). */
  network?: string;
  shown?: ShownProgress;
  /** Campaigns finished complete / not complete on this target. */
  complete: number;
  notComplete: number;
  /** Why it is retrying or failed (one line, from the runner's message). */
  reason?: string;
  /** When the retry starts (ms since epoch). */
  retryAt?: number;
}

export class PlanProgress {
  private readonly byTarget = new Map<string, TargetProgress>();
  private readonly views = new Map<string, { view: ProgressView; labels: LayerLabel; networkFile: string }>();

  constructor(
    targets: readonly string[],
    private readonly networkFiles: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    for (const t of targets)
      this.byTarget.set(t, { target: t, state: 'queued', networkIndex: 0, networks: networkFiles.length, complete: 0, notComplete: 0 });
  }

  targets(): TargetProgress[] {
    return [...this.byTarget.values()];
  }

  get(target: string): TargetProgress | undefined {
    return this.byTarget.get(target);
  }

  /** A progress report of the runner for `networkFile` on `target`. */
  progress(target: string, networkFile: string, state: ProgressState, plan: CampaignPlan | undefined): void {
    const p = this.byTarget.get(target);
    if (!p) return;
    let v = this.views.get(target);
    if (!v || v.networkFile !== networkFile) {
      // Elapsed and ETA are per board queue: one view per target, relabelled per network.
      v = { view: v?.view ?? new ProgressView(this.now), labels: layerLabelsOf(networkFile), networkFile };
      this.views.set(target, v);
    }
    p.state = 'running';
    p.networkIndex = Math.max(1, this.networkFiles.indexOf(networkFile) + 1);
    p.network = path.basename(networkFile);
    p.shown = v.view.show(state, v.labels, plan);
    delete p.reason;
    delete p.retryAt;
  }

  retry(target: string, notice: RetryNotice): void {
    const p = this.byTarget.get(target);
    if (!p) return;
    p.state = 'retrying';
    p.reason = `${oneLine(notice.outcome.error?.message ?? notice.outcome.status)} (attempt ${notice.attempt} of ${notice.of} next)`;
    p.retryAt = this.now() + notice.waitMs;
  }

  /** A campaign ended (after its last attempt); `last` when it was the target's last network. */
  result(target: string, outcome: CampaignOutcome, last: boolean): void {
    const p = this.byTarget.get(target);
    if (!p) return;
    if (outcome.status === 'complete') p.complete += 1;
    else {
      p.notComplete += 1;
      p.reason = oneLine(outcome.error?.message ?? outcome.status);
    }
    delete p.retryAt;
    if (outcome.status === 'cancelled') p.state = 'cancelled';
    else if (last) p.state = p.notComplete > 0 ? 'failed' : 'done';
    else p.state = 'queued';
  }

  /** The plan ended: a board still queued, running or retrying then was stopped by a cancel. */
  finish(): void {
    for (const p of this.byTarget.values()) {
      if (p.state !== 'queued' && p.state !== 'running' && p.state !== 'retrying') continue;
      p.state = 'cancelled';
      delete p.retryAt;
    }
  }
}

function oneLine(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 160 ? `${t.slice(0, 159)}…` : t;
}

/** The tree node's description: `running · lenet.prototxt (1 of 2) · layer 8 of 23 (conv2) · 0:41 elapsed · about 1:20 left`. */
export function describeTargetProgress(p: TargetProgress, now: number = Date.now()): string {
  const parts: string[] = [p.state];
  if (p.network) parts.push(`${p.network}${p.networks > 1 ? ` (${p.networkIndex} of ${p.networks})` : ''}`);
  else if (p.networks > 1) parts.push(`${p.networks} networks`);
  if (p.state === 'retrying' && p.retryAt !== undefined) parts.push(`next try in ${formatDuration(Math.max(0, p.retryAt - now))}`);
  if (p.shown) {
    if (p.state === 'running') parts.push(formatShownProgress(p.shown));
    else if (p.shown.of !== undefined) parts.push(`${p.shown.done}/${p.shown.of} layers`);
  }
  if (p.state === 'done' || p.state === 'failed') parts.push(`${p.complete} of ${p.complete + p.notComplete} complete`);
  if (p.reason && p.state !== 'running') parts.push(p.reason);
  return parts.join(' · ');
}
