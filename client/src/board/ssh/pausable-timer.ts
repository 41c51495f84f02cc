// A deadline that stops counting while the user is being asked something (host key, passphrase):
// the connect timeout is about the network, not about how fast someone types.
export class PausableTimer {
  private remainingMs: number;
  private startedAt = 0;
  private handle: NodeJS.Timeout | undefined;
  private pauses = 0;
  private done = false;

  constructor(
    totalMs: number,
    private readonly onExpire: () => void,
  ) {
    this.remainingMs = totalMs;
    this.arm();
  }

  /** Runs `work` with the clock stopped (nested calls are fine). */
  async whilePaused<T>(work: () => Promise<T>): Promise<T> {
    this.pause();
    try {
      return await work();
    } finally {
      this.resume();
    }
  }

  clear(): void {
    this.done = true;
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
  }

  private pause(): void {
    if (this.pauses++ === 0 && this.handle) {
      clearTimeout(this.handle);
      this.handle = undefined;
      this.remainingMs -= Date.now() - this.startedAt;
    }
  }

  private resume(): void {
    if (--this.pauses === 0) this.arm();
  }

  private arm(): void {
    if (this.done) return;
    this.startedAt = Date.now();
    this.handle = setTimeout(
      () => {
        this.done = true;
        this.onExpire();
      },
      Math.max(0, this.remainingMs),
    );
  }
}
