// Non-negative least squares (Lawson & Hanson 1974, active set): energy per MAC, per byte or per
// layer cannot be negative, so NNLS keeps a term out rather than letting it go below zero to
// cancel another. Each subproblem is an ordinary QR least-squares fit on the passive terms.
import { leastSquares } from './least-squares';
import { FitError } from './dataset';

export function nnls(
  X: ArrayLike<number>[],
  y: ArrayLike<number>,
  names: string[],
  context: string,
): { coefficients: Float64Array; warnings: string[] } {
  const n = X.length;
  const p = names.length;
  if (n === 0) throw new FitError(`${context}: no rows to fit`);
  // Unit-norm columns make the gradient test scale-free.
  const norms = new Float64Array(p);
  for (const row of X) for (let j = 0; j < p; j++) norms[j] += row[j] * row[j];
  for (let j = 0; j < p; j++) {
    norms[j] = Math.sqrt(norms[j]);
    if (norms[j] === 0) throw new FitError(`${context}: term '${names[j]}' is 0 in every row, so its coefficient cannot be determined`);
  }
  const A = X.map((row) => Float64Array.from({ length: p }, (_, j) => row[j] / norms[j]));
  const x = new Float64Array(p);
  const passive = new Set<number>();
  const warnings: string[] = [];
  const gradient = (): Float64Array => {
    const g = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      let r = y[i];
      for (let j = 0; j < p; j++) r -= A[i][j] * x[j];
      for (let j = 0; j < p; j++) g[j] += A[i][j] * r;
    }
    return g;
  };
  const yNorm = Math.sqrt(Array.from(y).reduce((s, v) => s + v * v, 0));
  const tol = 1e-10 * Math.max(yNorm, 1e-300);
  const solvePassive = (): Float64Array => {
    const cols = [...passive].sort((a, b) => a - b);
    const sol = leastSquares(
      A.map((row) => cols.map((j) => row[j])),
      y,
      cols.map((j) => names[j]),
      context,
    );
    const s = new Float64Array(p);
    cols.forEach((j, k) => {
      s[j] = sol.coefficients[k];
    });
    return s;
  };
  let iterations = 0;
  const maxIterations = 3 * p + 10;
  for (;;) {
    const g = gradient();
    let best = -1;
    for (let j = 0; j < p; j++) if (!passive.has(j) && g[j] > tol && (best < 0 || g[j] > g[best])) best = j;
    if (best < 0) break;
    if (++iterations > maxIterations) {
      warnings.push(`${context}: NNLS stopped after ${maxIterations} iterations`);
      break;
    }
    passive.add(best);
    for (;;) {
      const s = solvePassive();
      const negative = [...passive].filter((j) => s[j] <= 0);
      if (negative.length === 0) {
        x.set(s);
        break;
      }
      // Step from x toward s as far as feasibility allows, then release the terms that hit zero.
      let alpha = Infinity;
      for (const j of negative) {
        const gap = x[j] - s[j];
        alpha = Math.min(alpha, gap > 0 ? x[j] / gap : 0);
      }
      for (let j = 0; j < p; j++) x[j] += alpha * (s[j] - x[j]);
      for (const j of [...passive])
        if (x[j] <= 1e-15 * Math.max(1, Math.abs(s[j]))) {
          passive.delete(j);
          x[j] = 0;
        }
      if (passive.size === 0) break;
    }
  }
  return { coefficients: Float64Array.from(x, (v, j) => v / norms[j]), warnings };
}
