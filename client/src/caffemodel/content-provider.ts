// Content of the `energy-lens-caffemodel:` view documents: the language server decodes the model
// (async, blobs skipped) into prototxt text. A read that takes more than a moment shows a
// cancellable progress notification; a model that cannot be read becomes an error message and
// a document explaining why, never an exception.
import * as path from 'path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CaffemodelTextRequest, type CaffemodelTextParams, type CaffemodelTextResult } from '../../../server/src/protocol';
import { errorViewText, modelPathOf } from './view-names';

/** How long a read may take before a progress notification appears. */
const PROGRESS_DELAY_MS = 400;

export class CaffemodelContentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly client: Pick<LanguageClient, 'sendRequest'>) {}

  /** Re-reads the view of `uri` (the model changed on disk). */
  refresh(uri: vscode.Uri): void {
    this.changed.fire(uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const model = modelPathOf(uri.fsPath);
    if (!model) return errorViewText(uri.fsPath, 'this is not the view of a .caffemodel file');
    const result = await this.read(model, token);
    if (result.text !== undefined) return result.text;
    const error = result.error ?? 'the language server returned nothing';
    if (!token.isCancellationRequested) void vscode.window.showErrorMessage(`Energy Lens: cannot show ${path.basename(model)}: ${error}`);
    return errorViewText(model, error);
  }

  private async read(model: string, token: vscode.CancellationToken): Promise<CaffemodelTextResult> {
    const cancel = new vscode.CancellationTokenSource();
    const subscription = token.onCancellationRequested(() => cancel.cancel());
    const params: CaffemodelTextParams = { path: model };
    const request = this.client.sendRequest(CaffemodelTextRequest, params, cancel.token);
    const progress = setTimeout(() => {
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Reading ${path.basename(model)}…`, cancellable: true },
        (_progress, userCancel) => {
          userCancel.onCancellationRequested(() => cancel.cancel());
          return request.catch(() => undefined);
        },
      );
    }, PROGRESS_DELAY_MS);
    try {
      return await request;
    } catch (err) {
      const name = path.basename(model);
      if (cancel.token.isCancellationRequested) return { error: `${name}: reading was cancelled` };
      return { error: `${name}: ${err instanceof Error ? err.message : String(err)}` };
    } finally {
      clearTimeout(progress);
      subscription.dispose();
      cancel.dispose();
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
