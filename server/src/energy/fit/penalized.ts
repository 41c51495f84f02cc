// Ridge and Lasso with the penalty chosen by cross-validation, on standardised terms (each term's
// weighted variance is 1, so one penalty treats MACs and kernel sizes alike; the intercept is not
// penalised). Everything is computed from per-block sufficient statistics (Σw, Σwz, Σwzzᵀ, Σwzy,
// Σwy²): a block's statistics are computed once, and any training set of blocks is a sum, so
// nested cross-validation costs O(p²) per fold instead of a pass over the rows.
// Lasso: coordinate descent with warm starts down a log-spaced penalty path (as glmnet does).
// Ridge: one symmetric eigendecomposition per training set serves every penalty.
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { FitError } from './dataset';
import { dealIntoFolds } from './rng';

export type PenaltyKind = 'ridge' | 'lasso';

export interface Stats {
  W: number;
  s: Float64Array;
  sy: number;
  /** p×p, row-major. */
  G: Float64Array;
  c: Float64Array;
  yy: number;
}

/** Rows of one type, pre-shifted and pre-scaled (z = (t − shift) / scale) for well-scaled sums. */
export class PenalizedData {
  readonly p: number;
  readonly shift: Float64Array;
  readonly scale: Float64Array;
  /** Pre-transformed term values, row-major n×p. */
  private readonly Zs: Float64Array;
  private readonly cache = new WeakMap<number[], Stats>();

  constructor(
    Z: Float64Array[],
    readonly y: Float64Array,
    readonly w: Float64Array,
    centre: boolean,
  ) {
    this.p = Z[0]?.length ?? 0;
    const p = this.p;
    const n = Z.length;
    const W = w.reduce((a, b) => a + b, 0);
    this.shift = new Float64Array(p);
    this.scale = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      let m = 0;
      if (centre) {
        for (let i = 0; i < n; i++) m += w[i] * Z[i][j];
        m /= W;
      }
      let v = 0;
      for (let i = 0; i < n; i++) v += w[i] * (Z[i][j] - m) ** 2;
      this.shift[j] = m;
      this.scale[j] = Math.sqrt(v / W) || 1;
    }
    this.Zs = new Float64Array(n * p);
    for (let i = 0; i < n; i++) {
      const row = Z[i];
      for (let j = 0; j < p; j++) this.Zs[i * p + j] = (row[j] - this.shift[j]) / this.scale[j];
    }
  }

  /** Statistics of a block of row indexes, cached by the block array's identity. */
  statsOf(block: number[]): Stats {
    const hit = this.cache.get(block);
    if (hit) return hit;
    const p = this.p;
    const Zs = this.Zs;
    const st: Stats = { W: 0, s: new Float64Array(p), sy: 0, G: new Float64Array(p * p), c: new Float64Array(p), yy: 0 };
    const G = st.G;
    for (const i of block) {
      const base = i * p;
      const wi = this.w[i];
      const yi = this.y[i];
      st.W += wi;
      st.sy += wi * yi;
      st.yy += wi * yi * yi;
      for (let j = 0; j < p; j++) {
        const wz = wi * Zs[base + j];
        st.s[j] += wz;
        st.c[j] += wz * yi;
        const row = j * p;
        for (let k = j; k < p; k++) G[row + k] += wz * Zs[base + k];
      }
    }
    for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) G[j * p + k] = G[k * p + j];
    this.cache.set(block, st);
    return st;
  }
}

function addStats(a: Stats, b: Stats, sign: 1 | -1): Stats {
  const mix = (x: Float64Array, y: Float64Array) => Float64Array.from(x, (v, i) => v + sign * y[i]);
  return { W: a.W + sign * b.W, s: mix(a.s, b.s), sy: a.sy + sign * b.sy, G: mix(a.G, b.G), c: mix(a.c, b.c), yy: a.yy + sign * b.yy };
}

interface Standardised {
  /** Term indexes kept (non-constant in the training set). */
  keep: number[];
  mu: Float64Array;
  sd: Float64Array;
  ybar: number;
  /** Correlation-like matrix of the kept terms (unit diagonal), row-major. */
  C: Float64Array;
  r: Float64Array;
  /** Weighted variance of y (about its mean with an intercept): the scale convergence is judged on. */
  yVar: number;
}

