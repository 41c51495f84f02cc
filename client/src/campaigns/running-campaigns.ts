// Campaigns running in this window, by target: one at a time per board (a second one would disturb
// the first's power readings), and what the tree view shows as "running".
import type { ProgressState } from './progress';

export interface RunningCampaign {
  target: string;
  /** The network being measured (absolute path). */
  network: string;
  /** The campaign file once known. */
  recordsFile?: string;
  state?: ProgressState;
  cancel(): void;
}

export class RunningCampaigns {
  private readonly byTarget = new Map<string, RunningCampaign>();
  private readonly listeners = new Set<() => void>();

  /** Registers a campaign; undefined when the target is busy with another one. */
  start(c: RunningCampaign): (() => void) | undefined {
    if (this.byTarget.has(c.target)) return undefined;
    this.byTarget.set(c.target, c);
    this.changed();
    return () => {
      if (this.byTarget.get(c.target) === c) this.byTarget.delete(c.target);
      this.changed();
    };
  }

  get(target: string): RunningCampaign | undefined {
    return this.byTarget.get(target);
  }

  /** The running campaign writing `file`, if any. */
  byFile(file: string): RunningCampaign | undefined {
    return [...this.byTarget.values()].find((c) => c.recordsFile === file);
  }

  update(target: string, patch: Partial<Pick<RunningCampaign, 'recordsFile' | 'state' | 'network'>>): void {
    const c = this.byTarget.get(target);
    if (!c) return;
    const fileChanged = patch.recordsFile !== undefined && patch.recordsFile !== c.recordsFile;
    Object.assign(c, patch);
    if (fileChanged) this.changed();
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
  }
}
