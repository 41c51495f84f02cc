// What the editor shows as "measured": every campaign file of a workspace folder, looked up by the
// network text's hash (the values belong to exactly this text) or by the network's path (to say that
// a campaign exists but the file changed since). Files are re-read one at a time as they change.
import * as fs from 'fs';
import * as path from 'path';
import { measurementsFolder } from './file-names';
import { platformIdOfCampaign } from './platform-id';
import { readCampaignFile, readCampaignFileAsync } from './read';
import { describeRealUnits, realUnitsOf, type RealUnits } from './real-units';
import type { CampaignHeader, CampaignRead, CampaignStatus, RecordProblem } from './types';

/** Energies and times are in real-board units when `realUnits.known` (an emulated board's divided by its time scale). */
export interface MeasuredLayer {
  /** Gross energy of one call (mJ). */
  energy_mJ: number;
  /** Above idle (mJ). */
  dynamic_mJ: number;
  /** The idle subtracted was interpolated between the idle brackets around the layer (not the latest only). */
  idleInterpolated?: boolean;
  /** Standard deviation of the energy over the repetitions, in % of the energy (0 with one repetition). */
  spreadPct: number;
  /** Loops the value is the median of (one: no spread to give). */
  repetitions: number;
  timeMs: number;
  power_mW: number;
  method: string;
  /** 1-based line of the record in the campaign file. */
  line: number;
  /** The same layer inside whole forwards (cold caches), from the whole-net check, when it ran. */
  inForward_mJ?: number;
  /** Shorter than the harness resolves when looped alone: its 0 is no measurement, and it is shown as such. */
  belowResolution?: boolean;
}

export interface MeasuredNetwork {
  campaign: CampaignHeader;
  /** Absolute path of the campaign file. */
  file: string;
  layers: Map<string, MeasuredLayer>;
  /** Sum of the measured layers' gross energy (mJ). */
  total_mJ: number;
  /** Sum of the measured layers' time per call (ms). */
  total_ms: number;
  /** Whole-net cross-check: one full forward, measured back to back (mJ), when it ran. */
  net_mJ?: number;
  /** Its time per forward (ms). */
  net_ms?: number;
  /** When the campaign started (ISO). */
  date: string;
  /** When its last record was written (ISO). */
  updated: string;
  /** The target's name. */
  target: string;
  emulated: boolean;
  status: CampaignStatus;
  measuredCount: number;
  plannedCount: number;
  /** networkTextSha256 of the text that was measured. */
  textSha256: string;
  /** The network's path relative to the workspace folder. */
  networkPath: string;
  /** Whether the values are in real-board units (an emulated board's rescaled), or why they cannot be. */
  realUnits: RealUnits;
  /** The platform the values belong to (`jetson-tx1/caffe-openblas/cpu/1t`). */
  platformId: string;
  /** `emulated (20x speed), in real-board units`, `emulated, unknown time scale: as measured`, or '' for a real board. */
  unitsNote: string;
}

export interface LookupOptions {
  /** Only campaigns on this target (its name). */
  target?: string;
}

function summarize(read: CampaignRead): MeasuredNetwork | undefined {
  const c = read.campaign;
  if (!c || read.layers.length === 0) return undefined;
  const layers = new Map<string, MeasuredLayer>();
  const realUnits = realUnitsOf(c);
  // Power is unchanged by the time scale; energy and time shrink with it.
  const scale = realUnits.known ? realUnits.timeScale : 1;
  let total = 0;
  let totalMs = 0;
  for (const l of read.layers) {
    const spread = l.spread.energy_mJ;
    layers.set(l.name, {
      energy_mJ: l.energy_mJ / scale,
      dynamic_mJ: l.dynamic_energy_mJ / scale,
      ...(l.idleInterpolated ? { idleInterpolated: true } : {}),
      spreadPct: spread !== undefined && l.energy_mJ > 0 ? (spread / l.energy_mJ) * 100 : 0,
      repetitions: l.repetitions,
      timeMs: l.time_ms / scale,
      power_mW: l.power_mW,
      method: l.method,
      line: l.line,
      ...inForwardOf(read.net?.inForward?.layers[l.name]?.energy_mJ, scale),
      // A 0 (flagged by the agent, or from a loop too short to resolve) is no measurement.
      ...(l.calibration?.belowResolution || !(l.energy_mJ > 0) ? { belowResolution: true } : {}),
    });
    total += l.energy_mJ / scale;
    totalMs += l.time_ms / scale;
  }
  return {
    campaign: c,
    file: read.file,
    layers,
    total_mJ: total,
    total_ms: totalMs,
    net_mJ: read.net ? read.net.energy_mJ / scale : undefined,
    net_ms: read.net ? read.net.time_ms / scale : undefined,
    realUnits,
    platformId: platformIdOfCampaign(c),
    unitsNote: !c.emulated ? '' : realUnits.known ? describeRealUnits(realUnits) : 'emulated, unknown time scale: as measured',
    date: c.created,
    updated: read.updated ?? c.created,
    target: c.target.name,
    emulated: c.emulated,
    status: read.status,
    measuredCount: read.layers.length,
    plannedCount: read.planned.length,
    textSha256: c.network.sha256,
    networkPath: c.network.path,
  };
}

/** Complete campaigns first, then the most recent. */
function better(a: MeasuredNetwork, b: MeasuredNetwork): boolean {
  if ((a.status === 'complete') !== (b.status === 'complete')) return a.status === 'complete';
  return a.date > b.date || (a.date === b.date && a.file > b.file);
}

/** The campaign files of a records folder, sorted (none when the folder is missing). */
function campaignFiles(folder: string): string[] {
  try {
    return fs
      .readdirSync(folder)
      .filter((n) => n.endsWith('.jsonl'))
      .sort()
      .map((n) => path.join(folder, n));
  } catch {
    return []; // no campaigns yet
  }
}

