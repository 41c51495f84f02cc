// Turns rows of one layer type into a design matrix for a family:
// - layer-type: the given terms (usually just `macs`), one coefficient each;
// - individual (NeuralPower-style): every product of the base features up to `degree`, plus
//   log(feature) for features that are positive in every row; the method (Lasso) picks the terms.
// In log space (method `log`) the terms are built from log(feature) instead, so ln E is modelled.
import { type Dataset, FitError, describeRow } from './dataset';
import { type ResolvedSpec, featuresFor } from './spec';
import { type Factor, type Term, makeTerm, parseTerm } from '../terms';

export interface TypeDesign {
  type: string;
  /** Indexes into dataset.rows. */
  rows: number[];
  terms: Term[];
  /** Term values, one Float64Array per row (aligned with `rows`). */
  Z: Float64Array[];
  /** Measured energies (mJ). */
  y: Float64Array;
  warnings: string[];
}

export function typesOf(dataset: Dataset): string[] {
  return [...new Set(dataset.rows.map((r) => r.type))].sort();
}

export function buildTypeDesign(dataset: Dataset, spec: ResolvedSpec, type: string): TypeDesign {
  const rows: number[] = [];
  dataset.rows.forEach((r, i) => {
    if (r.type === type) rows.push(i);
  });
  const warnings: string[] = [];
  const terms =
    spec.family === 'layer-type'
      ? layerTypeTerms(dataset, spec, featuresFor(spec, type))
      : individualTerms(dataset, spec, featuresFor(spec, type), rows, type, warnings);
  const index = new Map(dataset.features.map((f, i) => [f, i] as [string, number]));
  const compiled = terms.map((t) => t.factors.map((f) => ({ col: index.get(f.name)!, log: f.log, power: f.power, tile: f.tile })));
  const usesLog = compiled.some((factors) => factors.some((f) => f.log));
  const Z = rows.map((ri) => {
    const values = dataset.rows[ri].values;
    const logs = usesLog ? values.map((x) => (x > 0 ? Math.log(x) : NaN)) : values;
    const z = new Float64Array(terms.length);
    for (let j = 0; j < compiled.length; j++) {
      let v = 1;
      for (const f of compiled[j]) {
        const x = f.log ? logs[f.col] : f.tile ? Math.ceil(values[f.col] / f.tile) * f.tile : values[f.col];
        if (f.log && Number.isNaN(x)) {
          const name = dataset.features[f.col];
          throw new FitError(
            `${describeRow(dataset.rows[ri], ri)}: log(${name}) needs ${name} > 0, got ${values[f.col]} (the log method takes logs of every feature)`,
          );
        }
        for (let k = 0; k < f.power; k++) v *= x;
      }
      z[j] = v;
    }
    return z;
  });
  const y = Float64Array.from(rows, (ri) => dataset.rows[ri].target);
  if (spec.link === 'log' || spec.weighting === 'relative') {
    rows.forEach((ri, k) => {
      if (!(y[k] > 0)) throw new FitError(`${describeRow(dataset.rows[ri], ri)}: energy ${y[k]} must be > 0 for the ${spec.method} method`);
    });
  }
  return { type, rows, terms, Z, y, warnings };
}

function layerTypeTerms(dataset: Dataset, spec: ResolvedSpec, features: string[]): Term[] {
  const terms = features.map((text) => {
    const term = parseTerm(text);
    if ('error' in term) throw new FitError(term.error);
    for (const f of term.factors) {
      if (!dataset.features.includes(f.name))
        throw new FitError(`term '${text}' names '${f.name}', which is not a feature of the data (${dataset.features.join(', ')})`);
    }
    return term;
  });
  if (spec.link !== 'log') return dedupe(terms);
  // ln E = c + Σ b·ln(x): a product of powers of the features (a power law in MACs for `macs`).
  const names = [...new Set(terms.flatMap((t) => t.factors.map((f) => f.name)))];
  return names.map((name) => makeTerm([{ name, log: true, power: 1 }]));
}

function individualTerms(
  dataset: Dataset,
  spec: ResolvedSpec,
  features: string[],
  rows: number[],
  type: string,
  warnings: string[],
): Term[] {
  const names: string[] = [];
  for (const name of features) {
    const col = dataset.features.indexOf(name);
    if (col < 0)
      throw new FitError(
        `the individual-layer family takes plain feature names; '${name}' is not a feature of the data (${dataset.features.join(', ')})`,
      );
    const values = rows.map((ri) => dataset.rows[ri].values[col]);
    if (values.length > 0 && values.every((v) => v === values[0])) {
      warnings.push(`${type}: feature '${name}' is ${values[0]} in every row, so it cannot explain anything: left out`);
      continue;
    }
    names.push(name);
  }
  if (names.length === 0) return []; // nothing varies: the engine leaves the type unmodelled, with a warning
  const log = spec.link === 'log';
  const terms: Term[] = [];
  for (let d = 1; d <= spec.degree; d++) {
    for (const combo of combinationsWithRepetition(names.length, d)) {
      terms.push(makeTerm(combo.map((i): Factor => ({ name: names[i], log, power: 1 }))));
    }
  }
  if (!log) {
    for (const name of names) {
      const col = dataset.features.indexOf(name);
      if (rows.every((ri) => dataset.rows[ri].values[col] > 0)) terms.push(makeTerm([{ name, log: true, power: 1 }]));
    }
  }
  return terms;
}

function dedupe(terms: Term[]): Term[] {
  const seen = new Set<string>();
  return terms.filter((t) => !seen.has(t.text) && seen.add(t.text));
}

/** Index multisets of size k over n items, in lexicographic order: (0,0), (0,1), (1,1) for n=2, k=2. */
export function combinationsWithRepetition(n: number, k: number): number[][] {
  const out: number[][] = [];
  const current: number[] = [];
  const walk = (start: number) => {
    if (current.length === k) {
      out.push(current.slice());
      return;
    }
    for (let i = start; i < n; i++) {
      current.push(i);
      walk(i);
      current.pop();
    }
  };
  walk(0);
  return out;
}

/** True when there is no term, or every term is 0 in every row: the features say nothing about this type (e.g. MACs of pooling). */
export function carriesNoInformation(design: TypeDesign): boolean {
  return design.terms.length === 0 || design.Z.every((z) => z.every((v) => v === 0));
}
