// Least squares through Householder QR (ml-matrix), never the normal equations: energy features
// span many orders of magnitude and polynomial terms are nearly collinear, which squaring the
// condition number would ruin. Columns are scaled to unit norm first; the singular values of R
// (same as the design's) tell a rank-deficient design apart, and the right singular vector of the
// smallest one names the terms that are collinear.
import { Matrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';
import { FitError } from './dataset';

/** Below this ratio of smallest to largest singular value the design is treated as rank deficient. */
const RANK_TOLERANCE = 1e-10;
/** Above this condition number the coefficients are flagged as unstable. */
const ILL_CONDITIONED = 1e8;

export interface LeastSquaresSolution {
  coefficients: Float64Array;
  condition: number;
  warnings: string[];
}

/**
 * Solves min ‖X b − y‖ for the columns named by `names`.
 * @param context prefix for messages (e.g. the layer type)
 */
export function leastSquares(X: ArrayLike<number>[], y: ArrayLike<number>, names: string[], context: string): LeastSquaresSolution {
  const n = X.length;
  const p = names.length;
  if (p === 0) throw new FitError(`${context}: no terms to fit`);
  if (n < p) {
    throw new FitError(
      `${context}: ${n} row${n === 1 ? '' : 's'} cannot determine ${p} coefficient${p === 1 ? '' : 's'} (${names.join(', ')}); add data or use fewer terms`,
    );
  }
  const norms = new Float64Array(p);
  for (const row of X) for (let j = 0; j < p; j++) norms[j] += row[j] * row[j];
  for (let j = 0; j < p; j++) {
    norms[j] = Math.sqrt(norms[j]);
    if (!Number.isFinite(norms[j])) throw new FitError(`${context}: term '${names[j]}' overflows (values too large or not finite)`);
    if (norms[j] === 0) throw new FitError(`${context}: term '${names[j]}' is 0 in every row, so its coefficient cannot be determined`);
  }
  const A = new Matrix(n, p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) A.set(i, j, X[i][j] / norms[j]);
  const qr = new QrDecomposition(A);
  const svd = new SingularValueDecomposition(qr.upperTriangularMatrix, { computeLeftSingularVectors: false });
  const sigma = svd.diagonal;
  const largest = Math.max(...sigma);
  const smallest = Math.min(...sigma);
  if (!(smallest > largest * RANK_TOLERANCE)) throw new FitError(collinearMessage(svd, names, context));
  const b = qr.solve(Matrix.columnVector(Array.from(y)));
  const coefficients = new Float64Array(p);
  for (let j = 0; j < p; j++) coefficients[j] = b.get(j, 0) / norms[j];
  if (!coefficients.every(Number.isFinite)) throw new FitError(`${context}: the solution is not finite (degenerate data)`);
  const condition = largest / smallest;
  const warnings =
    condition > ILL_CONDITIONED
      ? [
          `${context}: ill-conditioned design (condition number ${condition.toExponential(1)}): coefficients are unstable; consider ridge or lasso`,
        ]
      : [];
  return { coefficients, condition, warnings };
}

function collinearMessage(svd: SingularValueDecomposition, names: string[], context: string): string {
  const sigma = svd.diagonal;
  const k = sigma.indexOf(Math.min(...sigma));
  const v = svd.rightSingularVectors.getColumn(k);
  const biggest = Math.max(...v.map(Math.abs));
  const involved = names.filter((_, j) => Math.abs(v[j]) >= 0.05 * biggest);
  if (involved.length === 1) {
    return `${context}: term '${involved[0]}' cannot be determined from this data (it is 0 or negligible in every row)`;
  }
  if (involved.length === 2 && involved.includes('(intercept)')) {
    const other = involved.find((t) => t !== '(intercept)');
    return `${context}: '${other}' is constant in these rows, so it cannot be told apart from the intercept; drop it or fit without an intercept`;
  }
  return `${context}: terms ${involved.map((t) => `'${t}'`).join(', ')} are collinear in this data (a combination of them is ~0 in every row), so their effects cannot be told apart; drop one, use ridge or lasso, or add rows where they vary independently`;
}
