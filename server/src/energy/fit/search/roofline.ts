// The roofline family: E = c₀ + (Σₖ (aₖ·tₖ)^p)^(1/p), a per-call overhead c₀ plus a smooth maximum of
// compute and memory costs aₖ·tₖ (MACs, bytes moved, ...), with the exponent p fitted too (p = 1: the
// costs add; p large: the bound resource alone counts). Fitted by Levenberg–Marquardt on relative
// error rᵢ = ŷᵢ/yᵢ − 1 (what MAPE measures), in parameters (c₀, ln aₖ, ln p) so costs and p stay
// positive, started from a linear relative-error fit (p = 1 is exactly that fit).
import { smoothMax } from '../../smooth-max';
import { choleskySolve } from './linear-subsets';

export interface RooflineParams {
  /** c₀, mJ per call. */
  overhead: number;
  /** aₖ > 0, mJ per unit of term k. */
  costs: number[];
  exponent: number;
}

/** p between 1 (the costs add) and 64 (the largest alone): a smooth maximum, never more than the sum. */
const MIN_LOG_P = 0;
const MAX_LOG_P = Math.log(64);

/** Prediction (mJ) for row i; `terms[k][i]` is term k's value. `buffer` has one slot per term. */
export function rooflineValue(
  params: RooflineParams,
  terms: readonly Float64Array[],
  i: number,
  buffer = new Float64Array(terms.length),
): number {
  for (let k = 0; k < terms.length; k++) buffer[k] = params.costs[k] * terms[k][i];
  return params.overhead + smoothMax(buffer, params.exponent);
}

export interface RooflineFitOptions {
  maxIterations?: number;
}

/**
 * Fits on `rows` from `start`. Returns undefined when the start is not usable (a cost ≤ 0) or the
 * fit does not stay finite; the caller then keeps the linear model.
 */
export function fitRoofline(
  terms: readonly Float64Array[],
  y: Float64Array,
  rows: ArrayLike<number>,
  start: RooflineParams,
  options: RooflineFitOptions = {},
): RooflineParams | undefined {
  const K = terms.length;
  if (!start.costs.every((a) => a > 0 && Number.isFinite(a)) || !(start.exponent > 0)) return undefined;
  const m = K + 2;
  let theta = [start.overhead, ...start.costs.map(Math.log), Math.log(start.exponent)];
  const logT = terms.map((t) => Float64Array.from(t, (x) => (x > 0 ? Math.log(x) : -Infinity)));
  const n = rows.length;
  const r = new Float64Array(n);
  const J = new Float64Array(n * m);
  const lk = new Float64Array(K);

  const evaluate = (th: number[], withJacobian: boolean): number => {
    const p = Math.exp(th[K + 1]);
    let cost = 0;
    for (let s = 0; s < n; s++) {
      const i = rows[s];
      let top = -Infinity;
      for (let k = 0; k < K; k++) {
        lk[k] = th[1 + k] + logT[k][i];
        top = Math.max(top, p * lk[k]);
      }
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(p * lk[k] - top);
      const logM = (top + Math.log(sum)) / p;
      const M = top === -Infinity ? 0 : Math.exp(logM);
      const f = th[0] + M;
      r[s] = f / y[i] - 1;
      cost += r[s] * r[s];
      if (!withJacobian) continue;
      const row = s * m;
      J[row] = 1 / y[i];
      let weighted = 0;
      for (let k = 0; k < K; k++) {
        const w = top === -Infinity ? 0 : Math.exp(p * lk[k] - top) / sum;
        J[row + 1 + k] = (M * w) / y[i];
        if (w > 0) weighted += w * lk[k];
      }
      J[row + K + 1] = M > 0 ? (M * (weighted - logM)) / y[i] : 0;
    }
    return cost;
  };

  let cost = evaluate(theta, true);
  if (!Number.isFinite(cost)) return undefined;
  let lambda = 1e-3;
  const maxIterations = options.maxIterations ?? 60;
  for (let iter = 0; iter < maxIterations; iter++) {
    const A = new Float64Array(m * m);
    const g = new Float64Array(m);
    for (let s = 0; s < n; s++) {
      const row = s * m;
      for (let a = 0; a < m; a++) {
        const ja = J[row + a];
        if (ja === 0) continue;
        g[a] += ja * r[s];
        for (let c = a; c < m; c++) A[a * m + c] += ja * J[row + c];
      }
    }
    for (let a = 0; a < m; a++) for (let c = 0; c < a; c++) A[a * m + c] = A[c * m + a];
    let improved = false;
    for (let attempt = 0; attempt < 8 && !improved; attempt++) {
      const D = Float64Array.from(A);
      for (let a = 0; a < m; a++) D[a * m + a] += lambda * (A[a * m + a] || 1e-12) + 1e-15;
      const step = choleskySolve(
        D,
        Float64Array.from(g, (x) => -x),
        m,
      );
      if (!step) {
        lambda *= 10;
        continue;
      }
      const next = theta.map((x, a) => x + step[a]);
      next[K + 1] = Math.min(MAX_LOG_P, Math.max(MIN_LOG_P, next[K + 1]));
      const nextCost = evaluate(next, false);
      if (Number.isFinite(nextCost) && nextCost < cost) {
        const gain = (cost - nextCost) / cost;
        theta = next;
        cost = evaluate(theta, true);
        lambda = Math.max(1e-9, lambda / 3);
        improved = true;
        if (gain < 1e-7) iter = maxIterations;
      } else {
        lambda *= 4;
      }
    }
    if (!improved) break;
  }
  const result = { overhead: theta[0], costs: theta.slice(1, K + 1).map(Math.exp), exponent: Math.exp(theta[K + 1]) };
  return [result.overhead, ...result.costs, result.exponent].every(Number.isFinite) ? result : undefined;
}
