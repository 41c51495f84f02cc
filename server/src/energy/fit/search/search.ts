// Model search per layer type: three families over a library of candidate terms, each scored by the
// same held-out folds (leave-one-network-out when rows carry a network, else seeded k-fold):
// - linear relative-error models (stepwise, forward and backward, or best subset, over raw, product, size and tiled terms; the
//   intercept is a candidate like any term);
// - log-space polynomials (stepwise over products of log features; intercept always in; smearing);
// - rooflines (smooth max of size/tiled costs plus overhead, Levenberg–Marquardt, started from the
//   linear fit; costs added forward, screened in sample, validated out of sample).
// The result is the Pareto front of held-out MAPE against fitted parameters, with a recommended model.
import { type Dataset, FitError, describeRow } from '../dataset';
import { type CvScheme, describeCv, makeFolds } from '../engine';
import { typesOf } from '../design';
import { termColumns } from './columns';
import { completeSquareLayers } from './square-layers';
import { linearLibrary, logLibrary, rooflineAtoms } from './term-library';
import { CONSTANT, LinearSubsets, type LinearObjective } from './linear-subsets';
import { selectSubsets } from './stepwise';
import { searchRooflines } from './roofline-search';
import { type HeldOutErrors, heldOutErrors, mapeOf } from './held-out-errors';
import { paretoFront, recommendedIndex } from './pareto';

export type SearchFamily = 'relative' | 'log' | 'roofline';
export const SEARCH_FAMILIES: readonly SearchFamily[] = ['relative', 'log', 'roofline'];

export interface SearchOptions {
  /** Largest number of fitted parameters (default 8). */
  maxParams?: number;
  cv?: CvScheme;
  seed?: number;
  families?: readonly SearchFamily[];
  /** Highest degree of the log polynomial (default 3). */
  logDegree?: number;
}

export interface FrontierModel {
  family: SearchFamily;
  /** Short description, e.g. "roofline of MACs, input (p fitted)". */
  label: string;
  terms: string[];
  /** One per term: mJ per unit (relative, roofline) or per unit of the log term (log). */
  coefficients: number[];
  /** mJ (relative, roofline overhead) or ln mJ (log, smearing folded in). */
  intercept: number;
  exponent?: number;
  /** Log family: Duan's smearing factor, already folded into the intercept. */
  smearing?: number;
  /** Fitted parameters: coefficients + intercept (+ the exponent of a roofline). */
  complexity: number;
  errors: HeldOutErrors;
  /** Held-out prediction per row of the type (mJ). */
  heldOut: Float64Array;
}

export interface TypeSearch {
  type: string;
  rows: number;
  /** Best model of each family at each complexity. */
  candidates: FrontierModel[];
  front: FrontierModel[];
  /** Index into front. */
  recommended: number;
  librarySizes: Record<SearchFamily, number>;
  milliseconds: number;
}

export interface SearchReport {
  validation: string;
  maxParams: number;
  types: TypeSearch[];
  notes: string[];
  warnings: string[];
}

const MAX_SEARCH_FOLDS = 50;

export function searchModels(input: Dataset, options: SearchOptions = {}): SearchReport {
  if (input.rows.length === 0) throw new FitError('no data rows to search');
  const maxParams = options.maxParams ?? 8;
  if (!Number.isInteger(maxParams) || maxParams < 1 || maxParams > 40)
    throw new FitError(`the largest model size must be an integer from 1 to 40 parameters, got ${options.maxParams}`);
  const seed = options.seed ?? 1;
  const { dataset, notes } = completeSquareLayers(input);
  const cv: CvScheme =
    options.cv ??
    (dataset.rows.every((r) => r.group !== undefined) ? { kind: 'loo-network' } : { kind: 'kfold', k: Math.min(10, dataset.rows.length) });
  if (cv.kind === 'loo' && dataset.rows.length > MAX_SEARCH_FOLDS)
    throw new FitError(`leave-one-out would need ${dataset.rows.length} fits per candidate; use kfold:10 for a search over this many rows`);
  const folds = makeFolds(dataset, cv, seed);
  const foldOfRow = new Int32Array(dataset.rows.length).fill(-1);
  const tested = cv.kind === 'holdout' ? [folds[0]] : folds;
  tested.forEach((f, k) => {
    for (const i of f) foldOfRow[i] = k;
  });
  const copies = new Set(notes.map((n) => n.split(' ')[0]));
  const warnings: string[] = [];
  const types: TypeSearch[] = [];
  for (const type of typesOf(dataset)) {
    const rows = dataset.rows.map((r, i) => (r.type === type ? i : -1)).filter((i) => i >= 0);
    const y = Float64Array.from(rows, (i) => dataset.rows[i].target);
    // Relative and log-space errors need y > 0: such a type is left out and named (a campaign's Split or
    // in-place layer can measure 0), as the plain fit leaves it unmodelled; the other types are searched.
    const bad = rows.find((i) => !(dataset.rows[i].target > 0));
    if (bad !== undefined) {
      warnings.push(
        `${type}: not searched: ${describeRow(dataset.rows[bad], bad)}: ${dataset.target} ${dataset.rows[bad].target} must be > 0 (relative and log-space errors)`,
      );
      continue;
    }
    const foldOf = Int32Array.from(rows, (i) => foldOfRow[i]);
    if (new Set(foldOf.filter((f) => f >= 0)).size < (cv.kind === 'holdout' ? 1 : 2)) {
      warnings.push(`${type}: its ${rows.length} rows fall in fewer than 2 validation folds, so it cannot be searched`);
      continue;
    }
    const started = performance.now();
    const search = searchType(dataset, type, rows, y, foldOf, tested.length, copies, maxParams, options, warnings);
    types.push({ ...search, milliseconds: performance.now() - started });
  }
  if (types.length === 0) throw new FitError(`no layer type can be searched: ${warnings.join('; ')}`);
  return { validation: describeCv(cv, seed), maxParams, types, notes, warnings };
}

