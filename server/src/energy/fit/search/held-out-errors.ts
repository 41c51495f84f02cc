// What a search reports of a model's out-of-fold predictions: per-layer MAPE, median and 90th
// percentile of |ŷ−y|/y (in %), and a calibrated 90 % interval: the half-width (in log space) that
// covers 90 % of held-out layers, with its coverage measured honestly by cross-fitting (each fold's
// rows are judged by the width calibrated on the other folds' rows).
import { Z_90 } from '../../predict';

export interface HeldOutErrors {
  /** Rows with an out-of-fold prediction. */
  n: number;
  mape: number;
  medianApe: number;
  p90Ape: number;
  rmspe: number;
  /** Rows predicted ≤ 0 mJ (they have no log ratio and count as outside every interval). */
  nonPositive: number;
  /** σ such that predicted × exp(±1.645 σ) covers 90 % of the held-out rows. */
  sigmaLog: number;
  /** Fraction (0..1) of held-out rows inside an interval calibrated without their fold. */
  coverage90: number;
  /** Rows the coverage was judged on (a fold with no other fold to calibrate on is not judged). */
  judged: number;
}

export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos),
    hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function heldOutErrors(
  measured: ArrayLike<number>,
  predicted: ArrayLike<number>,
  foldOf: ArrayLike<number>,
  folds: number,
): HeldOutErrors {
  const ape: number[] = [];
  const logAbs = new Float64Array(measured.length).fill(NaN);
  let sq = 0,
    nonPositive = 0;
  for (let i = 0; i < measured.length; i++) {
    const p = predicted[i];
    if (Number.isNaN(p)) continue;
    const rel = (p - measured[i]) / measured[i];
    ape.push(Math.abs(rel));
    sq += rel * rel;
    if (p > 0) logAbs[i] = Math.abs(Math.log(measured[i] / p));
    else {
      logAbs[i] = Infinity;
      nonPositive++;
    }
  }
  const sortedApe = Float64Array.from(ape).sort();
  const all = Float64Array.from(logAbs.filter((x) => !Number.isNaN(x))).sort();
  // One held-out fold (a holdout split): its rows are judged in two halves, each by the other's width.
  const { judgeFold, judgeFolds } = judgingFolds(logAbs, foldOf, folds);
  const { covered, judged } = crossFittedCoverage(logAbs, judgeFold, judgeFolds, (f) => {
    const others = Float64Array.from(logAbs.filter((x, i) => !Number.isNaN(x) && judgeFold[i] !== f)).sort();
    return others.length === 0 ? undefined : quantile(others, 0.9);
  });
  const n = ape.length;
  return {
    n,
    mape: n > 0 ? (100 * ape.reduce((s, x) => s + x, 0)) / n : NaN,
    medianApe: 100 * quantile(sortedApe, 0.5),
    p90Ape: 100 * quantile(sortedApe, 0.9),
    rmspe: n > 0 ? 100 * Math.sqrt(sq / n) : NaN,
    nonPositive,
    sigmaLog: quantile(all, 0.9) / Z_90,
    coverage90: judged > 0 ? covered / judged : NaN,
    judged,
  };
}

/**
 * The folds rows are judged in: the validation folds, or for a single held-out fold (a holdout split)
 * its rows split alternately in two halves, so no row is judged by a width its own error shaped.
 */
export function judgingFolds(
  logAbs: ArrayLike<number>,
  foldOf: ArrayLike<number>,
  folds: number,
): { judgeFold: ArrayLike<number>; judgeFolds: number } {
  if (folds >= 2) return { judgeFold: foldOf, judgeFolds: folds };
  let k = 0;
  return { judgeFold: Int32Array.from(logAbs, (x) => (Number.isNaN(x) ? -1 : k++ % 2)), judgeFolds: 2 };
}

/**
 * Cross-fitted coverage of a 90 % interval: each fold's rows (|ln(y/ŷ)| in `logAbs`, NaN where not
 * predicted, Infinity where ŷ ≤ 0) are judged by the half-width `widthOf(f)` calibrated without that
 * fold (undefined: the fold is not judged). Shared by the search and the plain fit's report.
 */
export function crossFittedCoverage(
  logAbs: ArrayLike<number>,
  judgeFold: ArrayLike<number>,
  folds: number,
  widthOf: (f: number) => number | undefined,
): { covered: number; judged: number } {
  let covered = 0,
    judged = 0;
  for (let f = 0; f < folds; f++) {
    const width = widthOf(f);
    if (width === undefined) continue;
    for (let i = 0; i < logAbs.length; i++) {
      if (judgeFold[i] !== f || Number.isNaN(logAbs[i])) continue;
      judged++;
      if (logAbs[i] <= width) covered++;
    }
  }
  return { covered, judged };
}

/** Cheap score for screening candidates: MAPE (%) of the out-of-fold predictions. */
export function mapeOf(measured: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let s = 0,
    n = 0;
  for (let i = 0; i < measured.length; i++) {
    if (Number.isNaN(predicted[i])) continue;
    s += Math.abs(predicted[i] - measured[i]) / measured[i];
    n++;
  }
  return n > 0 ? (100 * s) / n : NaN;
}
