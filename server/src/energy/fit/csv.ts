// CSV import for the fitting engine. `#` lines are comments (the shared data files carry their
// provenance that way); a header row names the columns. Every row that cannot be used is returned
// in `badRows` with its line number and reason: nothing is dropped silently.
import { type Dataset, type DataRow, FitError } from './dataset';
import { isFeatureName } from '../terms';

export interface CsvColumn {
  /** Column header in the file. */
  column: string;
  /** Feature name inside the engine and the model (defaults to the column name). */
  name?: string;
}

export interface CsvImportOptions {
  /** Shown in messages (file:line). */
  file: string;
  target: string;
  features: CsvColumn[];
  typeColumn?: string;
  groupColumn?: string;
  /** Layer type of every row when there is no type column. Default Convolution. */
  defaultType?: string;
  /** Energy must be > 0 (relative-error and log-space fits divide by / take the log of it). Default true. */
  positiveTarget?: boolean;
}

export interface BadRow {
  file: string;
  line: number;
  message: string;
}

export interface CsvImport {
  dataset: Dataset;
  badRows: BadRow[];
}

/** Splits one CSV record (RFC 4180 quotes; no newlines inside quotes, which these files never need). */
export function splitCsvLine(line: string): string[] | { error: string } {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return { error: 'unterminated quoted field' };
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ',') return { error: `unexpected text after a quoted field at column ${i + 1}` };
    } else {
      const end = line.indexOf(',', i);
      field = end < 0 ? line.slice(i) : line.slice(i, end);
      i = end < 0 ? line.length : end;
    }
    out.push(field.trim());
    if (i >= line.length) return out;
    i++; // the comma
  }
}

export function importCsv(text: string, options: CsvImportOptions): CsvImport {
  const lines = text.split(/\r?\n/);
  const badRows: BadRow[] = [];
  let header: string[] | undefined;
  let headerLine = 0;
  const rows: DataRow[] = [];
  const names = options.features.map((f) => f.name ?? f.column);
  for (const name of names) {
    if (!isFeatureName(name)) {
      throw new FitError(`${options.file}: '${name}' cannot be a feature name (letters, digits and _ only; rename it with column:name)`);
    }
  }
  let indexes: { features: number[]; target: number; type?: number; group?: number } | undefined;
  const positive = options.positiveTarget ?? true;

  for (let li = 0; li < lines.length; li++) {
    const lineNo = li + 1;
    const raw = lines[li];
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const fields = splitCsvLine(raw);
    if (!Array.isArray(fields)) {
      if (!header) throw new FitError(`${options.file}:${lineNo}: header: ${fields.error}`);
      badRows.push({ file: options.file, line: lineNo, message: fields.error });
      continue;
    }
    if (!header) {
      header = fields;
      headerLine = lineNo;
      indexes = resolveColumns(header, options);
      continue;
    }
    const cols = indexes!;
    if (fields.length !== header.length) {
      badRows.push({
        file: options.file,
        line: lineNo,
        message: `has ${fields.length} fields, the header (line ${headerLine}) has ${header.length}`,
      });
      continue;
    }
    const problems: string[] = [];
    const number = (index: number, what: string): number => {
      const cell = fields[index];
      const v = cell === '' ? NaN : Number(cell);
      if (!Number.isFinite(v)) problems.push(`${what} '${header![index]}' is ${cell === '' ? 'empty' : `'${cell}', not a number`}`);
      return v;
    };
    const values = cols.features.map((index) => number(index, 'feature'));
    const target = number(cols.target, 'target');
    if (Number.isFinite(target) && positive && target <= 0) problems.push(`target '${options.target}' is ${target}: energy must be > 0`);
    const type = cols.type !== undefined ? fields[cols.type] : (options.defaultType ?? 'Convolution');
    if (type === '') problems.push(`type column '${options.typeColumn}' is empty`);
    const group = cols.group !== undefined ? fields[cols.group] : undefined;
    if (group === '') problems.push(`group column '${options.groupColumn}' is empty`);
    if (problems.length > 0) {
      badRows.push({ file: options.file, line: lineNo, message: problems.join('; ') });
      continue;
    }
    rows.push({ values, target, type, group, source: { file: options.file, line: lineNo } });
  }
  if (!header) throw new FitError(`${options.file}: no header row (the file is empty or only comments)`);
  return { dataset: { features: names, target: options.target, rows }, badRows };
}

function resolveColumns(header: string[], options: CsvImportOptions) {
  const find = (column: string, role: string): number => {
    const i = header.indexOf(column);
    if (i < 0) throw new FitError(`${options.file}: no ${role} column '${column}' (columns: ${header.join(', ')})`);
    return i;
  };
  return {
    features: options.features.map((f) => find(f.column, 'feature')),
    target: find(options.target, 'target'),
    type: options.typeColumn !== undefined ? find(options.typeColumn, 'type') : undefined,
    group: options.groupColumn !== undefined ? find(options.groupColumn, 'group') : undefined,
  };
}

/** Concatenates datasets with the same features (several CSV files of one campaign). */
export function concatDatasets(parts: Dataset[]): Dataset {
  if (parts.length === 0) throw new FitError('no data');
  const first = parts[0];
  for (const p of parts) {
    if (p.features.join(',') !== first.features.join(',')) throw new FitError('datasets have different features');
  }
  return { features: first.features, target: first.target, rows: parts.flatMap((p) => p.rows) };
}