function searchType(
  dataset: Dataset,
  type: string,
  rows: number[],
  y: Float64Array,
  foldOf: Int32Array,
  folds: number,
  copies: Set<string>,
  maxParams: number,
  options: SearchOptions,
  warnings: string[],
): Omit<TypeSearch, 'milliseconds'> {
  const families = options.families ?? SEARCH_FAMILIES;
  const candidates: FrontierModel[] = [];
  const librarySizes: Record<SearchFamily, number> = { relative: 0, log: 0, roofline: 0 };
  const summarize = (heldOut: Float64Array) => heldOutErrors(y, heldOut, foldOf, folds);

  const linear = (objective: LinearObjective, texts: string[]) => {
    const lib = termColumns(dataset, rows, texts);
    return { lib, subsets: new LinearSubsets(lib.columns, y, objective, foldOf, folds) };
  };

  if (families.includes('relative')) {
    const { lib, subsets } = linear('relative', linearLibrary(dataset.features, copies));
    librarySizes.relative = lib.terms.length;
    const ids = [CONSTANT, ...lib.terms.map((_, j) => j)];
    const path = selectSubsets(
      ids,
      (s) => {
        const p = subsets.heldOut(s);
        return p && mapeOf(y, p);
      },
      { maxSize: maxParams },
    );
    for (const step of path) {
      const fit = subsets.fitAll(step.subset);
      const heldOut = subsets.heldOut(step.subset);
      if (!fit || !heldOut) continue;
      const terms = step.subset.filter((j) => j !== CONSTANT);
      candidates.push({
        family: 'relative',
        label: `relative-error linear, ${terms.length} term${terms.length === 1 ? '' : 's'}${step.subset.includes(CONSTANT) ? ' + overhead' : ''}`,
        terms: terms.map((j) => lib.terms[j].text),
        coefficients: terms.map((j) => fit.coefficients[step.subset.indexOf(j)]),
        intercept: step.subset.includes(CONSTANT) ? fit.coefficients[step.subset.indexOf(CONSTANT)] : 0,
        complexity: step.subset.length,
        errors: summarize(heldOut),
        heldOut,
      });
    }
  }

  if (families.includes('log')) {
    const positive = new Set(dataset.features.filter((_, c) => rows.every((i) => dataset.rows[i].values[c] > 0)));
    const { lib, subsets } = linear('log', logLibrary(dataset.features, copies, positive, options.logDegree ?? 3));
    librarySizes.log = lib.terms.length;
    if (lib.terms.length > 0) {
      const ids = lib.terms.map((_, j) => j);
      // Screened without smearing (one pass less per fold); the models kept are scored with it.
      const path = selectSubsets(
        ids,
        (s) => {
          const p = subsets.heldOut(s, { smearing: false });
          return p && mapeOf(y, p);
        },
        { maxSize: maxParams, forced: [CONSTANT] },
      );
      for (const step of path) {
        const fit = subsets.fitAll(step.subset);
        const heldOut = subsets.heldOut(step.subset);
        if (!fit || !heldOut) continue;
        const terms = step.subset.filter((j) => j !== CONSTANT);
        candidates.push({
          family: 'log',
          label: `log-space polynomial, ${terms.length} term${terms.length === 1 ? '' : 's'} + scale`,
          terms: terms.map((j) => lib.terms[j].text),
          coefficients: terms.map((j) => fit.coefficients[step.subset.indexOf(j)]),
          intercept: fit.coefficients[step.subset.indexOf(CONSTANT)] + Math.log(fit.smearing),
          smearing: fit.smearing,
          complexity: step.subset.length,
          errors: summarize(heldOut),
          heldOut,
        });
      }
    }
  }

  if (families.includes('roofline') && maxParams >= 4) {
    const { lib, subsets } = linear('relative', rooflineAtoms(dataset.features));
    librarySizes.roofline = lib.terms.length;
    if (lib.terms.length >= 2)
      candidates.push(
        ...searchRooflines(
          lib.terms.map((t) => t.text),
          lib.columns,
          subsets,
          y,
          foldOf,
          folds,
          maxParams,
          summarize,
        ),
      );
  }
  if (candidates.length === 0) warnings.push(`${type}: no candidate model could be fitted`);
  const front = paretoFront(candidates.map((c) => ({ ...c, mape: c.errors.mape }))).map(({ mape: _m, ...c }) => c as FrontierModel);
  const recommended = recommendedIndex(front.map((m) => ({ complexity: m.complexity, mape: m.errors.mape })));
  return { type, rows: rows.length, candidates, front, recommended, librarySizes };
}
