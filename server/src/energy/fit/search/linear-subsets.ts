// Held-out errors of linear models over subsets of a term library, fast enough for stepwise search:
// each fold's Gram matrix of the whole library is summed once, so fitting a subset without fold f is
// a small Cholesky solve of (G_all − G_f) restricted to the subset, never a pass over the rows.
// Two objectives:
// - `relative`: minimise Σ((ŷ−y)/y)², i.e. least squares on rows x/y against 1 (what MAPE rewards);
// - `log`: least squares on ln y, turned back into mJ with Duan's smearing factor mean(exp(residual))
//   of the training rows, so sums over many layers are not systematically low.
// Columns are scaled to unit root-mean-square first (features span many orders of magnitude).

import { smearingFactor } from '../smearing';

export type LinearObjective = 'relative' | 'log';

/** Column index meaning "the intercept" (a constant term). */
export const CONSTANT = -1;

export interface HeldOut {
  /** Out-of-fold prediction per row (mJ). */
  predicted: Float64Array;
}

export interface LinearFit {
  /** Per subset entry (CONSTANT: the intercept), raw units (mJ per unit of the term; ln mJ for log). */
  coefficients: number[];
  /** Log objective: the smearing factor folded into the prediction (1 for relative). */
  smearing: number;
}

export class LinearSubsets {
  private readonly n: number;
  private readonly p: number;
  /** Scaled design, column-major; index p is the constant. */
  private readonly v: Float64Array[];
  private readonly scale: Float64Array;
  private readonly t: Float64Array;
  private readonly gramAll: Float64Array;
  private readonly rhsAll: Float64Array;
  private readonly gramFold: Float64Array[];
  private readonly rhsFold: Float64Array[];
  private readonly foldRows: Int32Array[];

  constructor(
    columns: readonly Float64Array[],
    readonly y: Float64Array,
    readonly objective: LinearObjective,
    readonly foldOf: Int32Array,
    readonly folds: number,
  ) {
    this.n = y.length;
    this.p = columns.length;
    const q = this.p + 1;
    const raw = [...columns, new Float64Array(this.n).fill(1)];
    this.scale = new Float64Array(q);
    this.v = raw.map((c, j) => {
      const u = Float64Array.from(c, (x, i) => (objective === 'relative' ? x / y[i] : x));
      let ss = 0;
      for (const x of u) ss += x * x;
      const s = Math.sqrt(ss / this.n) || 1;
      this.scale[j] = s;
      for (let i = 0; i < this.n; i++) u[i] /= s;
      return u;
    });
    this.t = objective === 'relative' ? new Float64Array(this.n).fill(1) : Float64Array.from(y, Math.log);
    this.gramFold = Array.from({ length: folds }, () => new Float64Array(q * q));
    this.rhsFold = Array.from({ length: folds }, () => new Float64Array(q));
    const rows: number[][] = Array.from({ length: folds }, () => []);
    for (let i = 0; i < this.n; i++) if (foldOf[i] >= 0) rows[foldOf[i]].push(i);
    this.foldRows = rows.map((r) => Int32Array.from(r));
    for (let f = 0; f < folds; f++) {
      const G = this.gramFold[f],
        b = this.rhsFold[f];
      for (const i of this.foldRows[f]) {
        for (let a = 0; a < q; a++) {
          const va = this.v[a][i];
          b[a] += va * this.t[i];
          for (let c = a; c < q; c++) G[a * q + c] += va * this.v[c][i];
        }
      }
    }
    // Every row, held out or not: a holdout split's training rows (fold −1) are in no fold's sums.
    this.gramAll = new Float64Array(q * q);
    this.rhsAll = new Float64Array(q);
    for (let f = 0; f < folds; f++) {
      for (let k = 0; k < q * q; k++) this.gramAll[k] += this.gramFold[f][k];
      for (let k = 0; k < q; k++) this.rhsAll[k] += this.rhsFold[f][k];
    }
    for (let i = 0; i < this.n; i++) {
      if (foldOf[i] >= 0) continue;
      for (let a = 0; a < q; a++) {
        const va = this.v[a][i];
        this.rhsAll[a] += va * this.t[i];
        for (let c = a; c < q; c++) this.gramAll[a * q + c] += va * this.v[c][i];
      }
    }
  }

  private col(j: number): number {
    return j === CONSTANT ? this.p : j;
  }

