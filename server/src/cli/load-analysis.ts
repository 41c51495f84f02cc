// Reads the network a command works on (prototxt or .caffemodel), reports its syntax errors and
// analyses it; the part `analyze` and `predict` share.
import type { CliIo } from './io';
import { loadNetworkInput } from './caffemodel-input';
import { parse } from '../text/parser';
import { LineIndex } from '../text/line-index';
import { analyzeDocument } from '../net';
import type { AnalyzeOptions, NetAnalysis } from '../net/types';
import type { ParsedDocument } from '../text/ast';
import type { Problem } from '../problem';

export interface LoadedAnalysis {
  analysis: NetAnalysis;
  /** The parsed text (for checks beyond the network, such as the schema). */
  parsed: ParsedDocument;
  options: AnalyzeOptions;
  /** `file:line:col` of an offset in the analysed text. */
  where(offset: number): string;
}

/** The analysis, or an exit code after telling the user what is wrong with the file. */
export async function loadAnalysis(file: string, io: CliIo, requested: AnalyzeOptions): Promise<LoadedAnalysis | number> {
  const input = await loadNetworkInput(file, io, { inputShape: requested.inputShape });
  if ('error' in input) {
    io.stderr(`${input.error}\n`);
    return 1;
  }
  if (input.note) io.stderr(`${input.note}\n`);
  const options: AnalyzeOptions = { ...requested, phase: requested.phase ?? input.phase };
  const doc = parse(input.text);
  const lines = new LineIndex(input.text);
  const where = (offset: number) => {
    const at = lines.positionAt(offset);
    return `${file}:${at.line + 1}:${at.character + 1}`;
  };
  if (doc.errors.length > 0) {
    const shown = 10;
    for (const e of doc.errors.slice(0, shown)) io.stderr(`${where(e.span.start)}: error: ${e.message}\n`);
    if (doc.errors.length > shown) io.stderr(`${file}: ... and ${doc.errors.length - shown} more syntax error(s)\n`);
    io.stderr(`${file}: error: not a valid prototxt file (${doc.errors.length} syntax error(s)); nothing analysed.\n`);
    return 1;
  }
  const analysis = analyzeDocument(doc, options, input.text);
  if (analysis.layers.every((l) => l.isSplit) && analysis.inputs.length === 0) {
    io.stderr(`${file}: error: no layers found; is this a Caffe network definition?\n`);
    return 1;
  }
  return { analysis, parsed: doc, options, where };
}

/** Prints warnings and errors of the analysis (and `more`, e.g. schema problems, first); returns how many errors there were. */
export function reportProblems(loaded: LoadedAnalysis, io: CliIo, more: Problem[] = []): number {
  let errors = 0;
  for (const p of [...more, ...loaded.analysis.problems]) {
    if (p.severity !== 'error' && p.severity !== 'warning') continue;
    io.stderr(`${loaded.where(p.span.start)}: ${p.severity}: ${p.message} [${p.code}]\n`);
    if (p.severity === 'error') errors++;
  }
  return errors;
}

/** The `analyze --json` form of a network; `predict` adds `energy` to layers and totals. */
export function analysisJson(a: NetAnalysis) {
  return {
    network: a.name,
    inputs: a.inputs.map((i) => ({ name: i.name, shape: i.shape ?? null })),
    layers: a.layers
      .filter((l) => !l.isSplit)
      .map((l) => {
        const { macs, params, ...more } = l.features;
        return {
          name: l.name,
          type: l.type,
          bottoms: l.bottoms,
          tops: l.tops,
          outputShapes: l.outputShapes.map((s) => s ?? null),
          macs: macs ?? null,
          params: params ?? null,
          ...more,
        };
      }),
    totals: { macs: a.totals.macs, params: a.totals.params },
  };
}

/** Left-aligned text columns, right-aligned number columns (from `firstNumberColumn` on). */
export function alignedTable(rows: string[][], firstNumberColumn: number, totalRow = true): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => (c >= firstNumberColumn ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const body = totalRow ? rows.slice(1, -1) : rows.slice(1);
  return [line(rows[0]), rule, ...body.map(line), ...(totalRow ? [rule, line(rows[rows.length - 1])] : [])];
}
