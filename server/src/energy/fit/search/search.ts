// Model search per layer type: three families over a library of candidate terms, each scored by the
// same held-out folds (leave-one-network-out when rows carry a network, else seeded k-fold):
// - linear relative-error models (forward stepwise over raw, product, size and tiled terms; the
//   intercept is a candidate like any term);
// - log-space polynomials (stepwise over products of log features; intercept always in; smearing);
// - rooflines (smooth max of size/tiled costs plus overhead, Levenberg–Marquardt, started from the
//   linear fit; costs added forward, screened in sample, validated out of sample).
// The result is the Pareto front of held-out MAPE against fitted parameters, with a recommended model.
import { type Dataset, FitError } from '../dataset';
import { type CvScheme, describeCv, makeFolds } from '../engine';
import { typesOf } from '../design';
import { termColumns } from './columns';
import { completeSquareLayers } from './square-layers';
import { linearLibrary, logLibrary, rooflineAtoms } from './term-library';
import { CONSTANT, LinearSubsets, type LinearObjective } from './linear-subsets';
import { forwardStepwise } from './stepwise';
import { type RooflineParams, fitRoofline, rooflineValue } from './roofline';
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
/** Rows used to screen roofline candidates in sample (the chosen one is then validated on every fold). */
const SCREEN_ROWS = 1500;
/** Further roofline costs tried per step, picked by their linear relative fit. */
const SHORTLIST = 12;

