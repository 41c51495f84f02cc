// The terminal progress line of `energy-lens profile` (stderr, redrawn in place on a TTY): layers
// done of the total, elapsed time, an ETA smoothed so it does not jump when one layer is slow, and
// the layer being measured (inserted Split layers as "split of <blob>").
import type { ProgressState } from '../../../client/src/campaigns/progress';
import { formatDuration } from '../../../client/src/campaigns/progress';
// One computation of counts and ETA for the terminal, the notification and the Campaigns view.
import { campaignCounts, EtaSmoother, type LayerLabel } from '../../../client/src/campaigns/progress-model';

export { EtaSmoother, type LayerLabel } from '../../../client/src/campaigns/progress-model';

const BAR_WIDTH = 20;

export function renderProgressLine(
  s: ProgressState,
  label: string,
  etaMs: number | undefined,
  layerLabel: LayerLabel,
  totalBefore = 0,
  totalPlanned?: number,
): string {
  const { of, done } = campaignCounts(s, totalBefore, totalPlanned);
  const fraction = of ? Math.min(1, done / of) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  // Most telling first: a narrow terminal cuts the end of the line.
  const parts = [`[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${of ? `${done}/${of} layers` : (s.phase ?? 'starting')}`];
  if (s.layer) parts.push(layerLabel(s.layer));
  else if (of && s.phase) parts.push(s.phase);
  if (etaMs !== undefined) parts.push(`ETA ${formatDuration(etaMs)}`);
  parts.push(`${formatDuration(s.elapsedMs)} elapsed`, label);
  return parts.join(' · ');
}

/** `tx1 lenet.prototxt 3/8 conv2` for one board of several on the same line. */
export function shortProgress(s: ProgressState, label: string, layerLabel: LayerLabel, totalBefore = 0, totalPlanned?: number): string {
  const { of, done } = campaignCounts(s, totalBefore, totalPlanned);
  return `${label} ${of ? `${done}/${of}` : (s.phase ?? 'starting')}${s.layer ? ` ${layerLabel(s.layer)}` : ''}`;
}

/** Redraws one line on a TTY (at most every 200 ms); on a pipe prints nothing but what `note` says. */
export class ProgressBar {
  private lastDraw = 0;
  private shown = false;
  private readonly eta = new EtaSmoother();

  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
    private readonly columns = 100,
  ) {}

  update(line: (etaMs: number | undefined) => string, remainingMs: number | undefined, force = false): void {
    const now = Date.now();
    const eta = this.eta.update(remainingMs, now);
    if (!this.tty || (!force && now - this.lastDraw < 200)) return;
    this.lastDraw = now;
    const text = line(eta);
    this.write(`\r\u001b[2K${text.length > this.columns - 1 ? text.slice(0, this.columns - 2) + '…' : text}`);
    this.shown = true;
  }

  /** A log line above the bar. */
  note(text: string): void {
    this.clear();
    this.write(`${text}\n`);
  }

  clear(): void {
    if (this.shown) this.write('\r\u001b[2K');
    this.shown = false;
  }
}
