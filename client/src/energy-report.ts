// "Energy Lens: Show Energy Report": the open network's per-layer table (predicted energy, MACs,
// shapes) as a Markdown preview, from the server's `energyLens/report`.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ReportRequest, type EnergyReport } from '../../server/src/protocol';
import { formatCount, formatEnergy, formatPercent, formatShape } from '../../server/src/units';

export const SHOW_REPORT_COMMAND = 'energyLens.showReport';

export function registerEnergyReport(context: vscode.ExtensionContext, client: LanguageClient): void {
  context.subscriptions.push(vscode.commands.registerCommand(SHOW_REPORT_COMMAND, async (uri?: vscode.Uri) => {
    const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!document || document.languageId !== 'prototxt') {
      void vscode.window.showInformationMessage('Energy Lens: open a Caffe prototxt file to see its energy report.');
      return;
    }
    const report = await client.sendRequest(ReportRequest, { uri: document.uri.toString() });
    if (!report) {
      void vscode.window.showInformationMessage('Energy Lens: this file is not a network definition (a solver?), so there is no energy report.');
      return;
    }
    const markdown = await vscode.workspace.openTextDocument({ language: 'markdown', content: reportMarkdown(report) });
    await vscode.commands.executeCommand('markdown.showPreview', markdown.uri);
  }));
}

export function reportMarkdown(report: EnergyReport): string {
  const total = report.totals.energy;
  const lines = [
    `# Energy report: ${report.network || '(unnamed network)'}`,
    '',
    report.platform
      ? `Predicted by the **${report.platform.label}** model (${report.platform.calibration} calibration). `
        + (total ? `Total **${formatEnergy(total.predicted_mJ)}** per inference, 90 % interval ${formatEnergy(total.low_mJ)} – ${formatEnergy(total.high_mJ)}; `
          + `covers ${total.coveredTypes.join(', ')}${total.notModelledTypes.length ? `; not modelled: ${total.notModelledTypes.join(', ')}` : ''}.` : '')
      : 'No energy model for the chosen platform.',
    '',
    `MACs ${formatCount(report.totals.macs)} · parameters ${formatCount(report.totals.params, true)}`,
    '',
    '| Layer | Type | Output | MACs | Predicted energy | 90 % interval | Share |',
    '|---|---|---|---:|---:|---|---:|',
    ...report.layers.map((l) => `| ${l.name} | ${l.type} | ${l.outputShapes.map((s) => formatShape(s)).join(', ')} | ${l.macs === null ? '?' : formatCount(l.macs)} | `
      + (l.energy ? `${formatEnergy(l.energy.predicted_mJ)}${l.energy.extrapolated ? ' (extrapolated)' : ''} | ${formatEnergy(l.energy.low_mJ)} – ${formatEnergy(l.energy.high_mJ)} | ${formatPercent(l.energy.share)}` : `— | ${l.energyNote ?? ''} | `)
      + ' |'),
    '',
  ];
  return lines.join('\n');
}