  /** Scaled coefficients of `subset` fitted without fold `f` (-1: on every row); undefined if singular. */
  private solve(subset: readonly number[], f: number): Float64Array | undefined {
    const q = this.p + 1;
    const m = subset.length;
    const idx = subset.map((j) => this.col(j));
    const A = new Float64Array(m * m);
    const b = new Float64Array(m);
    for (let a = 0; a < m; a++) {
      const ia = idx[a];
      b[a] = this.rhsAll[ia] - (f >= 0 ? this.rhsFold[f][ia] : 0);
      for (let c = 0; c < m; c++) {
        const ic = idx[c];
        const k = ia <= ic ? ia * q + ic : ic * q + ia;
        A[a * m + c] = this.gramAll[k] - (f >= 0 ? this.gramFold[f][k] : 0);
      }
    }
    return choleskySolve(A, b, m);
  }

  private linear(subset: readonly number[], beta: Float64Array, i: number): number {
    let s = 0;
    for (let a = 0; a < subset.length; a++) s += beta[a] * this.v[this.col(subset[a])][i];
    return s;
  }

  private toMj(subset: readonly number[], beta: Float64Array, i: number, smearing: number): number {
    const s = this.linear(subset, beta, i);
    return this.objective === 'relative' ? s * this.y[i] : Math.exp(s) * smearing;
  }

  private smearingOf(subset: readonly number[], beta: Float64Array, skipFold: number): number {
    if (this.objective !== 'log') return 1;
    const rows: number[] = [];
    for (let i = 0; i < this.n; i++) if (skipFold < 0 || this.foldOf[i] !== skipFold) rows.push(i);
    return smearingFactor(rows.length, (k) => this.t[rows[k]] - this.linear(subset, beta, rows[k]));
  }

  /**
   * Out-of-fold predictions of `subset` (rows with foldOf −1 are never held out); undefined when some
   * training set cannot determine the coefficients. `smearing: false` leaves log fits uncorrected.
   */
  heldOut(subset: readonly number[], options: { smearing?: boolean } = {}): Float64Array | undefined {
    const predicted = new Float64Array(this.n).fill(NaN);
    for (let f = 0; f < this.folds; f++) {
      if (this.foldRows[f].length === 0) continue;
      const beta = this.solve(subset, f);
      if (!beta) return undefined;
      const smear = options.smearing === false ? 1 : this.smearingOf(subset, beta, f);
      for (const i of this.foldRows[f]) predicted[i] = this.toMj(subset, beta, i, smear);
    }
    return predicted;
  }

  /** Raw-unit coefficients of `subset` fitted without fold `f` (a start for nonlinear fits of the same rows). */
  fitWithout(subset: readonly number[], f: number): number[] | undefined {
    const beta = this.solve(subset, f);
    return beta && subset.map((j, a) => beta[a] / this.scale[this.col(j)]);
  }

  /** Rows held out in fold f. */
  rowsOf(f: number): Int32Array {
    return this.foldRows[f];
  }

  /** Fit on every row, in raw units. */
  fitAll(subset: readonly number[], options: { smearing?: boolean } = {}): LinearFit | undefined {
    const beta = this.solve(subset, -1);
    if (!beta) return undefined;
    const coefficients = subset.map((j, a) => beta[a] / this.scale[this.col(j)]);
    const smearing = options.smearing === false ? 1 : this.smearingOf(subset, beta, -1);
    return { coefficients, smearing };
  }
}

/** Solves A x = b for a symmetric positive definite A (m×m, row-major); undefined when (near) singular. */
export function choleskySolve(A: Float64Array, b: Float64Array, m: number): Float64Array | undefined {
  const L = new Float64Array(m * m);
  let maxDiag = 0;
  for (let i = 0; i < m; i++) maxDiag = Math.max(maxDiag, A[i * m + i]);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * m + j];
      for (let k = 0; k < j; k++) s -= L[i * m + k] * L[j * m + k];
      if (i === j) {
        // Relative pivot test: a subset whose terms are (nearly) collinear is not a model.
        if (!(s > 1e-11 * maxDiag)) return undefined;
        L[i * m + i] = Math.sqrt(s);
      } else {
        L[i * m + j] = s / L[j * m + j];
      }
    }
  }
  const z = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * m + k] * z[k];
    z[i] = s / L[i * m + i];
  }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < m; k++) s -= L[k * m + i] * x[k];
    x[i] = s / L[i * m + i];
  }
  return x.every(Number.isFinite) ? x : undefined;
}
