// An external power probe on the host (ARM Energy Probe capture tool, Monsoon, the emulated probe):
// a command the user configures prints CSV samples on stdout until stopped. Columns are mapped by
// header name; power comes from a power column, or voltage x current. Lines are bounded and a bad
// line is counted, never guessed; the process group is killed on stop.
import { ChildProcess, spawn } from 'child_process';
import { LineSplitter } from '../../ssh/line-splitter';

export interface ProbeColumns {
  /** Seconds on the probe's clock (default `time_s`). */
  time?: string;
  /** Watts (default `power_W`); or give voltage and current. */
  power?: string;
  voltage?: string;
  current?: string;
}

export interface ProbeSample {
  /** Probe clock, seconds. */
  t: number;
  watts: number;
}

const MAX_LINE = 1024;
const MAX_SAMPLES = 20_000_000;

export class ProbeCaptureError extends Error {}

export class ProbeCapture {
  readonly samples: ProbeSample[] = [];
  badLines = 0;
  private child: ChildProcess | undefined;
  private stderr = '';
  private columns: { t: number; p?: number; v?: number; i?: number } | undefined;
  private exited: string | undefined;
  /** min over samples of (host arrival ms − probe ms): the probe clock's offset, up to the least pipe delay. */
  hostMinusProbeMs = Infinity;

  constructor(
    private readonly command: string,
    private readonly mapping: ProbeColumns = {},
  ) {}

  /** Starts the command and resolves once the first sample arrived (or rejects after `timeoutMs`). */
  start(timeoutMs = 10000): Promise<void> {
    const child = spawn('sh', ['-c', this.command], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    const lines = new LineSplitter((line) => this.line(line));
    child.stdout!.on('data', (d: Buffer) => lines.push(d));
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4096);
    });
    return new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        if (this.samples.length > 0) {
          clearInterval(timer);
          clearTimeout(limit);
          resolve();
        }
      }, 10);
      const limit = setTimeout(() => {
        clearInterval(timer);
        this.stop();
        reject(
          new ProbeCaptureError(
            `the probe command gave no samples in ${timeoutMs} ms: ${this.command}${this.stderr ? ` (${this.stderr.trim()})` : ''}`,
          ),
        );
      }, timeoutMs);
      child.on('error', (e) => {
        clearInterval(timer);
        clearTimeout(limit);
        reject(new ProbeCaptureError(`cannot run the probe command ${this.command}: ${e.message}`));
      });
      child.on('exit', (code, signal) => {
        this.exited = `exited (${signal ?? code})${this.stderr ? `: ${this.stderr.trim()}` : ''}`;
        if (this.samples.length === 0) {
          clearInterval(timer);
          clearTimeout(limit);
          reject(new ProbeCaptureError(`the probe command ${this.exited}`));
        }
      });
    });
  }

  /** Why the capture ended early, if it did. */
  get failure(): string | undefined {
    return this.exited;
  }

  private line(raw: string): void {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (line.length > MAX_LINE) {
      this.badLines++;
      return;
    }
    const cells = line.split(',').map((c) => c.trim());
    if (!this.columns) {
      const at = (name: string | undefined) => (name === undefined ? -1 : cells.indexOf(name));
      const t = at(this.mapping.time ?? 'time_s');
      const p = at(this.mapping.power ?? (this.mapping.voltage ? undefined : 'power_W'));
      const v = at(this.mapping.voltage);
      const i = at(this.mapping.current);
      if (t < 0 || (p < 0 && (v < 0 || i < 0)))
        throw new ProbeCaptureError(
          `the probe's CSV header ${JSON.stringify(line)} has no ${t < 0 ? `time column "${this.mapping.time ?? 'time_s'}"` : 'power column (or voltage and current columns)'}`,
        );
      this.columns = { t, p: p >= 0 ? p : undefined, v: v >= 0 ? v : undefined, i: i >= 0 ? i : undefined };
      return;
    }
    const c = this.columns;
    const t = Number(cells[c.t]);
    const watts = c.p !== undefined ? Number(cells[c.p]) : Number(cells[c.v!]) * Number(cells[c.i!]);
    if (!Number.isFinite(t) || !Number.isFinite(watts) || cells.length <= Math.max(c.t, c.p ?? 0, c.v ?? 0, c.i ?? 0)) {
      this.badLines++;
      return;
    }
    if (this.samples.length < MAX_SAMPLES) this.samples.push({ t, watts });
    this.hostMinusProbeMs = Math.min(this.hostMinusProbeMs, Date.now() - t * 1000);
  }

  /** Samples with probe time in [t0, t1]. */
  between(t0: number, t1: number): ProbeSample[] {
    let lo = 0;
    let hi = this.samples.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.samples[mid].t < t0) lo = mid + 1;
      else hi = mid;
    }
    const out: ProbeSample[] = [];
    for (let k = lo; k < this.samples.length && this.samples[k].t <= t1; k++) out.push(this.samples[k]);
    return out;
  }

  /** A host time (ms since the epoch) on the probe's clock (s), from the arrival of the samples. */
  probeTimeOf(hostMs: number): number {
    return (hostMs - this.hostMinusProbeMs) / 1000;
  }

  /** The probe time of the newest sample. */
  get latest(): number {
    return this.samples.length ? this.samples[this.samples.length - 1].t : -Infinity;
  }

  stop(): void {
    const child = this.child;
    this.child = undefined;
    if (!child?.pid || child.exitCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
}
