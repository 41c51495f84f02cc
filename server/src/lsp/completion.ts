// Completion from the schema: field names valid in the message at the cursor, enum values, V2
// layer type names for `type:`, and for `bottom:` the blobs produced above the cursor.
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentAnalysis } from '../analysis/document-analysis';
import { caffeSchema, type FieldInfo } from '../caffe/schema';
import { messageTypeAt } from '../caffe/validate';
import { completionContext } from './completion-context';

export function completionItems(document: TextDocument, analysis: DocumentAnalysis, position: Position): CompletionItem[] {
  const offset = document.offsetAt(position);
  const linePrefix = document.getText({ start: { line: position.line, character: 0 }, end: position });
  if (linePrefix.includes('#')) return []; // inside a comment
  const at = messageTypeAt(analysis.parsed, offset, analysis.kind);
  if (!at) return [];
  const schema = caffeSchema();

  const context = completionContext(linePrefix);
  if (!context) return [];
  if (context.kind === 'value') {
    const field = schema.fieldOf(at.typeName, context.field);
    return field ? valueItems(field, analysis, offset, context.quoted) : [];
  }
  const present = new Set(at.message.fields.map((f) => f.name));
  return schema
    .fieldsOf(at.typeName)
    .filter((f) => f.repeated || !present.has(f.name))
    .map((f) => fieldItem(f));
}

function fieldItem(f: FieldInfo): CompletionItem {
  const isMessage = f.kind === 'message';
  return {
    label: f.name,
    kind: isMessage ? CompletionItemKind.Module : f.kind === 'enum' ? CompletionItemKind.Enum : CompletionItemKind.Field,
    detail: `${f.repeated ? 'repeated ' : ''}${f.type}${f.fork ? ' (fork extension)' : ''}`,
    documentation: f.doc ? { kind: MarkupKind.Markdown, value: f.doc } : undefined,
    insertText: isMessage ? `${f.name} {\n\t$0\n}` : `${f.name}: `,
    insertTextFormat: isMessage ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    command: isMessage ? undefined : { title: 'Suggest values', command: 'editor.action.triggerSuggest' },
    sortText: `${f.fork ? '1' : '0'}${f.name}`,
  };
}

function valueItems(field: FieldInfo, analysis: DocumentAnalysis, offset: number, quoted: boolean): CompletionItem[] {
  const schema = caffeSchema();
  if (field.parent === 'LayerParameter' && field.name === 'type') {
    return schema.v2LayerTypes().map((name) => ({
      label: name,
      kind: CompletionItemKind.Class,
      detail: schema.layerType(name)?.fork ? 'layer type (fork)' : 'layer type',
      documentation: schema.layerType(name)?.doc,
      insertText: quoted ? name : `"${name}"`,
    }));
  }
  if (field.name === 'bottom' && analysis.net) {
    const produced = new Set<string>();
    for (const input of analysis.net.inputs) produced.add(input.name);
    for (const layer of analysis.net.layers) {
      if (layer.isSplit || !layer.span || layer.span.end >= offset) continue; // its own tops come after the cursor
      layer.tops.forEach((t) => produced.add(t));
    }
    return [...produced].map((blob, i) => ({
      label: blob,
      kind: CompletionItemKind.Variable,
      detail: 'blob produced above',
      insertText: quoted ? blob : `"${blob}"`,
      sortText: String(100000 - i).padStart(6, '0'), // most recent blob first
    }));
  }
  if (field.kind === 'enum') {
    return (field.enumValues ?? []).map((v) => ({ label: v.name, kind: CompletionItemKind.EnumMember, documentation: v.doc }));
  }
  if (field.scalarType === 'bool') {
    return ['true', 'false'].map((label) => ({ label, kind: CompletionItemKind.Keyword }));
  }
  return [];
}