function standardise(st: Stats, p: number, intercept: boolean): Standardised {
  const mu = new Float64Array(p);
  const sd = new Float64Array(p);
  const ybar = intercept ? st.sy / st.W : 0;
  const keep: number[] = [];
  for (let j = 0; j < p; j++) {
    mu[j] = intercept ? st.s[j] / st.W : 0;
    const v = st.G[j * p + j] / st.W - mu[j] * mu[j];
    sd[j] = v > 1e-20 ? Math.sqrt(v) : 0;
    if (sd[j] > 1e-10) keep.push(j);
  }
  const q = keep.length;
  const C = new Float64Array(q * q);
  const r = new Float64Array(q);
  keep.forEach((j, a) => {
    r[a] = (st.c[j] / st.W - mu[j] * ybar) / sd[j];
    keep.forEach((k, b) => {
      C[a * q + b] = (st.G[j * p + k] / st.W - mu[j] * mu[k]) / (sd[j] * sd[k]);
    });
  });
  const yVar = Math.max(st.yy / st.W - ybar * ybar, 1e-300);
  return { keep, mu, sd, ybar, C, r, yVar };
}

/** Coefficients in z units and the intercept, from standardised coefficients. */
function backTransform(std: Standardised, b: Float64Array, p: number): { beta: Float64Array; a: number } {
  const beta = new Float64Array(p);
  let a = std.ybar;
  std.keep.forEach((j, k) => {
    beta[j] = b[k] / std.sd[j];
    a -= beta[j] * std.mu[j];
  });
  return { beta, a };
}

/** Weighted squared error of (a, β) on a block, from its statistics. */
function blockError(st: Stats, a: number, beta: Float64Array, p: number): number {
  let bc = 0,
    bs = 0,
    bGb = 0;
  for (let j = 0; j < p; j++) {
    if (beta[j] === 0) continue;
    bc += beta[j] * st.c[j];
    bs += beta[j] * st.s[j];
    let g = 0;
    for (let k = 0; k < p; k++) g += st.G[j * p + k] * beta[k];
    bGb += beta[j] * g;
  }
  return st.yy - 2 * a * st.sy - 2 * bc + a * a * st.W + 2 * a * bs + bGb;
}

const PATH_LENGTH = 40;
/** Coordinate-descent sweeps allowed per penalty before giving up with a warning. */
const MAX_SWEEPS = 1000;

function lambdaGrid(kind: PenaltyKind, std: Standardised): number[] {
  if (kind === 'ridge') {
    // Unit diagonal: penalties from "almost none" to "shrunk to the mean", relative to eigenvalue scale 1.
    return Array.from({ length: PATH_LENGTH }, (_, i) => 10 ** (3 - (9 * i) / (PATH_LENGTH - 1)));
  }
  const max = Math.max(...Array.from(std.r, Math.abs));
  if (!(max > 0)) return [0];
  return Array.from({ length: PATH_LENGTH }, (_, i) => max * 10 ** (-(4 * i) / (PATH_LENGTH - 1)));
}

/** Standardised coefficients for each penalty of the (descending) grid. */
function solvePath(kind: PenaltyKind, std: Standardised, grid: number[], warnings: string[]): Float64Array[] {
  const q = std.keep.length;
  if (q === 0) return grid.map(() => new Float64Array(0));
  if (kind === 'ridge') {
    const eig = new EigenvalueDecomposition(new Matrix(Array.from({ length: q }, (_, a) => Array.from(std.C.subarray(a * q, a * q + q)))), {
      assumeSymmetric: true,
    });
    const V = eig.eigenvectorMatrix;
    const e = eig.realEigenvalues.map((v) => Math.max(v, 0));
    const Vtr = new Float64Array(q);
    for (let k = 0; k < q; k++) {
      let s = 0;
      for (let a = 0; a < q; a++) s += V.get(a, k) * std.r[a];
      Vtr[k] = s;
    }
    return grid.map((lambda) => {
      const b = new Float64Array(q);
      for (let k = 0; k < q; k++) {
        const f = Vtr[k] / (e[k] + lambda);
        for (let a = 0; a < q; a++) b[a] += V.get(a, k) * f;
      }
      return b;
    });
  }
  // Lasso: coordinate descent on ½bᵀCb − rᵀb + λ‖b‖₁ with the gradient residual g = r − Cb kept up to date.
  const b = new Float64Array(q);
  const g = Float64Array.from(std.r);
  const C = std.C;
  const path: Float64Array[] = [];
  let stalled = false;
  const update = (j: number, lambda: number): number => {
    const zj = g[j] + b[j];
    const next = zj > lambda ? zj - lambda : zj < -lambda ? zj + lambda : 0;
    const delta = next - b[j];
    if (delta !== 0) {
      b[j] = next;
      const row = j * q;
      for (let k = 0; k < q; k++) g[k] -= delta * C[row + k];
    }
    return Math.abs(delta);
  };
  // Converged when no coordinate moves the objective by more than 1e-7 of y's variance (glmnet's rule).
  const tol = 1e-7 * std.yVar;
  for (const lambda of grid) {
    let sweeps = 0;
    for (;;) {
      let change = 0;
      for (let j = 0; j < q; j++) change = Math.max(change, update(j, lambda));
      sweeps++;
      if (change * change < tol) break;
      // Iterate on the non-zero terms until they settle, then check every term again.
      for (;;) {
        let inner = 0;
        for (let j = 0; j < q; j++) if (b[j] !== 0) inner = Math.max(inner, update(j, lambda));
        sweeps++;
        if (inner * inner < tol || sweeps > MAX_SWEEPS) break;
      }
      if (sweeps > MAX_SWEEPS) {
        stalled = true;
        break;
      }
    }
    path.push(Float64Array.from(b));
  }
  if (stalled) warnings.push('lasso: coordinate descent did not fully converge at the smallest penalties (strongly collinear terms)');
  return path;
}

