// The custom editor VS Code picks for `*.caffemodel`: it opens the model's prototxt view as a real
// (read-only) text editor in the same column, so hover, inlay hints, CodeLens and the outline work
// on it, then closes its own tab. The custom editor holds nothing itself.
import * as path from 'path';
import * as vscode from 'vscode';
import { CAFFEMODEL_VIEW_SCHEME, viewPathOf } from './view-names';

/** The view document of a model file (`energy-lens-caffemodel:/dir/x.caffemodel.prototxt`). */
export function viewUriOf(model: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: CAFFEMODEL_VIEW_SCHEME, path: viewPathOf(model.path) });
}

/** Opens the prototxt view of a model as a prototxt text editor. */
export async function openCaffemodelView(model: vscode.Uri, options: vscode.TextDocumentShowOptions = {}): Promise<vscode.TextEditor> {
  const opened = await vscode.workspace.openTextDocument(viewUriOf(model));
  const document = opened.languageId === 'prototxt' ? opened : await vscode.languages.setTextDocumentLanguage(opened, 'prototxt');
  return vscode.window.showTextDocument(document, options);
}

export class CaffemodelEditorProvider implements vscode.CustomReadonlyEditorProvider {
  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    const name = path.basename(document.uri.fsPath);
    panel.webview.options = { enableScripts: false };
    panel.webview.html = `<!DOCTYPE html><html><body><p>Opening ${escapeHtml(name)} as prototxt text…</p></body></html>`;
    if (document.uri.scheme !== 'file') {
      panel.webview.html = `<!DOCTYPE html><html><body><p>Energy Lens reads .caffemodel files from the local disk only; ${escapeHtml(document.uri.toString())} is not a local file.</p></body></html>`;
      return;
    }
    // After resolve returns, so VS Code has finished opening this tab before it is replaced.
    setTimeout(() => {
      openCaffemodelView(document.uri, { viewColumn: panel.viewColumn, preserveFocus: false }).then(
        () => panel.dispose(),
        (err: unknown) => {
          panel.webview.html = `<!DOCTYPE html><html><body><p>Could not open ${escapeHtml(name)}: ${escapeHtml(err instanceof Error ? err.message : String(err))}</p></body></html>`;
        },
      );
    }, 0);
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
