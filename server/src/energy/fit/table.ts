// The papers' comparison table: for each family and method, model complexity and held-out errors.
import type { FitReport } from './engine';

const pct = (x: number | undefined | null) => (x === undefined || x === null || Number.isNaN(x) ? '–' : `${x.toFixed(1)} %`);

export function comparisonTable(reports: FitReport[]): string {
  const withNetworks = reports.some((r) => r.cv?.network);
  const header = [
    'Family',
    'Features',
    'Method',
    'Complexity',
    'Held-out MAPE',
    'Held-out RMSPE',
    'σ (log)',
    ...(withNetworks ? ['Network accuracy'] : []),
  ];
  const rows = reports.map((r) => [
    r.spec.family + (r.spec.family === 'individual' ? ` (degree ${r.spec.degree})` : ''),
    featureText(r),
    r.label,
    String(r.complexity),
    pct(r.cv?.layers.mape),
    pct(r.cv?.layers.rmspe),
    r.cv ? r.cv.layers.sigmaLog.toFixed(2) : '–',
    ...(withNetworks ? [pct(r.cv?.network?.accuracyPct)] : []),
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i >= 3 ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

function featureText(r: FitReport): string {
  const own = Object.entries(r.spec.typeFeatures)
    .map(([type, list]) => `; ${type}: ${list.join(' + ')}`)
    .join('');
  return (r.spec.family === 'individual' ? r.spec.features.join(', ') : r.spec.features.join(' + ')) + own;
}
