// Campaign records as fitting data, for the refit panel and `energy-lens fit` alike: each measured
// layer joined with the features the analysis recorded when its campaign started, energies in
// real-board units (an emulated board's divided by its time scale; a campaign whose scale cannot be
// known is left out, with the reason), grouped by network, with each network's measured whole-net
// energy for the paper's network-level accuracy.
import * as fs from 'fs';
import * as path from 'path';
import { platformIdOfCampaign, readCampaignFile, realUnitsOf, type CampaignRead } from '../../measurements';
import type { LayerFeatures } from '../../net/types';
import type { Quantity } from '../model';
import { concatDatasets } from './csv';
import { datasetFromLayers, type Dataset } from './dataset';
import type { NetworkTotal } from './network-accuracy';

/** Defined for every layer whose shapes are known. */
export const UNIVERSAL_FEATURES: Array<keyof LayerFeatures> = [
  'macs',
  'params',
  'inputElements',
  'outputElements',
  'weightBytes',
  'activationBytes',
];
/** Added when every measured layer of the campaign has them (conv/pool/fc-only data). */
export const HYPER_PARAMETERS: Array<keyof LayerFeatures> = [
  'kernelH',
  'kernelW',
  'strideH',
  'strideW',
  'channelsIn',
  'channelsOut',
  'heightIn',
  'widthIn',
  'heightOut',
  'widthOut',
];

export interface CampaignRows {
  file: string;
  dataset: Dataset;
  /** Per row: the layer's name. */
  rowLabels: string[];
  /** The network (group) the rows belong to. */
  network: string;
  platformId: string;
  /** The board (target name) and its power mode: columns of the merged dataset. */
  target: string;
  mode: number | null;
  /** 1 on a real board; an emulated board's time scale (the rows are already divided by it). */
  timeScale: number;
  emulated: boolean;
  /** Measured layers without known shapes (not in the rows; still in the network's measured total). */
  withoutFeatures: number;
  total: NetworkTotal;
}

type FeatureBag = Record<string, number | undefined>;

/**
 * One campaign's rows, or why it cannot be used. `quantity` picks the target: measured energy per call
 * (mJ, the default) or measured time per call (ms, for latency sub-models); a layer too short for the
 * harness to resolve (0 ms, flagged) is no latency measurement and is left out of latency rows.
 */
export function campaignRows(read: CampaignRead, quantity: Quantity = 'energy'): CampaignRows | { file: string; reason: string } {
  const c = read.campaign;
  if (!c) return { file: read.file, reason: read.problems.find((p) => p.severity === 'error')?.message ?? 'no campaign header' };
  const units = realUnitsOf(c);
  if (!units.known) return { file: read.file, reason: units.reason };
  if (read.layers.length === 0) return { file: read.file, reason: 'no measured layer' };
  const planned = new Map(c.network.layers.map((l) => [l.name, l]));
  const timed = (l: (typeof read.layers)[number]) => quantity === 'energy' || (l.time_ms > 0 && !l.calibration?.belowResolution);
  const usable = read.layers.filter((l) => {
    const f = planned.get(l.name)?.features as FeatureBag | undefined;
    return f && UNIVERSAL_FEATURES.every((k) => Number.isFinite(f[k])) && timed(l);
  });
  if (usable.length === 0) return { file: read.file, reason: 'no measured layer has known shapes' };
  const features = [
    ...UNIVERSAL_FEATURES,
    ...HYPER_PARAMETERS.filter((k) => usable.every((l) => Number.isFinite((planned.get(l.name)!.features as FeatureBag)[k]))),
  ];
  const network = c.network.name || c.network.path;
  const scale = units.timeScale;
  const dataset = datasetFromLayers(
    features,
    usable.map((l) => ({
      features: planned.get(l.name)!.features,
      type: planned.get(l.name)!.type,
      // The row's target: energy, or for latency fits the time per call (the dataset's target says which).
      energy_mJ: (quantity === 'energy' ? l.energy_mJ : l.time_ms) / scale,
      group: network,
      source: { file: path.basename(read.file), line: l.line },
    })),
  );
  if (quantity === 'latency') dataset.target = 'latency_ms';
  const layerSum = read.layers.reduce((s, l) => s + l.energy_mJ, 0) / scale;
  const target = c.target.name;
  const mode = c.platform?.mode ?? null;
  const source = { target, mode };
  const complete = read.planned.length > 0 && read.planned.every((n) => read.layers.some((l) => l.name === n));
  return {
    file: read.file,
    dataset,
    rowLabels: usable.map((l) => l.name),
    network,
    platformId: platformIdOfCampaign(c),
    target,
    mode,
    timeScale: scale,
    emulated: c.emulated,
    withoutFeatures: read.layers.length - usable.length,
    total:
      read.net && complete
        ? { network, ...source, measured_mJ: read.net.energy_mJ / scale, measuredFrom: 'whole-net record' }
        : {
            network,
            ...source,
            measured_mJ: layerSum,
            measuredFrom: complete
              ? 'sum of measured layers'
              : `sum of ${read.layers.length} of ${read.planned.length} planned layers (partial campaign)`,
          },
  };
}

