// The seed paper's network-level accuracy: for each held-out network, the predicted whole-net energy
// (every layer: the modelled ones predicted out of sample, the unmodelled ones counted as nothing
// and named) against the measured whole net; accuracy = 100 % − |predicted − measured| / measured,
// averaged over networks. Not the sum over modelled rows only, which flatters a model that leaves
// layer types out.
import type { Dataset } from './dataset';

export interface NetworkTotal {
  /** The rows' group (the network). */
  network: string;
  /** This campaign's rows only, as dataset indexes [from, to), when several campaigns measured the network (boards, modes). */
  rows?: [number, number];
  /** The board (target) and power mode, for the table when several measured the same network. */
  target?: string;
  mode?: number | null;
  /** Measured energy of one forward of the whole net (mJ, real-board units). */
  measured_mJ: number;
  /** `whole-net record`, `sum of measured layers`, or what else it is. */
  measuredFrom: string;
}

export interface NetworkAccuracyRow {
  network: string;
  target?: string;
  mode?: number | null;
  measured_mJ: number;
  measuredFrom: string;
  predicted_mJ: number;
  errorPct: number;
  accuracyPct: number;
  /** Layer types with rows in this network that the model did not predict (counted as 0). */
  unmodelledTypes: string[];
  /** Their measured energy (mJ). */
  unmodelled_mJ: number;
}

export interface NetworkAccuracy {
  networks: NetworkAccuracyRow[];
  meanAccuracyPct: number;
}

/** `predictions` are out-of-sample per dataset row (NaN where the model has none), as a leave-one-network-out CV gives them. */
export function networkAccuracy(
  dataset: Dataset,
  predictions: ArrayLike<number>,
  totals: readonly NetworkTotal[],
): NetworkAccuracy | undefined {
  const networks: NetworkAccuracyRow[] = [];
  for (const t of totals) {
    if (!(t.measured_mJ > 0)) continue;
    let predicted = 0;
    let unmodelled = 0;
    const types = new Set<string>();
    dataset.rows.forEach((r, i) => {
      if (r.group !== t.network || (t.rows && (i < t.rows[0] || i >= t.rows[1]))) return;
      const p = predictions[i];
      if (Number.isFinite(p)) predicted += p;
      else {
        types.add(r.type);
        unmodelled += r.target;
      }
    });
    const errorPct = (100 * Math.abs(predicted - t.measured_mJ)) / t.measured_mJ;
    networks.push({
      network: t.network,
      ...(t.target !== undefined ? { target: t.target } : {}),
      ...(t.mode !== undefined ? { mode: t.mode } : {}),
      measured_mJ: t.measured_mJ,
      measuredFrom: t.measuredFrom,
      predicted_mJ: predicted,
      errorPct,
      accuracyPct: 100 - errorPct,
      unmodelledTypes: [...types].sort(),
      unmodelled_mJ: unmodelled,
    });
  }
  if (networks.length === 0) return undefined;
  networks.sort((a, b) => a.network.localeCompare(b.network) || (a.target ?? '').localeCompare(b.target ?? ''));
  return { networks, meanAccuracyPct: networks.reduce((s, n) => s + n.accuracyPct, 0) / networks.length };
}

/** The per-network table as text: network, measured, predicted, accuracy, then the mean. */
export function networkAccuracyTable(a: NetworkAccuracy, formatEnergy: (mJ: number) => string): string {
  const boards = new Set(a.networks.map((n) => `${n.target}\u0000${n.mode}`)).size > 1;
  const name = (n: NetworkAccuracyRow): string =>
    boards ? `${n.network} on ${n.target}${n.mode !== undefined && n.mode !== null ? ` mode ${n.mode}` : ''}` : n.network;
  const rows = a.networks.map((n) => [
    name(n),
    formatEnergy(n.measured_mJ),
    formatEnergy(n.predicted_mJ),
    `${n.accuracyPct.toFixed(1)} %`,
    n.unmodelledTypes.length ? `${n.unmodelledTypes.join(', ')} not modelled (${formatEnergy(n.unmodelled_mJ)} measured)` : '',
    n.measuredFrom,
  ]);
  const head = ['network', 'measured', 'predicted', 'accuracy', 'left out of the prediction', 'measured is'];
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, j) => (j === 1 || j === 2 || j === 3 ? c.padStart(widths[j]) : c.padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  return [
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    `mean network accuracy over ${a.networks.length} held-out ${boards ? 'network-board pairs' : 'networks'}: ${a.meanAccuracyPct.toFixed(1)} %`,
  ].join('\n');
}
