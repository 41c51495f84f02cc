// "Energy Lens: Show Energy Report": the open network's per-layer table (predicted and measured
// energy, MACs, shapes) and per-type subtotals, as a read-only virtual Markdown document with a stable
// name (`<file> · energy report.md`), shown in the Markdown preview and kept current as the network
// changes. Built from the server's `energyLens/report`.
import * as path from 'path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, type EnergyReport, type ReportLayer } from '../../server/src/protocol';
import { formatCount, formatEnergy, formatPercent, formatShape, formatTotal } from '../../server/src/units';

export const SHOW_REPORT_COMMAND = 'energyLens.showReport';
export const REPORT_SCHEME = 'energy-lens-report';
/** Re-render an open report at most this often while its network is edited. */
const REFRESH_MS = 500;

export function registerEnergyReport(context: vscode.ExtensionContext, client: LanguageClient): void {
  const provider = new ReportProvider(client);
  context.subscriptions.push(
    provider,
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, provider),
    vscode.workspace.onDidChangeTextDocument((e) => provider.sourceChanged(e.document.uri)),
    vscode.commands.registerCommand(SHOW_REPORT_COMMAND, async (uri?: vscode.Uri) => {
      const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
      if (!document || document.languageId !== 'prototxt') {
        void vscode.window.showInformationMessage('Energy Lens: open a Caffe prototxt file to see its energy report.');
        return;
      }
      const report = await client.sendRequest<EnergyReport | null>(Requests.report, { uri: document.uri.toString() });
      if (!report) {
        void vscode.window.showInformationMessage('Energy Lens: this file is not a network definition (a solver?), so there is no energy report.');
        return;
      }
      await vscode.commands.executeCommand('markdown.showPreview', reportUri(document.uri));
    }),
  );
}

/** `energy-lens-report:/squeezenet.prototxt · energy report.md?<source uri>`: one stable name per network file. */
export function reportUri(source: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${path.basename(source.path)} · energy report.md`, query: source.toString() });
}

class ReportProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly client: LanguageClient) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const source = uri.query;
    try {
      const report = await this.client.sendRequest<EnergyReport | null>(Requests.report, { uri: source });
      return report ? reportMarkdown(report) : `# Energy report\n\n${escapeCell(source)} is not a network definition (a solver?).\n`;
    } catch (error) {
      return `# Energy report\n\nThe language server could not build the report: ${escapeCell(error instanceof Error ? error.message : String(error))}\n`;
    }
  }

  /** The network changed: re-render its open report once the server has had time to re-analyse. */
  sourceChanged(source: vscode.Uri): void {
    const uri = reportUri(source);
    const key = uri.toString();
    if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) return;
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => { this.timers.delete(key); this.changed.fire(uri); }, REFRESH_MS));
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.changed.dispose();
  }
}

export function reportMarkdown(report: EnergyReport): string {
  const total = report.totals.energy;
  const source = report.measuredSource;
  const measuredColumn = report.layers.some((l) => l.measured);
  const lines = [
    `# Energy report: ${escapeCell(report.network || '(unnamed network)')}`,
    '',
    report.platform
      ? `Predicted by the **${escapeCell(report.platform.label)}** model (${escapeCell(report.platform.calibration)} calibration), gross energy per inference. `
        + (total ? `Total **${formatTotal(total.predicted_mJ, total.lowerBound)}**, 90 % interval ${formatEnergy(total.low_mJ)} – ${formatEnergy(total.high_mJ)}${total.lowerBound ? ' (of the modelled layers)' : ''}; `
          + `covers ${total.coveredTypes.join(', ')}${total.gaps.length ? `; ${total.gaps.join('; ')}` : ''}${total.provisional ? `; ${total.provisional}` : ''}.` : '')
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
    lines.push('## By layer type', '',
      `| Sub-model | Predicted energy | Share |${measuredColumn ? ' Measured |' : ''}`,
      `|---|---:|---:|${measuredColumn ? '---:|' : ''}`,
      ...report.totals.byType.map((t) => `| ${escapeCell(t.type)} | ${formatEnergy(t.predicted_mJ)} | ${formatPercent(t.share)} |`
        + (measuredColumn ? ` ${t.measured_mJ === undefined ? '—' : formatEnergy(t.measured_mJ)} |` : '')),
      '');
  }
  if (source && !source.stale && report.totals.measured_mJ !== undefined) {
    lines.push(`Measured total (sum of the measured layers): **${formatEnergy(report.totals.measured_mJ)}**.`, '');
  }
  return lines.join('\n');
}

function measuredLine(report: EnergyReport): string {
  const s = report.measuredSource;
  if (!s) return '';
  const where = `${escapeCell(s.target)}${s.emulated ? ' (emulated board)' : ''}, campaign of ${s.date.slice(0, 10)}`;
  if (s.stale) return `Measured values: the campaign on ${where} measured an older version of this file (stale), so none are shown.\n`;
  return `Measured values (gross energy per call, total rail): ${where}, ${s.measuredCount} of ${s.plannedCount} layers (${s.status}).\n`;
}

function layerRow(l: ReportLayer, measuredColumn: boolean): string {
  const predicted = l.energy
    ? `${formatEnergy(l.energy.predicted_mJ)} | ${formatEnergy(l.energy.low_mJ)} – ${formatEnergy(l.energy.high_mJ)}`
      + `${l.energy.extrapolated ? ' (extrapolated)' : ''}${l.provisional ? ' (provisional)' : ''} | ${formatPercent(l.energy.share)}`
    : `— | ${escapeCell(l.energyNote ?? '')} | `;
  const measured = measuredColumn ? ` ${l.measured ? formatEnergy(l.measured.energy_mJ) : '—'} |` : '';
  return `| ${escapeCell(l.name)} | ${escapeCell(l.type)} | ${l.outputShapes.map((s) => formatShape(s)).join(', ')} | `
    + `${l.macs === null ? '?' : formatCount(l.macs)} | ${predicted} |${measured}`;
}

/**
 * Text from the file (names, notes) shown as text in a table cell: no links, images, HTML or code
 * spans, no cell breaks. Intraword `_` is left alone (it cannot start emphasis there), so names stay readable.
 */
function escapeCell(text: string): string {
  return text.replace(/[\\`*[\]<>|!~&]/g, '\\$&').replace(/[\r\n]+/g, ' ');
}
