// Where the board's Caffe could not parse a network (libprotobuf's LINE:COL, kept by the agent), as a
// diagnostic at that place in the file: the editor's own parser may accept what the board's Caffe refuses.
import * as vscode from 'vscode';
import type { CampaignOutcome } from './campaign-runner';

export class BoardDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('energy-lens-board');
  private readonly onEdit = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.contentChanges.length > 0) this.collection.delete(e.document.uri); // the text it refers to is gone
  });

  /** Shows the parse error of a failed campaign on its network file; clears it when the file was built. */
  show(outcome: CampaignOutcome): void {
    const file = outcome.plan?.networkFile;
    if (!file) return;
    const uri = vscode.Uri.file(file);
    const at = outcome.error?.location;
    if (!at) {
      if (outcome.status === 'complete' || outcome.measured > 0) this.collection.delete(uri);
      return;
    }
    const pos = new vscode.Position(at.line - 1, at.column - 1);
    const d = new vscode.Diagnostic(
      new vscode.Range(pos, pos.translate(0, 1)),
      `Caffe on the board cannot parse this network: ${at.message}`,
      vscode.DiagnosticSeverity.Error,
    );
    d.source = 'Energy Lens (board)';
    this.collection.set(uri, [d]);
  }

  dispose(): void {
    this.onEdit.dispose();
    this.collection.dispose();
  }
}
