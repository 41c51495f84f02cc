// Overview-ruler marks on the five most energy-hungry layers, pushed by the server per document.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DEFAULT_SETTINGS, HotLayersNotification, type HotLayersParams } from '../../server/src/protocol';

export function registerHotLayerMarks(context: vscode.ExtensionContext, client: LanguageClient): void {
  const decoration = vscode.window.createTextEditorDecorationType({
    overviewRulerColor: new vscode.ThemeColor('editorWarning.foreground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
  context.subscriptions.push(decoration);
  const latest = new Map<string, HotLayersParams>();

  const apply = (editor: vscode.TextEditor): void => {
    const hot = latest.get(editor.document.uri.toString());
    const enabled = vscode.workspace
      .getConfiguration('energyLens', editor.document)
      .get<boolean>('overviewRulerMarks', DEFAULT_SETTINGS.overviewRulerMarks);
    const lines = enabled && hot && hot.version === editor.document.version ? hot.lines : [];
    editor.setDecorations(
      decoration,
      lines.filter((l) => l < editor.document.lineCount).map((l) => editor.document.lineAt(l).range),
    );
  };

  context.subscriptions.push(
    client.onNotification(HotLayersNotification, (params) => {
      latest.set(params.uri, params);
      vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === params.uri).forEach(apply);
    }),
    vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach(apply)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('energyLens.overviewRulerMarks')) vscode.window.visibleTextEditors.forEach(apply);
    }),
  );
}
