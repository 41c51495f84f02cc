// "Energy Lens: Show Energy Report": the open network's per-layer table (predicted and measured
// energy, MACs, shapes) and per-type subtotals, as a read-only virtual Markdown document with a stable
// name (`<file> · energy report.md`), shown in the Markdown preview and kept current as the network
// changes. Built from the server's `energyLens/report`.
import * as path from 'path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ReportRequest } from '../../server/src/protocol';
import { escapeMarkdown } from '../../server/src/markdown-escape';
import { reportMarkdown } from './energy-report-markdown';

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
      const report = await client.sendRequest(ReportRequest, { uri: document.uri.toString() });
      if (!report) {
        void vscode.window.showInformationMessage(
          'Energy Lens: this file is not a network definition (a solver?), so there is no energy report.',
        );
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
      const report = await this.client.sendRequest(ReportRequest, { uri: source });
      return report ? reportMarkdown(report) : `# Energy report\n\n${escapeMarkdown(source)} is not a network definition (a solver?).\n`;
    } catch (error) {
      return `# Energy report\n\nThe language server could not build the report: ${escapeMarkdown(error instanceof Error ? error.message : String(error), 400)}\n`;
    }
  }

  /** The network changed: re-render its open report once the server has had time to re-analyse. */
  sourceChanged(source: vscode.Uri): void {
    const uri = reportUri(source);
    const key = uri.toString();
    if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) return;
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.changed.fire(uri);
      }, REFRESH_MS),
    );
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.changed.dispose();
  }
}
