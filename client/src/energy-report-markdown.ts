// The energy report as Markdown (no `vscode` import, so tests render it). Names from the file are
// escaped: a crafted layer name shows as text in the preview.
import type { EnergyReport } from '../../server/src/protocol';
import { formatCount, formatEnergy, formatPercent, formatShape } from '../../server/src/units';
import { escapeMarkdown as md } from '../../server/src/markdown-escape';

export function reportMarkdown(report: EnergyReport): string {
  const total = report.totals.energy;
  const lines = [
    `# Energy report: ${report.network ? md(report.network) : '(unnamed network)'}`,
    '',
    report.platform
      ? `Predicted by the **${md(report.platform.label)}** model (${report.platform.calibration} calibration). `
        + (total ? `Total **${formatEnergy(total.predicted_mJ)}** per inference, 90 % interval ${formatEnergy(total.low_mJ)} – ${formatEnergy(total.high_mJ)}; `
          + `covers ${md(total.coveredTypes.join(', '), 2000)}${total.notModelledTypes.length ? `; not modelled: ${md(total.notModelledTypes.join(', '), 2000)}` : ''}.` : '')
      : 'No energy model for the chosen platform.',
    '',
    `MACs ${formatCount(report.totals.macs)} · parameters ${formatCount(report.totals.params, true)}`,
    '',
    '| Layer | Type | Output | MACs | Predicted energy | 90 % interval | Share |',
    '|---|---|---|---:|---:|---|---:|',
    ...report.layers.map((l) => `| ${md(l.name)} | ${md(l.type)} | ${l.outputShapes.map((s) => formatShape(s)).join(', ')} | ${l.macs === null ? '?' : formatCount(l.macs)} | `
      + (l.energy ? `${formatEnergy(l.energy.predicted_mJ)}${l.energy.extrapolated ? ' (extrapolated)' : ''} | ${formatEnergy(l.energy.low_mJ)} – ${formatEnergy(l.energy.high_mJ)} | ${formatPercent(l.energy.share)}` : `— | ${md(l.energyNote ?? '', 400)} | `)
      + ' |'),
    '',
  ];
  return lines.join('\n');
}
