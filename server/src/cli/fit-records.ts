// `energy-lens fit .energy-lens/measurements/` (folders or .jsonl files): campaign records as fitting
// data through the same join as the refit panel (energy/fit/records-dataset.ts), one platform at a
// time, and the paper's per-network accuracy table for leave-one-network-out fits.
import * as path from 'path';
import type { DataSource, Quantity } from '../energy/model';
import { type Dataset, type FitReport } from '../energy/fit';
import { networkAccuracy, networkAccuracyTable, type NetworkAccuracy, type NetworkTotal } from '../energy/fit/network-accuracy';
import { isRecordsPath, joinCampaignRows, readRecords, totalsOfJoined } from '../energy/fit/records-dataset';
import { formatEnergy } from '../units';
import type { CliIo } from './io';

export interface RecordsInput {
  dataset: Dataset;
  totals: NetworkTotal[];
  sources: DataSource[];
  /** The platform every campaign measured (the saved model's id unless --platform says otherwise). */
  platformId: string;
  /** `2 emulated campaigns rescaled to real-board units` etc., for the summary line. */
  notes: string[];
}

/** Undefined when the inputs are CSV tables; a number is the exit code after a message. */
export function recordsInput(
  files: string[],
  io: CliIo,
  platform: string | undefined,
  featureNames: string[],
  quantity: Quantity = 'energy',
): RecordsInput | number | undefined {
  const absolute = files.map((f) => path.resolve(io.cwd, f));
  const kinds = absolute.map(isRecordsPath);
  if (!kinds.some(Boolean)) return undefined;
  if (!kinds.every(Boolean)) {
    io.stderr('energy-lens fit: give either campaign records (folders or .jsonl files) or CSV tables, not both\n');
    return 2;
  }
  const read = readRecords(absolute, quantity);
  for (const s of read.skipped) io.stderr(`${path.relative(io.cwd, s.file) || s.file}: skipped: ${s.reason}\n`);
  let campaigns = read.campaigns;
  const platforms = [...new Set(campaigns.map((c) => c.platformId))].sort();
  if (platform && platforms.includes(platform)) campaigns = campaigns.filter((c) => c.platformId === platform);
  else if (platforms.length > 1) {
    io.stderr(
      `energy-lens fit: the records measured ${platforms.length} platforms (${platforms.join(', ')}); fitting them together would mix boards: give --platform ID\n`,
    );
    return 2;
  }
  if (campaigns.length === 0) {
    io.stderr(`energy-lens fit: no usable campaign in ${files.join(', ')}${platform ? ` for platform ${platform}` : ''}\n`);
    return 1;
  }
  const dataset = joinCampaignRows(campaigns);
  const missing = featureNames.filter((f) => !dataset.features.includes(f));
  if (missing.length > 0) {
    io.stderr(
      `energy-lens fit: feature(s) ${missing.join(', ')} are not known for every measured layer (the records have ${dataset.features.join(', ')})\n`,
    );
    return 2;
  }
  const emulated = campaigns.filter((c) => c.emulated);
  const scales = [...new Set(emulated.map((c) => c.timeScale))];
  return {
    dataset,
    totals: totalsOfJoined(campaigns),
    sources: campaigns.map((c) => ({ file: path.relative(io.cwd, c.file) || c.file, rows: c.dataset.rows.length })),
    platformId: campaigns[0].platformId,
    notes: [
      `${campaigns.length} campaign(s) on ${campaigns[0].platformId}${boardsNote(campaigns.map((c) => c.target))}`,
      ...(emulated.length ? [`${emulated.length} emulated (time scale ${scales.join(', ')}), energies rescaled to real-board units`] : []),
    ],
  };
}

/** ` from 3 boards (a, b, c)` when the records come from several boards (the target column). */
function boardsNote(targets: string[]): string {
  const boards = [...new Set(targets)].sort();
  return boards.length > 1 ? ` from ${boards.length} boards (${boards.join(', ')})` : '';
}

/** The paper's accuracy of one fit: only leave-one-network-out predicts every network unseen. */
export function reportNetworkAccuracy(report: FitReport, input: RecordsInput): NetworkAccuracy | undefined {
  if (!report.cv || report.cv.scheme !== 'leave-one-network-out') return undefined;
  return networkAccuracy(input.dataset, report.cv.predictions, input.totals);
}

export function printNetworkAccuracy(io: CliIo, report: FitReport, input: RecordsInput): void {
  const a = reportNetworkAccuracy(report, input);
  if (!a) {
    io.stdout('\n(network-level accuracy needs leave-one-network-out validation over 2 or more networks)\n');
    return;
  }
  io.stdout(
    `\nwhole-net energy of each held-out network (${report.spec.family} ${report.label}; measured and predicted in real-board units):\n`,
  );
  io.stdout(`${networkAccuracyTable(a, formatEnergy)}\n`);
}
