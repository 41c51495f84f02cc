// "layer k of n, elapsed, estimate": the raw numbers of one session. The estimate uses an
// exponentially weighted mean of the durations of the layers finished in this session (recent layers
// count more, one slow layer does not double it); before the first one finishes, the loop length the
// agent announced times the repetitions. What is shown is made of these in progress-model.ts.

/** Weight of the latest layer's duration in the per-layer mean. */
const LAYER_EWMA = 0.3;

export interface ProgressState {
  /** What is happening when no layer is being measured ("connecting", "measuring idle power"). */
  phase?: string;
  /** 1-based position of the layer being measured, and the count this session measures. */
  position?: number;
  of?: number;
  layer?: string;
  /** Layers finished in this session. */
  done: number;
  elapsedMs: number;
  /** Undefined until there is anything to base it on. */
  remainingMs?: number;
  /** 0..1 of this session's layers. */
  fraction: number;
}

export class ProgressTracker {
  private readonly started: number;
  private phase: string | undefined = 'starting';
  private current: { name: string; position: number; of: number; startedAt: number; loopS?: number } | undefined;
  private of = 0;
  private done = 0;
  /** Weighted mean duration of a finished layer. */
  private layerMs: number | undefined;

  constructor(
    private readonly repetitions: number,
    private readonly netCheck: boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  setPhase(phase: string): void {
    this.phase = phase;
  }

  layerStarted(name: string, position: number, of: number, loopS?: number): void {
    this.phase = undefined;
    this.of = of;
    this.current = { name, position, of, startedAt: this.now(), loopS };
  }

  layerFinished(): void {
    if (!this.current) return;
    this.done += 1;
    const took = this.now() - this.current.startedAt;
    this.layerMs = this.layerMs === undefined ? took : this.layerMs + LAYER_EWMA * (took - this.layerMs);
    if (this.current.position >= this.current.of) {
      this.phase = this.netCheck ? 'whole-net cross-check' : 'finishing';
    }
    this.current = undefined;
  }

  state(): ProgressState {
    const now = this.now();
    const s: ProgressState = {
      done: this.done,
      elapsedMs: now - this.started,
      fraction: this.of > 0 ? Math.min(1, this.done / this.of) : 0,
    };
    if (this.phase) s.phase = this.phase;
    if (this.current) {
      s.position = this.current.position;
      s.of = this.current.of;
      s.layer = this.current.name;
    }
    const perLayer =
      this.layerMs !== undefined
        ? this.layerMs
        : this.current?.loopS !== undefined
          ? this.current.loopS * 1000 * this.repetitions * 1.15
          : undefined;
    if (perLayer !== undefined && this.of > 0) {
      const left = this.of - this.done + (this.netCheck ? 1 : 0);
      const intoCurrent = this.current ? now - this.current.startedAt : 0;
      s.remainingMs = Math.max(0, left * perLayer - intoCurrent);
    }
    return s;
  }
}

/** `1:05`, `12:00`, `1:02:03`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** `layer 3 of 12 (conv2) · 0:41 elapsed · about 1:20 left`. */
export function formatProgress(s: ProgressState): string {
  const parts: string[] = [];
  if (s.position !== undefined && s.of !== undefined) parts.push(`layer ${s.position} of ${s.of}${s.layer ? ` (${s.layer})` : ''}`);
  else if (s.phase) parts.push(s.phase);
  parts.push(`${formatDuration(s.elapsedMs)} elapsed`);
  if (s.remainingMs !== undefined) parts.push(`about ${formatDuration(s.remainingMs)} left`);
  return parts.join(' · ');
}
