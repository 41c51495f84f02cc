// What a campaign's progress shows, computed once for the CLI's progress bar, the extension's
// notification and the Campaigns view: layers done of the whole campaign (a resume counts the layers
// earlier sessions measured: "layer 8 of 23"), the current layer's name (inserted Splits as "split of
// <blob>"), an elapsed time that never goes back, and an ETA that does not jump (smoothed end time,
// each step bounded by a ratio). No `vscode` here.
import * as fs from 'fs';
import { analyzeText } from '../../../server/src/net';
import type { CampaignPlan } from './campaign-plan';
import { formatDuration, type ProgressState } from './progress';

/** Weight of a new estimate in the smoothed end time (per update, about once a second). */
const SMOOTHING = 0.25;
/** The shown ETA changes by at most this factor from one update to the next (after time passed). */
const MAX_STEP_RATIO = 1.5;
/** Below this the ETA is left free (a few seconds either way are not a jump anyone notices). */
const FREE_BELOW_MS = 3000;

export class EtaSmoother {
  private endAt: number | undefined;
  private shownAt: { value: number; at: number } | undefined;

  /** The remaining time to show, from the tracker's raw estimate at `now`. */
  update(remainingMs: number | undefined, now: number): number | undefined {
    if (remainingMs === undefined) return this.endAt === undefined ? undefined : Math.max(0, this.endAt - now);
    const raw = now + remainingMs;
    this.endAt = this.endAt === undefined ? raw : this.endAt + SMOOTHING * (raw - this.endAt);
    let shown = Math.max(0, this.endAt - now);
    if (this.shownAt) {
      const expected = this.shownAt.value - (now - this.shownAt.at);
      if (expected > FREE_BELOW_MS) shown = Math.min(expected * MAX_STEP_RATIO, Math.max(expected / MAX_STEP_RATIO, shown));
      this.endAt = now + shown;
    }
    this.shownAt = { value: shown, at: now };
    return shown;
  }
}

/** `conv1`, or `split of conv1` for an inserted Split layer whose input blob is known. */
export type LayerLabel = (layer: string) => string;

/** Labels for the layers of a network file (Splits named after their blob); plain names if it cannot be read. */
export function layerLabelsOf(networkFile: string): LayerLabel {
  const names = new Map<string, string>();
  try {
    for (const l of analyzeText(fs.readFileSync(networkFile, 'utf8')).layers) {
      if (l.isSplit && l.bottoms[0]) names.set(l.name, `split of ${l.bottoms[0]}`);
    }
  } catch {
    // the label is a nicety; the runner reports unreadable networks
  }
  return (layer) => names.get(layer) ?? layer;
}

export interface CampaignCounts {
  /** Layers on disk for this campaign (earlier sessions and this one). */
  done: number;
  /** Layers the campaign plans in all (undefined until known). */
  of?: number;
  /** 1-based position of the layer being measured in the whole campaign. */
  position?: number;
}

/** The session's counts as counts of the whole campaign (`before` layers measured by earlier sessions). */
export function campaignCounts(s: ProgressState, before = 0, planned?: number): CampaignCounts {
  const of = planned ?? (s.of !== undefined ? s.of + before : undefined);
  const c: CampaignCounts = { done: before + s.done };
  if (of !== undefined) c.of = of;
  if (s.position !== undefined) c.position = before + s.position;
  return c;
}

/** `before` and `planned` of a plan for campaignCounts. */
export function planCounts(plan: CampaignPlan | undefined): { before: number; planned?: number } {
  return { before: plan?.skip.length ?? 0, planned: plan && plan.plannedBefore.length > 0 ? plan.plannedBefore.length : undefined };
}

export interface ShownProgress extends CampaignCounts {
  /** The current layer's label, or the phase when no layer is being measured. */
  layer?: string;
  phase?: string;
  /** Since this view started: never goes back (the runner's sessions each have their own clock). */
  elapsedMs: number;
  etaMs?: number;
  /** 0..1 of the whole campaign. */
  fraction: number;
}

/** Turns the runner's raw states into what is shown; one per campaign (or per board queue). */
export class ProgressView {
  private readonly started: number;
  private readonly eta = new EtaSmoother();
  private lastElapsed = 0;

  constructor(private readonly now: () => number = Date.now) {
    this.started = now();
  }

  show(s: ProgressState, labels: LayerLabel, plan?: CampaignPlan): ShownProgress {
    const now = this.now();
    const { before, planned } = planCounts(plan);
    const counts = campaignCounts(s, before, planned);
    this.lastElapsed = Math.max(this.lastElapsed, now - this.started);
    const shown: ShownProgress = {
      ...counts,
      elapsedMs: this.lastElapsed,
      fraction: counts.of ? Math.min(1, counts.done / counts.of) : 0,
    };
    if (s.layer) shown.layer = labels(s.layer);
    if (s.phase) shown.phase = s.phase;
    const eta = this.eta.update(s.remainingMs, now);
    if (eta !== undefined) shown.etaMs = eta;
    return shown;
  }
}

/** `layer 8 of 23 (split of conv1) · 0:41 elapsed · about 1:20 left`. */
export function formatShownProgress(p: ShownProgress): string {
  const parts: string[] = [];
  if (p.position !== undefined && p.of !== undefined) parts.push(`layer ${p.position} of ${p.of}${p.layer ? ` (${p.layer})` : ''}`);
  else if (p.phase) parts.push(p.of !== undefined ? `${p.phase} (${p.done}/${p.of} layers)` : p.phase);
  parts.push(`${formatDuration(p.elapsedMs)} elapsed`);
  if (p.etaMs !== undefined) parts.push(`about ${formatDuration(p.etaMs)} left`);
  return parts.join(' · ');
}