export interface PenalizedCoefficients {
  /** Per term, in raw term units. */
  coefficients: Float64Array;
  intercept: number;
}

export interface PenalizedResult extends PenalizedCoefficients {
  lambda: number;
  /**
   * When the given blocks served as the penalty's folds: the fit without each block at the chosen
   * penalty (undefined where nothing was left to fit on), for out-of-fold predictions of that block.
   */
  heldOut?: Array<PenalizedCoefficients | undefined>;
  warnings: string[];
}

/**
 * Fits on the union of `blocks` (row indexes into `data`), choosing the penalty by leaving out one
 * block at a time (fewer than 3 blocks: the rows are split into `innerFolds` seeded blocks). As in
 * cv.glmnet, the error curve is summed over the left-out blocks and its minimum picks the penalty.
 */
export function fitPenalized(
  data: PenalizedData,
  blocks: number[][],
  kind: PenaltyKind,
  intercept: boolean,
  options: { seed: number; innerFolds: number; context: string },
): PenalizedResult {
  const p = data.p;
  const given = blocks.filter((b) => b.length > 0);
  const rowCount = given.reduce((s, b) => s + b.length, 0);
  if (rowCount < 2) throw new FitError(`${options.context}: ${rowCount} row${rowCount === 1 ? '' : 's'} cannot fit a ${kind} model`);
  const useGiven = given.length >= 3;
  const inner = useGiven ? given : dealIntoFolds(given.flat(), Math.min(options.innerFolds, rowCount), options.seed);
  const blockStats = inner.map((b) => data.statsOf(b));
  const total = blockStats.reduce((acc, st) => addStats(acc, st, 1));
  const warnings: string[] = [];
  const full = standardise(total, p, intercept);
  if (full.keep.length === 0) throw new FitError(`${options.context}: every term is constant in these rows; nothing to fit`);
  const grid = lambdaGrid(kind, full);
  const errors = new Float64Array(grid.length);
  const paths = blockStats.map((st, k) => {
    if (rowCount - inner[k].length < 2) return undefined; // nothing left to learn from without this block
    const train = standardise(addStats(total, st, -1), p, intercept);
    return solvePath(kind, train, grid, warnings).map((b, i) => {
      const fit = backTransform(train, b, p);
      errors[i] += blockError(st, fit.a, fit.beta, p);
      return fit;
    });
  });
  let best = 0;
  for (let i = 1; i < grid.length; i++) if (errors[i] < errors[best]) best = i;
  const finalPath = solvePath(kind, full, grid.slice(0, best + 1), warnings);
  const final = toRaw(data, backTransform(full, finalPath[finalPath.length - 1], p), intercept, options.context, kind);
  return {
    ...final,
    lambda: grid[best],
    heldOut: useGiven ? paths.map((path) => path && toRaw(data, path[best], intercept, options.context, kind)) : undefined,
    warnings: [...new Set(warnings)],
  };
}

/** From z = (t − shift)/scale back to the raw term values. */
function toRaw(
  data: PenalizedData,
  fit: { beta: Float64Array; a: number },
  intercept: boolean,
  context: string,
  kind: PenaltyKind,
): PenalizedCoefficients {
  const coefficients = Float64Array.from(fit.beta, (bj, j) => bj / data.scale[j]);
  let interceptRaw = intercept ? fit.a : 0;
  for (let j = 0; j < data.p; j++) interceptRaw -= coefficients[j] * data.shift[j];
  if (!coefficients.every(Number.isFinite) || !Number.isFinite(interceptRaw)) {
    throw new FitError(`${context}: ${kind} produced non-finite coefficients (degenerate data)`);
  }
  return { coefficients, intercept: interceptRaw };
}
