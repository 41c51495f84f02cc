// Sweeps often record one spatial size (wh_in, h_out, k) for square layers. The editor's layer features
// keep height and width apart, so a model fitted on such data is written in both: widthIn = heightIn,
// widthOut = heightOut, kernelW = kernelH, stated in a note rather than assumed silently.
import type { Dataset } from '../dataset';

const PAIRS: Array<[height: string, width: string]> = [
  ['heightIn', 'widthIn'],
  ['heightOut', 'widthOut'],
  ['kernelH', 'kernelW'],
];

export interface SquareCompletion {
  dataset: Dataset;
  /** e.g. "widthIn = heightIn (the data records one size: square layers assumed)". */
  notes: string[];
}

export function completeSquareLayers(dataset: Dataset): SquareCompletion {
  const added: Array<{ from: number; name: string }> = [];
  const notes: string[] = [];
  for (const [h, w] of PAIRS) {
    const from = dataset.features.indexOf(h);
    if (from >= 0 && !dataset.features.includes(w)) {
      added.push({ from, name: w });
      notes.push(`${w} = ${h} (the data records one size: square layers assumed)`);
    }
  }
  if (added.length === 0) return { dataset, notes };
  return {
    dataset: {
      ...dataset,
      features: [...dataset.features, ...added.map((a) => a.name)],
      rows: dataset.rows.map((r) => ({ ...r, values: [...r.values, ...added.map((a) => r.values[a.from])] })),
    },
    notes,
  };
}
