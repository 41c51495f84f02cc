// The energy report as Markdown (no `vscode` import, so tests render it): per-layer predicted and
// measured energy, per-type subtotals, and what the total leaves out. Names from the file are
// escaped: a crafted layer name shows as text in the preview.
import type { EnergyReport, ReportLayer } from '../../server/src/protocol';
import { formatCount, formatEnergy, formatPercent, formatShape, formatTotal } from '../../server/src/units';
import { escapeMarkdown as md } from '../../server/src/markdown-escape';

export function reportMarkdown(report: EnergyReport): string {
  const total = report.totals.energy;
  const source = report.measuredSource;
  const measuredColumn = report.layers.some((l) => l.measured);
  const lines = [
    `# Energy report: ${report.network ? md(report.network) : '(unnamed network)'}`,
    '',
    report.platform
      ? `Predicted by the **${md(report.platform.label)}** model (${md(report.platform.calibration)} calibration), gross energy per inference. ` +
        (total
          ? `Total **${formatTotal(total.predicted_mJ, total.lowerBound)}**, 90 % interval ${formatEnergy(total.low_mJ)} – ${formatEnergy(total.high_mJ)}${total.lowerBound ? ' (of the modelled layers)' : ''}; ` +
            `covers ${md(total.coveredTypes.join(', '), 2000)}${total.gaps.length ? `; ${md(total.gaps.join('; '), 2000)}` : ''}${total.extrapolated ? `; ${md(total.extrapolated, 400)}` : ''}${total.provisional ? `; ${md(total.provisional, 400)}` : ''}.`
          : '')
      : 'No energy model for the chosen platform.',
    '',
    measuredLine(report),
    `MACs ${formatCount(report.totals.macs)} · parameters ${formatCount(report.totals.params, true)}`,
    '',
    `| Layer | Type | Output | MACs | Predicted energy | 90 % interval | Share |${measuredColumn ? ' Measured |' : ''}`,
    `|---|---|---|---:|---:|---|---:|${measuredColumn ? '---:|' : ''}`,
    ...report.layers.map((l) => layerRow(l, measuredColumn)),
    '',
  ];
  if (report.totals.byType.length) {
    lines.push(
      '## By layer type',
      '',
      `| Sub-model | Predicted energy | Share |${measuredColumn ? ' Measured |' : ''}`,
      `|---|---:|---:|${measuredColumn ? '---:|' : ''}`,
      ...report.totals.byType.map(
        (t) =>
          `| ${md(t.type)} | ${formatEnergy(t.predicted_mJ)} | ${formatPercent(t.share)} |` +
          (measuredColumn ? ` ${t.measured_mJ === undefined ? '—' : formatEnergy(t.measured_mJ)} |` : ''),
      ),
      '',
    );
  }
  if (source && !source.stale && report.totals.measured_mJ !== undefined) {
    lines.push(`Measured total (sum of the measured layers): **${formatEnergy(report.totals.measured_mJ)}**.`, '');
  }
  return lines.join('\n');
}

function measuredLine(report: EnergyReport): string {
  const s = report.measuredSource;
  if (!s) return '';
  const where = `${md(s.target)}${s.emulated ? ' (emulated board)' : ''}, campaign of ${s.date.slice(0, 10)}`;
  if (s.stale) return `Measured values: the campaign on ${where} measured an older version of this file (stale), so none are shown.\n`;
  return `Measured values (gross energy per call, total rail): ${where}, ${s.measuredCount} of ${s.plannedCount} layers (${s.status}).\n`;
}

function layerRow(l: ReportLayer, measuredColumn: boolean): string {
  const predicted = l.energy
    ? `${formatEnergy(l.energy.predicted_mJ)} | ${formatEnergy(l.energy.low_mJ)} – ${formatEnergy(l.energy.high_mJ)}` +
      `${l.energy.extrapolated ? ' (extrapolated)' : ''}${l.provisional ? ' (provisional)' : ''} | ${formatPercent(l.energy.share)}`
    : `— | ${md(l.energyNote ?? '', 400)} | `;
  const measured = measuredColumn ? ` ${l.measured ? formatEnergy(l.measured.energy_mJ) : '—'} |` : '';
  return (
    `| ${md(l.name)} | ${md(l.type)} | ${l.outputShapes.map((s) => formatShape(s)).join(', ')} | ` +
    `${l.macs === null ? '?' : formatCount(l.macs)} | ${predicted} |${measured}`
  );
}
