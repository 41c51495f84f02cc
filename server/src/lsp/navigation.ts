// Go to definition, references, rename and highlights for blob and layer names (net/navigation.ts
// knows where names are; this only converts to LSP shapes).
import {
  DocumentHighlightKind,
  ResponseError,
  ErrorCodes,
  type DocumentHighlight,
  type Location,
  type Position,
  type Range,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentAnalysis } from '../analysis/document-analysis';
import { toRange } from './ranges';

const VALID_NAME = /^[^"\\\n]+$/;

export function definitions(document: TextDocument, analysis: DocumentAnalysis, position: Position): Location[] {
  return analysis.navigation
    .definitionOf(document.offsetAt(position))
    .map((span) => ({ uri: document.uri, range: toRange(document, span) }));
}

export function references(document: TextDocument, analysis: DocumentAnalysis, position: Position): Location[] {
  return analysis.navigation
    .referencesOf(document.offsetAt(position))
    .map((span) => ({ uri: document.uri, range: toRange(document, span) }));
}

export function highlights(document: TextDocument, analysis: DocumentAnalysis, position: Position): DocumentHighlight[] {
  const offset = document.offsetAt(position);
  const definitionsAt = new Set(analysis.navigation.definitionOf(offset).map((s) => s.start));
  return analysis.navigation.referencesOf(offset).map((span) => ({
    range: toRange(document, span),
    kind: definitionsAt.has(span.start) ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
  }));
}

export function prepareRename(
  document: TextDocument,
  analysis: DocumentAnalysis,
  position: Position,
): { range: Range; placeholder: string } | null {
  const target = analysis.navigation.renameTarget(document.offsetAt(position));
  if (!target) return null;
  // Rename the name inside the quotes, so the user does not have to retype them.
  return { range: toRange(document, { start: target.span.start + 1, end: target.span.end - 1 }), placeholder: target.name };
}

export function rename(document: TextDocument, analysis: DocumentAnalysis, position: Position, newName: string): WorkspaceEdit | null {
  if (!VALID_NAME.test(newName)) {
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      `'${newName}' is not a valid blob or layer name (no quotes, backslashes or line breaks).`,
    );
  }
  const edits = analysis.navigation.renameEdits(document.offsetAt(position), newName);
  if (!edits) return null;
  return { changes: { [document.uri]: edits.map((e) => ({ range: toRange(document, e.span), newText: e.newText })) } };
}
