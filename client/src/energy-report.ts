// "Energy Lens: Show Energy Report": the open network's per-layer table (predicted energy, MACs,
// shapes) as a Markdown preview, from the server's `energyLens/report`.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, type EnergyReport } from '../../server/src/protocol';
import { reportMarkdown } from './energy-report-markdown';

export const SHOW_REPORT_COMMAND = 'energyLens.showReport';

export function registerEnergyReport(context: vscode.ExtensionContext, client: LanguageClient): void {
  context.subscriptions.push(vscode.commands.registerCommand(SHOW_REPORT_COMMAND, async (uri?: vscode.Uri) => {
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
    const markdown = await vscode.workspace.openTextDocument({ language: 'markdown', content: reportMarkdown(report) });
    await vscode.commands.executeCommand('markdown.showPreview', markdown.uri);
  }));
}
