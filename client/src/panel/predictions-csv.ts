// The "Export predictions (CSV)" text: one line per dataset row with its features, the measured
// energy, the held-out prediction (when the fit was validated) and the in-sample fitted value.
import type { Dataset } from '../../../server/src/energy/fit/dataset';
import type { FitReport } from '../../../server/src/energy/fit/engine';
import { rowLabel } from './row-labels';
import { csvTextCell as csvField } from '../../../server/src/csv-escape';

export { csvField };

const num = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(8))) : '');

export function predictionsCsv(dataset: Dataset, report: FitReport, fitted: Float64Array, rowLabels?: readonly string[]): string {
  const held = report.cv?.predictions;
  const header = [
    'layer',
    'network',
    'type',
    ...dataset.features,
    `measured_${dataset.target}`,
    ...(held ? ['predicted_held_out'] : []),
    'fitted_in_sample',
    'error_pct',
    'source',
  ];
  const lines = [
    `# Energy Lens refit: ${report.spec.family} ${report.label}; validation: ${report.cv?.scheme ?? 'none (in-sample)'}; error_pct uses the ${held ? 'held-out' : 'in-sample'} prediction`,
    header.map(csvField).join(','),
  ];
  dataset.rows.forEach((row, i) => {
    const predicted = held ? held[i] : fitted[i];
    const error = Number.isFinite(predicted) ? (100 * (predicted - row.target)) / row.target : NaN;
    lines.push(
      [
        csvField(rowLabel(dataset, i, rowLabels)),
        csvField(row.group ?? ''),
        csvField(row.type),
        ...row.values.map(num),
        num(row.target),
        ...(held ? [num(held[i])] : []),
        num(fitted[i]),
        num(error),
        csvField(row.source ? `${row.source.file}:${row.source.line}` : ''),
      ].join(','),
    );
  });
  return `${lines.join('\n')}\n`;
}