/** Each campaign's whole-net total, told which rows of the joined dataset are its own (in join order). */
export function totalsOfJoined(parts: readonly CampaignRows[]): NetworkTotal[] {
  let from = 0;
  return parts.map((p) => {
    const rows: [number, number] = [from, from + p.dataset.rows.length];
    from = rows[1];
    return { ...p.total, rows };
  });
}

/** Rows of several campaigns with the features they all have (the only way to validate on unseen networks). */
export function joinCampaignRows(parts: ReadonlyArray<{ dataset: Dataset }>): Dataset {
  const common = parts.map((d) => d.dataset.features).reduce((a, b) => a.filter((f) => b.includes(f)));
  const project = (d: { dataset: Dataset }): Dataset => ({
    ...d.dataset,
    features: common,
    rows: d.dataset.rows.map((r) => ({ ...r, values: common.map((f) => r.values[d.dataset.features.indexOf(f)]) })),
  });
  return concatDatasets(parts.map(project));
}

export interface RecordsRead {
  campaigns: CampaignRows[];
  /** Files (or campaigns) left out, and why. */
  skipped: Array<{ file: string; reason: string }>;
}

/** Keeps one campaign per network, platform, board and mode: the complete one, else the newest; the rest are listed as skipped. */
function onePerNetwork(parts: CampaignRows[], reads: Map<string, CampaignRead>, skipped: RecordsRead['skipped']): CampaignRows[] {
  const best = new Map<string, CampaignRows>();
  const score = (p: CampaignRows): string => `${reads.get(p.file)!.status === 'complete' ? 1 : 0}${reads.get(p.file)!.campaign!.created}`;
  for (const p of parts) {
    const key = `${p.platformId}\u0000${p.network}\u0000${p.target}\u0000${p.mode}`;
    const other = best.get(key);
    if (!other || score(p) > score(other)) {
      if (other)
        skipped.push({
          file: other.file,
          reason: `another campaign of ${other.network} on ${other.target} is used (${path.basename(p.file)})`,
        });
      best.set(key, p);
    } else {
      skipped.push({ file: p.file, reason: `another campaign of ${p.network} on ${p.target} is used (${path.basename(other.file)})` });
    }
  }
  return [...best.values()];
}

/** Reads campaign files: folders (their `*.jsonl`) and files. Unreadable paths are skipped with the reason. */
export function readRecords(paths: string[], quantity: Quantity = 'energy'): RecordsRead {
  const skipped: RecordsRead['skipped'] = [];
  const files: string[] = [];
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (e) {
      skipped.push({ file: p, reason: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      continue;
    }
    if (stat.isDirectory())
      files.push(
        ...fs
          .readdirSync(p)
          .filter((n) => n.endsWith('.jsonl'))
          .sort()
          .map((n) => path.join(p, n)),
      );
    else files.push(p);
  }
  const reads = new Map<string, CampaignRead>();
  const parts: CampaignRows[] = [];
  for (const file of files) {
    const read = readCampaignFile(file);
    reads.set(file, read);
    const rows = campaignRows(read, quantity);
    if ('reason' in rows) skipped.push(rows);
    else parts.push(rows);
  }
  return { campaigns: onePerNetwork(parts, reads, skipped), skipped };
}

/** Whether a path is campaign records (a folder, or a `.jsonl` file) rather than a CSV table. */
export function isRecordsPath(p: string): boolean {
  if (p.endsWith('.jsonl')) return true;
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
