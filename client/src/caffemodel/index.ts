// `.caffemodel` support in the extension host: the read-only prototxt view (content provider +
// custom editor), re-reading when a model changes on disk, and pairing prototxts with weights.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { WeightsChangedNotification, type WeightsChangedParams } from '../../../server/src/protocol';
import { CaffemodelContentProvider } from './content-provider';
import { CaffemodelEditorProvider, viewUriOf } from './editor-provider';
import { registerWeightsPairing } from './pairing';
import { CAFFEMODEL_EDITOR_VIEW_TYPE, CAFFEMODEL_VIEW_SCHEME } from './view-names';

export { openCaffemodelView, viewUriOf } from './editor-provider';
export { CAFFEMODEL_EDITOR_VIEW_TYPE, CAFFEMODEL_VIEW_SCHEME } from './view-names';
export { PAIR_WEIGHTS_COMMAND } from './pairing';

export function registerCaffemodelSupport(context: vscode.ExtensionContext, client: LanguageClient): void {
  const content = new CaffemodelContentProvider(client);
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.caffemodel');
  const changed = (model: vscode.Uri): void => {
    const params: WeightsChangedParams = { path: model.fsPath };
    void client.sendNotification(WeightsChangedNotification, params).catch(() => undefined);
    const view = viewUriOf(model).toString();
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === view)) content.refresh(viewUriOf(model));
  };
  context.subscriptions.push(
    content,
    vscode.workspace.registerTextDocumentContentProvider(CAFFEMODEL_VIEW_SCHEME, content),
    vscode.window.registerCustomEditorProvider(CAFFEMODEL_EDITOR_VIEW_TYPE, new CaffemodelEditorProvider(), {
      supportsMultipleEditorsPerDocument: true,
    }),
    watcher,
    watcher.onDidChange(changed),
    watcher.onDidCreate(changed),
    watcher.onDidDelete(changed),
  );
  registerWeightsPairing(context, client);
}
