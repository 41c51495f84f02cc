// Quick fixes: each diagnostic carries its fixes (see diagnostics.ts); this turns them into edits.
import { CodeActionKind, type CodeAction, type Connection, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DiagnosticData } from './diagnostics';
import { toRange } from './ranges';

export function registerCodeActions(connection: Connection, documents: TextDocuments<TextDocument>): void {
  connection.onCodeAction((params) => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const actions: CodeAction[] = [];
    for (const diagnostic of params.context.diagnostics) {
      const data = diagnostic.data as DiagnosticData | undefined;
      if (!data?.fixes?.length || data.version !== document.version) continue;
      for (const fix of data.fixes) {
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: fix.preferred,
          edit: {
            changes: {
              [document.uri]: fix.edits.map((e) => ({ range: toRange(document, e.span), newText: e.newText })),
            },
          },
        });
      }
    }
    return actions;
  });
}
