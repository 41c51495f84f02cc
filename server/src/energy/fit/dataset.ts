// Training data for the fitting engine: one row per measured layer, feature values aligned with
// `features`, the measured energy (mJ) as target, the layer type and optionally the network
// (group) it belongs to, and where the row came from so messages can point at a file line.
import type { LayerFeatures } from '../../net/types';

export interface DataRow {
  /** Aligned with Dataset.features. */
  values: number[];
  /** Measured energy in mJ. */
  target: number;
  /** Canonical layer type (Convolution, Pooling, ...): one sub-model is fitted per type. */
  type: string;
  /** Network (or any group) the row belongs to, for leave-one-network-out validation. */
  group?: string;
  source?: { file: string; line: number };
}

export interface Dataset {
  /** Base feature names (layer feature names once imported, e.g. macs, channelsIn). */
  features: string[];
  target: string;
  rows: DataRow[];
}

export class FitError extends Error {
  override name = 'FitError';
}

export function describeRow(row: DataRow, index: number): string {
  return row.source ? `${row.source.file}:${row.source.line}` : `row ${index + 1}`;
}

/** Rows from analysed layers and their measured energies (a measurement campaign, a paper's figures). */
export function datasetFromLayers(
  features: string[],
  measured: Array<{ features: LayerFeatures; type: string; energy_mJ: number; group?: string; source?: DataRow['source'] }>,
): Dataset {
  const rows: DataRow[] = measured.map((m, i) => {
    const values = features.map((name) => {
      const v = (m.features as Record<string, number | undefined>)[name];
      if (v === undefined || !Number.isFinite(v)) {
        throw new FitError(
          `${m.source ? `${m.source.file}:${m.source.line}` : `layer ${i + 1}`}: feature '${name}' is unknown for this ${m.type} layer`,
        );
      }
      return v;
    });
    return { values, target: m.energy_mJ, type: m.type, group: m.group, source: m.source };
  });
  return { features, target: 'energy_mJ', rows };
}
