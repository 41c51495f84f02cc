// Stops an agent run that has gone silent: a timer that every progress event pushes back. A hung
// board, a stopped agent or a network that drops packets without closing the connection would
// otherwise keep a campaign "running" for ever.

/** Default for targets without `progressTimeoutSeconds`: above the longest quiet phase of a real
 *  run (loading a large net's weights, or the whole-net check of a big net on a TX1 CPU). */
export const DEFAULT_PROGRESS_TIMEOUT_S = 900;

export class ProgressWatchdog {
  private timer: NodeJS.Timeout | undefined;
  private firedAt: number | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly onSilent: () => void,
  ) {
    this.arm();
  }

  /** True once the timeout fired. */
  get fired(): boolean {
    return this.firedAt !== undefined;
  }

  /** A sign of life: the timeout starts again. */
  touch(): void {
    if (this.fired || this.timer === undefined) return;
    this.timer.refresh();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    this.timer = setTimeout(() => {
      this.firedAt = Date.now();
      this.timer = undefined;
      this.onSilent();
    }, this.timeoutMs);
  }
}
