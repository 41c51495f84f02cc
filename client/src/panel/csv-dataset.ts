// A user's CSV file as a panel dataset: the column mapping (guessed, then confirmed by the user)
// and the import through the engine's importCsv, which reports every unusable row with its line.
import { createHash } from 'crypto';
import * as fs from 'fs';
import { type BadRow, importCsv, splitCsvLine } from '../../../server/src/energy/fit/csv';
import type { Dataset } from '../../../server/src/energy/fit/dataset';
import { LAYER_FEATURE_NAMES, isLayerFeatureName } from '../../../server/src/energy/model';
import { isFeatureName } from '../../../server/src/energy/terms';
import type { CsvImportSpec } from './messages';

/** Column names seen in measurement files, and the layer feature each one is. */
export const COLUMN_ALIASES: Readonly<Record<string, string>> = {
  c_in: 'channelsIn',
  cin: 'channelsIn',
  in_channels: 'channelsIn',
  channels_in: 'channelsIn',
  c_out: 'channelsOut',
  cout: 'channelsOut',
  out_channels: 'channelsOut',
  channels_out: 'channelsOut',
  num_output: 'channelsOut',
  k: 'kernelH',
  kernel: 'kernelH',
  kernel_size: 'kernelH',
  kh: 'kernelH',
  kw: 'kernelW',
  wh_in: 'heightIn',
  h_in: 'heightIn',
  w_in: 'widthIn',
  h_out: 'heightOut',
  w_out: 'widthOut',
  stride: 'strideH',
  pad: 'padH',
  mac: 'macs',
};

/** The header of a CSV text (first line that is neither empty nor a `#` comment). */
export function csvHeader(text: string): string[] {
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const fields = splitCsvLine(line);
    if (!Array.isArray(fields)) throw new Error(`the header line cannot be read: ${fields.error}`);
    return fields;
  }
  throw new Error('the file has no header row (it is empty or only comments)');
}

export function guessTargetColumn(header: readonly string[]): string | undefined {
  return header.find((h) => /^energy(_mj)?$/i.test(h)) ?? header.find((h) => /energy/i.test(h));
}

/** A time column: measured latency per call (ms). */
export function guessTimeColumn(header: readonly string[]): string | undefined {
  return header.find((h) => /^(latency|time)(_ms)?$/i.test(h)) ?? header.find((h) => /latency|time_?ms/i.test(h));
}

export function guessColumn(header: readonly string[], pattern: RegExp): string | undefined {
  return header.find((h) => pattern.test(h));
}

/** The layer feature a column most likely is (its own name when it already is one). */
export function featureNameFor(column: string): string {
  if (isLayerFeatureName(column)) return column;
  const lower = column.toLowerCase();
  if (Object.prototype.hasOwnProperty.call(COLUMN_ALIASES, lower)) return COLUMN_ALIASES[lower];
  return LAYER_FEATURE_NAMES.find((f) => f.toLowerCase() === lower) ?? column;
}

/** `c_in:channelsIn, k:kernelH, macs`: the mapping text the user confirms (the CLI's --features syntax). */
export function mappingText(columns: readonly string[]): string {
  return columns
    .map((c) => {
      const name = featureNameFor(c);
      return name === c ? c : `${c}:${name}`;
    })
    .join(', ');
}

export function parseMapping(text: string, header: readonly string[]): Array<{ column: string; name: string }> | { error: string } {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) return { error: 'name at least one feature column' };
  const out: Array<{ column: string; name: string }> = [];
  for (const entry of entries) {
    const colon = entry.lastIndexOf(':');
    const column = (colon >= 0 ? entry.slice(0, colon) : entry).trim();
    const name = (colon >= 0 ? entry.slice(colon + 1) : entry).trim();
    if (!header.includes(column)) return { error: `'${column}' is not a column of the file (columns: ${header.join(', ')})` };
    if (!isFeatureName(name))
      return { error: `'${name}' cannot be a feature name: letters, digits and _ only (write column:name to rename)` };
    if (out.some((o) => o.name === name)) return { error: `feature '${name}' is named twice` };
    out.push({ column, name });
  }
  return out;
}

/** One quantity's rows of a CSV file. */
export interface CsvRows {
  dataset: Dataset;
  badRows: BadRow[];
  /** Per dataset row, from the label column (when chosen). */
  rowLabels?: string[];
}

export interface LoadedCsv extends CsvRows {
  /** The time column's rows (ms per call), when the import names one; else why there are none. */
  latency: CsvRows | { unavailable: string };
  sha256: string;
}

export function loadCsvText(text: string, spec: CsvImportSpec): Omit<LoadedCsv, 'sha256'> {
  const energy = csvRows(text, spec, spec.target);
  let latency: LoadedCsv['latency'];
  if (spec.timeColumn === undefined) latency = { unavailable: 'the import names no time column (import the file again to choose one)' };
  else {
    try {
      latency = csvRows(text, spec, spec.timeColumn);
      latency.dataset.target = 'latency_ms';
      if (latency.dataset.rows.length === 0) latency = { unavailable: `no row has a usable time in column '${spec.timeColumn}'` };
    } catch (e) {
      // The energy rows stand without the time column; the panel says why latency cannot be fitted.
      latency = { unavailable: `the time column cannot be read: ${(e as Error).message}` };
    }
  }
  return { ...energy, latency };
}

function csvRows(text: string, spec: CsvImportSpec, target: string): CsvRows {
  const imported = importCsv(text, {
    file: spec.path,
    target,
    features: spec.features,
    typeColumn: spec.typeColumn,
    groupColumn: spec.groupColumn,
    defaultType: spec.defaultType,
  });
  let rowLabels: string[] | undefined;
  if (spec.labelColumn !== undefined) {
    const header = csvHeader(text);
    const col = header.indexOf(spec.labelColumn);
    if (col < 0) throw new Error(`${spec.path}: no layer name column '${spec.labelColumn}'`);
    const lines = text.split(/\r?\n/);
    rowLabels = imported.dataset.rows.map((row) => {
      const fields = row.source ? splitCsvLine(lines[row.source.line - 1]) : undefined;
      return Array.isArray(fields) ? (fields[col] ?? '') : '';
    });
  }
  return { dataset: imported.dataset, badRows: imported.badRows, ...(rowLabels ? { rowLabels } : {}) };
}

export async function loadCsvFile(spec: CsvImportSpec): Promise<LoadedCsv> {
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(spec.path);
  } catch (e) {
    throw new Error(`${spec.path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  const loaded = loadCsvText(bytes.toString('utf8'), spec);
  return { ...loaded, sha256: createHash('sha256').update(bytes).digest('hex') };
}
