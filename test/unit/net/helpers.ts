// Shared test helpers: read corpus files and the reference tables from /work/shared (never copied).
import * as fs from 'fs';
import * as path from 'path';
import { CORPUS_CAFFEMODEL, CORPUS_PROTOTXT, REFERENCE_SHAPES, SHARED } from '../shared-paths';
import { analyzeText } from '../../../server/src/net';
import type { AnalyzedLayer, AnalyzeOptions, NetAnalysis } from '../../../server/src/net/types';

export function corpusText(file: string): string {
  const inPrototxt = path.join(CORPUS_PROTOTXT, file);
  return fs.readFileSync(fs.existsSync(inPrototxt) ? inPrototxt : path.join(CORPUS_CAFFEMODEL, file), 'utf8');
}

export function analyzeCorpus(file: string, options?: AnalyzeOptions): NetAnalysis {
  return analyzeText(corpusText(file), options);
}

export function corpusFiles(): string[] {
  return [
    ...fs.readdirSync(CORPUS_PROTOTXT).filter((f) => f.endsWith('.prototxt')),
    ...fs.readdirSync(CORPUS_CAFFEMODEL).filter((f) => f.endsWith('.prototxt')),
  ].sort();
}

export function layer(a: NetAnalysis, name: string): AnalyzedLayer {
  const found = a.layers.find((l) => l.name === name);
  if (!found) throw new Error(`no layer '${name}' in ${a.name}`);
  return found;
}

/** Rows of a reference_shapes TSV: `[phase?, layer, "N C H W", count]` without comments. */
export function referenceShapeRows(file: string): string[][] {
  return fs
    .readFileSync(path.join(REFERENCE_SHAPES, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split('\t'));
}

export interface ReferenceRow {
  shortName: string;
  input: string;
  value: string;
  valueKind: string;
  params: string;
  source: string;
}

export function referenceRows(): ReferenceRow[] {
  const lines = fs
    .readFileSync(path.join(SHARED, 'corpus', 'REFERENCE.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  return lines.slice(1).map((l) => {
    const c = l.split('\t');
    return { shortName: c[0], input: c[1], value: c[2], valueKind: c[3], params: c[5], source: c[7] };
  });
}

const SCALE: Record<string, number> = { K: 1e3, M: 1e6, G: 1e9, billion: 1e9, million: 1e6 };

/**
 * A published figure as written in REFERENCE.tsv: `724,406,816`, `724M`, `15.47 GFLOPS`, `3.8x10^9`,
 * `60.965 MParams`, `2.83-2.90 G` (a range). Returns [low, high].
 */
export function parseFigure(text: string): [number, number] {
  const range = /^~?\s*([\d.]+)\s*-\s*([\d.]+)\s*([KMG])/.exec(text);
  if (range) return [Number(range[1]) * SCALE[range[3]], Number(range[2]) * SCALE[range[3]]];
  const m = /^~?\s*([\d,]*\.?\d+)\s*(?:x\s*10\^(\d+)|(billion|million)|([KMG])(?![a-z]))?/.exec(text.trim());
  if (!m) throw new Error(`cannot read figure '${text}'`);
  const base = Number(m[1].replace(/,/g, ''));
  const scale = m[2] ? 10 ** Number(m[2]) : m[3] ? SCALE[m[3]] : m[4] ? SCALE[m[4]] : 1;
  return [base * scale, base * scale];
}

/** Relative distance of `value` from the range [low, high] (0 inside it). */
export function relativeError(value: number, [low, high]: [number, number]): number {
  if (value >= low && value <= high) return 0;
  const nearest = value < low ? low : high;
  return Math.abs(value - nearest) / nearest;
}
