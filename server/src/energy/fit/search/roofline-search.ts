// The roofline part of a model search: begin with the pair of costs whose linear relative fit is
// best held out (both costs > 0), then add costs one at a time — a shortlist by their linear fit,
// screened by an in-sample Levenberg–Marquardt fit on a sample of rows — validating each size on the
// search's folds. A cost the fit drives to ~0 makes a smaller model in disguise and is not counted.
import { CONSTANT, type LinearSubsets } from './linear-subsets';
import { type RooflineParams, fitRoofline, rooflineValue } from './roofline';
import { type HeldOutErrors, mapeOf } from './held-out-errors';
import type { FrontierModel } from './search';

/** Rows used to screen roofline candidates in sample (the chosen one is then validated on every fold). */
const SCREEN_ROWS = 1500;
/** Further roofline costs tried per step, picked by their linear relative fit. */
const SHORTLIST = 12;

/** Linear relative fit of [overhead, atoms] turned into a roofline start (p = 1; costs kept positive). */
function startFrom(
  coefficients: number[] | undefined,
  atoms: number[],
  columns: readonly Float64Array[],
  y: Float64Array,
): RooflineParams | undefined {
  if (!coefficients) return undefined;
  const medianY = median(y);
  return {
    overhead: coefficients[0],
    costs: atoms.map((j, k) => Math.max(coefficients[k + 1], (1e-3 * medianY) / Math.max(median(columns[j]), 1e-30))),
    exponent: 1,
  };
}

export function searchRooflines(
  texts: string[],
  columns: readonly Float64Array[],
  subsets: LinearSubsets,
  y: Float64Array,
  foldOf: Int32Array,
  folds: number,
  maxParams: number,
  summarize: (p: Float64Array) => HeldOutErrors,
): FrontierModel[] {
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
  const collapsedIn = (atoms: number[], params: RooflineParams) =>
    params.costs.some((a, k) => a * max(columns[atoms[k]]) < 1e-6 * median(y));
  const fitOn = (atoms: number[], rows: Int32Array, foldOut: number, start?: RooflineParams) => {
    const from = start ?? startFrom(subsets.fitWithout([CONSTANT, ...atoms], foldOut), atoms, columns, y);
    return (
      from &&
      fitRoofline(
        atoms.map((j) => columns[j]),
        y,
        rows,
        from,
      )
    );
  };
  /**
   * From the warm start and from the linear fit of the same rows, the better fit; one whose cost
   * collapsed to ~0 (a smaller model in disguise, LM stuck at p's bound) only when nothing else converged.
   */
  const fitBest = (atoms: number[], rows: Int32Array, foldOut: number, warm?: RooflineParams): RooflineParams | undefined => {
    const tries = [warm && fitOn(atoms, rows, foldOut, warm), fitOn(atoms, rows, foldOut)].filter(
      (p): p is RooflineParams => p !== undefined,
    );
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
    const shortlist = ids
      .filter((j) => !atoms.includes(j))
      .map((j) => {
        const p = subsets.heldOut([CONSTANT, ...atoms, j]);
        return { j, score: p ? mapeOf(y, p) : Infinity };
      })
      .sort((a, b) => a.score - b.score || a.j - b.j)
      .slice(0, SHORTLIST)
      .map((c) => c.j);
    let best: { atoms: number[]; params: RooflineParams; cost: number } | undefined;
    for (const j of shortlist) {
      const next = [...atoms, j];
      const start = { ...current, costs: [...current.costs, (0.05 * median(y)) / Math.max(median(columns[j]), 1e-30)] };
      const params = fitRoofline(
        next.map((a) => columns[a]),
        y,
        screen,
        start,
        { maxIterations: 20 },
      );
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
