// Whole-document formatting through the shared printer; no edit when already canonical or broken.
import type { TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ParsedDocument } from '../text/ast';
import { formatDocument } from '../text/printer';

export function formattingEdits(document: TextDocument, parsed: ParsedDocument): TextEdit[] {
  const text = document.getText();
  const formatted = formatDocument(text, parsed);
  if (formatted === text) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: document.positionAt(text.length) }, newText: formatted }];
}