export function searchModels(input: Dataset, options: SearchOptions = {}): SearchReport {
  if (input.rows.length === 0) throw new FitError('no data rows to search');
  const maxParams = options.maxParams ?? 8;
  if (!Number.isInteger(maxParams) || maxParams < 1 || maxParams > 40) throw new FitError(`the largest model size must be an integer from 1 to 40 parameters, got ${options.maxParams}`);
  const seed = options.seed ?? 1;
  const { dataset, notes } = completeSquareLayers(input);
  const cv: CvScheme = options.cv ?? (dataset.rows.every((r) => r.group !== undefined) ? { kind: 'loo-network' } : { kind: 'kfold', k: Math.min(10, dataset.rows.length) });
  if (cv.kind === 'loo' && dataset.rows.length > MAX_SEARCH_FOLDS) throw new FitError(`leave-one-out would need ${dataset.rows.length} fits per candidate; use kfold:10 for a search over this many rows`);
  const folds = makeFolds(dataset, cv, seed);
  const foldOfRow = new Int32Array(dataset.rows.length).fill(-1);
  const tested = cv.kind === 'holdout' ? [folds[0]] : folds;
  tested.forEach((f, k) => { for (const i of f) foldOfRow[i] = k; });
  const copies = new Set(notes.map((n) => n.split(' ')[0]));
  const warnings: string[] = [];
  const types: TypeSearch[] = [];
  for (const type of typesOf(dataset)) {
    const rows = dataset.rows.map((r, i) => (r.type === type ? i : -1)).filter((i) => i >= 0);
    const y = Float64Array.from(rows, (i) => dataset.rows[i].target);
    const bad = rows.find((i) => !(dataset.rows[i].target > 0));
    if (bad !== undefined) throw new FitError(`${type}: energy ${dataset.rows[bad].target} must be > 0 for a search (relative and log-space errors)`);
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

function searchType(dataset: Dataset, type: string, rows: number[], y: Float64Array, foldOf: Int32Array, folds: number, copies: Set<string>,
  maxParams: number, options: SearchOptions, warnings: string[]): Omit<TypeSearch, 'milliseconds'> {
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
    const path = forwardStepwise(ids, (s) => { const p = subsets.heldOut(s); return p && mapeOf(y, p); }, { maxSize: maxParams });
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
      const path = forwardStepwise(ids, (s) => { const p = subsets.heldOut(s, { smearing: false }); return p && mapeOf(y, p); },
        { maxSize: maxParams, forced: [CONSTANT] });
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
    if (lib.terms.length >= 2) candidates.push(...searchRooflines(lib.terms.map((t) => t.text), lib.columns, subsets, y, foldOf, folds, maxParams, summarize));
  }
  if (candidates.length === 0) warnings.push(`${type}: no candidate model could be fitted`);
  const front = paretoFront(candidates.map((c) => ({ ...c, mape: c.errors.mape }))).map(({ mape: _m, ...c }) => c as FrontierModel);
  const recommended = recommendedIndex(front.map((m) => ({ complexity: m.complexity, mape: m.errors.mape })));
  return { type, rows: rows.length, candidates, front, recommended, librarySizes };
}

/** Linear relative fit of [overhead, atoms] turned into a roofline start (p = 1; costs kept positive). */
function startFrom(coefficients: number[] | undefined, atoms: number[], columns: readonly Float64Array[], y: Float64Array): RooflineParams | undefined {
  if (!coefficients) return undefined;
  const medianY = median(y);
  return {
    overhead: coefficients[0],
    costs: atoms.map((j, k) => Math.max(coefficients[k + 1], (1e-3 * medianY) / Math.max(median(columns[j]), 1e-30))),
    exponent: 1,
  };
}

function searchRooflines(texts: string[], columns: readonly Float64Array[], subsets: LinearSubsets, y: Float64Array, foldOf: Int32Array, folds: number,
  maxParams: number, summarize: (p: Float64Array) => HeldOutErrors): FrontierModel[] {
  const n = y.length;
  const stride = Math.max(1, Math.floor(n / SCREEN_ROWS));
  const screen = Int32Array.from({ length: Math.ceil(n / stride) }, (_, k) => k * stride).filter((i) => i < n);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const inSampleCost = (atoms: number[], params: RooflineParams, rows: Int32Array) => {
    const cols = atoms.map((j) => columns[j]);
    const buf = new Float64Array(cols.length);
    let s = 0;
    for (const i of rows) s += Math.abs(rooflineValue(params, cols, i, buf) / y[i] - 1);
    return s / rows.length;
  };
  const collapsedIn = (atoms: number[], params: RooflineParams) => params.costs.some((a, k) => a * max(columns[atoms[k]]) < 1e-6 * median(y));
  const fitOn = (atoms: number[], rows: Int32Array, foldOut: number, start?: RooflineParams) => {
    const from = start ?? startFrom(subsets.fitWithout([CONSTANT, ...atoms], foldOut), atoms, columns, y);
    return from && fitRoofline(atoms.map((j) => columns[j]), y, rows, from);
  };
  /**
   * From the warm start and from the linear fit of the same rows, the better fit; one whose cost
   * collapsed to ~0 (a smaller model in disguise, LM stuck at p's bound) only when nothing else converged.
   */
  const fitBest = (atoms: number[], rows: Int32Array, foldOut: number, warm?: RooflineParams): RooflineParams | undefined => {
    const tries = [warm && fitOn(atoms, rows, foldOut, warm), fitOn(atoms, rows, foldOut)].filter((p): p is RooflineParams => p !== undefined);
    const scored = tries.map((p) => ({ p, cost: inSampleCost(atoms, p, rows) + (collapsedIn(atoms, p) ? 1e6 : 0) }));
    return scored.sort((a, b) => a.cost - b.cost)[0]?.p;
  };
  // Each fold is fitted on its training rows, warm-started from the fit on all rows (it converges in a
  // few steps; the start does not enter the held-out rows' predictions other than as a starting point),
  // or from the fold's own linear fit when the warm start does not converge.
  const validate = (atoms: number[], start: RooflineParams): Float64Array | undefined => {
    const predicted = new Float64Array(n).fill(NaN);
    const cols = atoms.map((j) => columns[j]);
    const buf = new Float64Array(cols.length);
    for (let f = 0; f < folds; f++) {
      const test = subsets.rowsOf(f);
      if (test.length === 0) continue;
      const train = all.filter((i) => foldOf[i] !== f);
      const warm = fitRoofline(cols, y, train, start, { maxIterations: 20 });
      const params = warm && !collapsedIn(atoms, warm) ? warm : fitBest(atoms, train, f);
      if (!params) return undefined;
      for (const i of test) predicted[i] = rooflineValue(params, cols, i, buf);
    }
    return predicted;
  };

  // Two costs to begin with: of the pairs whose linear relative fit has both costs > 0 (a roofline's
  // costs are positive), the one best held out. Every pair is tried: the Gram sums make that cheap.
  const ids = texts.map((_, j) => j);
  let pair: { atoms: number[]; score: number } | undefined;
  for (let a = 0; a < ids.length; a++) {
    for (let b = a + 1; b < ids.length; b++) {
      const fit = subsets.fitAll([CONSTANT, a, b]);
      if (!fit || !(fit.coefficients[1] > 0 && fit.coefficients[2] > 0)) continue;
      const p = subsets.heldOut([CONSTANT, a, b]);
      const score = p ? mapeOf(y, p) : NaN;
      if (Number.isFinite(score) && (!pair || score < pair.score)) pair = { atoms: [a, b], score };
    }
  }
  if (!pair) return [];
  let atoms = pair.atoms;
  const out: FrontierModel[] = [];
  let current = fitBest(atoms, screen, -1);
  for (;;) {
    if (!current) break;
    const final = fitBest(atoms, all, -1, current);
    // A cost that the fit drove to ~0 makes this a smaller model in disguise: not a model of this size.
    const collapsed = !final || collapsedIn(atoms, final);
    const heldOut = final && !collapsed ? validate(atoms, final) : undefined;
    if (heldOut && final && !collapsed) {
      out.push({
        family: 'roofline',
        label: `roofline: overhead + smooth max of ${atoms.length} costs (p fitted)`,
        terms: atoms.map((j) => texts[j]),
        coefficients: final.costs,
        intercept: final.overhead,
        exponent: final.exponent,
        complexity: atoms.length + 2,
        errors: summarize(heldOut),
        heldOut,
      });
    }
    if (atoms.length + 3 > maxParams) break;
    // Screen each further cost in sample (warm start: the current fit plus a small new cost).
    // Only the costs whose linear relative fit helps most are tried as roofline costs (LM is the dear part).
    const shortlist = ids.filter((j) => !atoms.includes(j))
      .map((j) => { const p = subsets.heldOut([CONSTANT, ...atoms, j]); return { j, score: p ? mapeOf(y, p) : Infinity }; })
      .sort((a, b) => a.score - b.score || a.j - b.j).slice(0, SHORTLIST).map((c) => c.j);
    let best: { atoms: number[]; params: RooflineParams; cost: number } | undefined;
    for (const j of shortlist) {
      const next = [...atoms, j];
      const start = { ...current, costs: [...current.costs, (0.05 * median(y)) / Math.max(median(columns[j]), 1e-30)] };
      const params = fitRoofline(next.map((a) => columns[a]), y, screen, start, { maxIterations: 20 });
      if (!params) continue;
      const cost = inSampleCost(next, params, screen);
      if (!best || cost < best.cost) best = { atoms: next, params, cost };
    }
    if (!best) break;
    atoms = best.atoms;
    // Grow from the full-data fit when the screening fit collapsed a cost.
    current = collapsedIn(best.atoms, best.params) ? fitBest(best.atoms, screen, -1) : best.params;
  }
  return out;
}

function max(xs: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, xs[i]);
  return m;
}

function median(xs: ArrayLike<number>): number {
  const s = Float64Array.from(xs).sort();
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}
