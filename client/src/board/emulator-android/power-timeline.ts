// The phone's true battery power over host time: idle plus whatever the emulated programs run.
// The fuel gauge and the Energy Probe sample it; measuring code never reads it (tests may, as truth).

interface Segment {
  start: number;
  end: number;
  powerMw: number;
}

/** Host time in ms since the epoch, sub-millisecond. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

const KEEP_MS = 15 * 60 * 1000;

export class PowerTimeline {
  private readonly segments: Segment[] = [];

  constructor(readonly idlePowerMw: number) {}

  /** Marks `powerMw` (total, idle included) from now until the returned function is called. */
  begin(powerMw: number): () => void {
    const seg: Segment = { start: nowMs(), end: Infinity, powerMw };
    this.segments.push(seg);
    this.prune(seg.start);
    return () => {
      if (seg.end === Infinity) seg.end = nowMs();
    };
  }

  private prune(now: number): void {
    while (this.segments.length > 0 && this.segments[0].end < now - KEEP_MS) this.segments.shift();
  }

  /** Mean power over [t0, t1] (host ms): idle where nothing runs, the latest segment where several overlap. */
  averageMw(t0: number, t1: number): number {
    if (!(t1 > t0)) return this.powerAtMw(t0);
    let covered = 0;
    let energy = 0;
    // Segments never overlap in practice (one benchmark at a time); if they did, their excess adds up.
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i];
      if (s.end <= t0) break; // in start order and never overlapping: everything earlier ended before t0
      const a = Math.max(t0, s.start);
      const b = Math.min(t1, s.end === Infinity ? t1 : s.end);
      if (b > a) {
        covered += b - a;
        energy += (b - a) * s.powerMw;
      }
    }
    return (energy + Math.max(0, t1 - t0 - covered) * this.idlePowerMw) / (t1 - t0);
  }

  powerAtMw(t: number): number {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i];
      if (s.start <= t && t < s.end) return s.powerMw;
    }
    return this.idlePowerMw;
  }
}