/** Size and modification time: a file whose stamp differs from the one read has changed since. */
function stampOf(file: string): string | undefined {
  try {
    const s = fs.statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return undefined; // gone
  }
}

export class MeasurementIndex {
  private readonly reads = new Map<string, CampaignRead>();
  private readonly summaries = new Map<string, MeasuredNetwork>();
  /** The stamp of each file when it was last read. */
  private readonly stamps = new Map<string, string>();

  /** Every `*.jsonl` in `<workspaceRoot>/.energy-lens/measurements` (none when the folder is missing). */
  static forWorkspace(workspaceRoot: string): MeasurementIndex {
    return MeasurementIndex.fromFolder(measurementsFolder(workspaceRoot));
  }

  static fromFolder(folder: string): MeasurementIndex {
    const index = new MeasurementIndex();
    for (const file of campaignFiles(folder)) index.update(file);
    return index;
  }

  /** (Re-)reads one campaign file; a file that no longer exists is dropped. */
  update(file: string): void {
    const stamp = stampOf(file);
    if (stamp === undefined) {
      this.remove(file);
      return;
    }
    this.store(file, readCampaignFile(file), stamp);
  }

  /** Reads in flight, per file, and whether the file changed again meanwhile. */
  private readonly inFlight = new Map<string, { again: boolean; done: Promise<void> }>();

  /**
   * The same without blocking the event loop (the file is read in chunks). Changes that arrive while
   * a file is being read are coalesced into one more read after it, so the newest content always wins
   * and a campaign appending layers fast does not queue a read per line.
   */
  updateAsync(file: string): Promise<void> {
    const running = this.inFlight.get(file);
    if (running) {
      running.again = true;
      return running.done;
    }
    const state = { again: false, done: Promise.resolve() };
    // Registered before the read starts: a deleted file is handled without awaiting, and its
    // `finally` must find (and remove) this entry.
    this.inFlight.set(file, state);
    state.done = (async () => {
      try {
        do {
          state.again = false;
          // Stamped before the read: a write during it makes the next refresh read the file again.
          const stamp = stampOf(file);
          if (stamp === undefined) this.remove(file);
          else this.store(file, await readCampaignFileAsync(file), stamp);
        } while (state.again);
      } finally {
        this.inFlight.delete(file);
      }
    })();
    return state.done;
  }

  /** Every `*.jsonl` of a folder, one after another, without blocking (see updateAsync). */
  async loadFolderAsync(folder: string): Promise<void> {
    for (const file of campaignFiles(folder)) await this.updateAsync(file);
  }

  /**
   * Reads again every file of `folder` that is new or changed since it was read (size, modification
   * time) and drops the ones deleted: a safety net for file-watcher events that never came (a watcher
   * still starting, records written by another program). True when anything changed.
   */
  async refreshFolderAsync(folder: string): Promise<boolean> {
    const files = campaignFiles(folder);
    const present = new Set(files);
    let changed = false;
    for (const file of [...this.reads.keys()]) {
      if (path.dirname(file) === folder && !present.has(file)) {
        this.remove(file);
        changed = true;
      }
    }
    for (const file of files) {
      if (this.stamps.get(file) === stampOf(file)) continue;
      await this.updateAsync(file);
      changed = true;
    }
    return changed;
  }

  private store(file: string, read: CampaignRead, stamp: string): void {
    this.stamps.set(file, stamp);
    this.reads.set(file, read);
    const summary = summarize(read);
    if (summary) this.summaries.set(file, summary);
    else this.summaries.delete(file);
  }

  remove(file: string): void {
    this.stamps.delete(file);
    this.reads.delete(file);
    this.summaries.delete(file);
  }

  /** The best campaign that measured exactly this network text (see networkTextSha256). */
  measuredFor(textSha256: string, options: LookupOptions = {}): MeasuredNetwork | undefined {
    return this.best((m) => m.textSha256 === textSha256 && (options.target === undefined || m.target === options.target));
  }

  /** Every campaign that measured exactly this text, on any target and platform (a power-mode sweep's campaigns). */
  allFor(textSha256: string): MeasuredNetwork[] {
    return [...this.summaries.values()].filter((m) => m.textSha256 === textSha256);
  }

  /**
   * The most recent campaign of the file at `relativePath` (workspace-relative, `/` separators),
   * whatever its text was: compare its `textSha256` with the current text to call it stale.
   */
  latestForPath(relativePath: string, options: LookupOptions = {}): MeasuredNetwork | undefined {
    const wanted = relativePath.split('\\').join('/').replace(/^\.\//, '');
    let latest: MeasuredNetwork | undefined;
    for (const m of this.summaries.values()) {
      if (m.networkPath !== wanted || (options.target !== undefined && m.target !== options.target)) continue;
      if (!latest || m.date > latest.date) latest = m;
    }
    return latest;
  }

  /** Every campaign file read, usable or not. */
  campaigns(): CampaignRead[] {
    return [...this.reads.values()];
  }

  /** Every problem of every file (bad lines, foreign files, torn lines). */
  problems(): RecordProblem[] {
    return [...this.reads.values()].flatMap((r) => r.problems);
  }

  private best(accept: (m: MeasuredNetwork) => boolean): MeasuredNetwork | undefined {
    let best: MeasuredNetwork | undefined;
    for (const m of this.summaries.values()) if (accept(m) && (!best || better(m, best))) best = m;
    return best;
  }
}

/** The in-forward energy, in the same units as the isolated value beside it. */
function inForwardOf(energy_mJ: number | undefined, scale: number): { inForward_mJ?: number } {
  return energy_mJ === undefined ? {} : { inForward_mJ: energy_mJ / scale };
}
