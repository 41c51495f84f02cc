// Error measures as the papers define them. Per layer: MAPE = mean |ŷ−y|/y and RMSPE =
// sqrt(mean ((ŷ−y)/y)²), in %. Per network: relative error of the summed prediction,
// |Σŷ − Σy| / Σy, averaged over networks; accuracy = 100 % − that. The log spread σ =
// sqrt(mean ln(y/ŷ)²) is reported (rows predicted ≤ 0 have no log and are counted apart); validated
// intervals are calibrated on the 90th percentile of held-out |ln(y/ŷ)| instead (engine.ts).

export interface LayerMetrics {
  n: number;
  mape: number;
  rmspe: number;
  sigmaLog: number;
  /** Rows whose prediction was ≤ 0 (counted in MAPE/RMSPE, not in sigmaLog). */
  nonPositive: number;
}

export function layerMetrics(measured: ArrayLike<number>, predicted: ArrayLike<number>): LayerMetrics {
  const n = measured.length;
  let abs = 0,
    sq = 0,
    logSq = 0,
    logN = 0,
    nonPositive = 0;
  for (let i = 0; i < n; i++) {
    const rel = (predicted[i] - measured[i]) / measured[i];
    abs += Math.abs(rel);
    sq += rel * rel;
    if (predicted[i] > 0) {
      logSq += Math.log(measured[i] / predicted[i]) ** 2;
      logN++;
    } else {
      nonPositive++;
    }
  }
  return {
    n,
    mape: n > 0 ? (100 * abs) / n : NaN,
    rmspe: n > 0 ? 100 * Math.sqrt(sq / n) : NaN,
    sigmaLog: logN > 0 ? Math.sqrt(logSq / logN) : NaN,
    nonPositive,
  };
}

export interface NetworkError {
  group: string;
  layers: number;
  measured: number;
  predicted: number;
  /** |Σŷ − Σy| / Σy in %. */
  errorPct: number;
}

export interface NetworkMetrics {
  networks: NetworkError[];
  /** Mean of the networks' errors, in %. */
  meanErrorPct: number;
  /** 100 % − meanErrorPct. */
  accuracyPct: number;
}

/** Whole-network errors over the rows given; null when no row has a group. */
export function networkMetrics(
  groups: ReadonlyArray<string | undefined>,
  measured: ArrayLike<number>,
  predicted: ArrayLike<number>,
): NetworkMetrics | null {
  const sums = new Map<string, NetworkError>();
  groups.forEach((g, i) => {
    if (g === undefined) return;
    const e = sums.get(g) ?? { group: g, layers: 0, measured: 0, predicted: 0, errorPct: 0 };
    e.layers++;
    e.measured += measured[i];
    e.predicted += predicted[i];
    sums.set(g, e);
  });
  if (sums.size === 0) return null;
  const networks = [...sums.values()].sort((a, b) => a.group.localeCompare(b.group));
  for (const e of networks) e.errorPct = (100 * Math.abs(e.predicted - e.measured)) / e.measured;
  const meanErrorPct = networks.reduce((s, e) => s + e.errorPct, 0) / networks.length;
  return { networks, meanErrorPct, accuracyPct: 100 - meanErrorPct };
}
