// Document outline: layers (name, type as detail) with their parameter messages as children.
// Built with an explicit stack (no recursion), so deeply nested text cannot overflow the server's stack;
// below MAX_OUTLINE_DEPTH levels nested messages are left out, since the outline is sent as JSON
// (JSON.stringify and VS Code's tree both recurse; 10,000 levels would overflow them).
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Field, MessageValue, Value } from '../text/ast';
import { toRange } from './ranges';

const LAYER_FIELDS = new Set(['layer', 'layers']);

/** Deepest nesting the outline shows (Caffe's own messages nest a few levels). */
export const MAX_OUTLINE_DEPTH = 64;

export function documentSymbols(document: TextDocument, root: MessageValue): DocumentSymbol[] {
  const top: DocumentSymbol[] = [];
  // Each entry: a message whose fields still have to be listed, where its symbols go, and its depth.
  const pending: Array<{ message: MessageValue; into: DocumentSymbol[]; depth: number }> = [{ message: root, into: top, depth: 0 }];
  while (pending.length > 0) {
    const { message, into, depth } = pending.pop()!;
    const topLevel = depth === 0;
    for (const field of message.fields) {
      const value = field.value;
      if (!value) continue;
      if (value.kind === 'message') {
        const symbol = messageSymbol(document, field, value, topLevel);
        into.push(symbol);
        if (depth + 1 < MAX_OUTLINE_DEPTH) pending.push({ message: value, into: symbol.children!, depth: depth + 1 });
      } else if (topLevel) {
        // scalars inside messages would drown the outline
        into.push({
          name: field.name,
          detail: scalarText(value),
          kind: SymbolKind.Property,
          range: toRange(document, field.span),
          selectionRange: toRange(document, field.nameSpan),
        });
      }
    }
  }
  return top;
}

function messageSymbol(document: TextDocument, field: Field, value: MessageValue, topLevel: boolean): DocumentSymbol {
  const isLayer = topLevel && LAYER_FIELDS.has(field.name);
  const layerInfo = isLayer ? describeLayer(value) : undefined;
  return {
    name: layerInfo?.name || field.name,
    detail: layerInfo ? layerInfo.type : undefined,
    kind: isLayer ? SymbolKind.Class : SymbolKind.Struct,
    range: toRange(document, field.span),
    selectionRange: toRange(document, layerInfo?.nameSpan ?? field.nameSpan),
    children: [],
  };
}

/** Name and type of a V2 `layer`, V1 `layers`, or V0 `layers { layer { ... } }` block. */
function describeLayer(block: MessageValue): { name: string; type: string; nameSpan?: Field['nameSpan'] } {
  const inner = block.fields.find((f) => f.name === 'layer' && f.value?.kind === 'message')?.value as MessageValue | undefined;
  const source = inner ?? block; // V0 keeps name/type in the nested `layer`
  const nameField = source.fields.find((f) => f.name === 'name');
  const typeField = source.fields.find((f) => f.name === 'type');
  return {
    name: nameField?.value ? scalarText(nameField.value) : '(unnamed layer)',
    type: typeField?.value ? scalarText(typeField.value) : '',
    nameSpan: nameField?.value?.span,
  };
}

/** A scalar as the outline shows it; lists are not nested (the parser keeps list items scalar or message). */
function scalarText(value: Value): string {
  switch (value.kind) {
    case 'string':
      return value.value;
    case 'number':
      return value.raw;
    case 'identifier':
      return value.value;
    case 'list':
      return `[${value.items.map((item) => (item.kind === 'list' ? '[…]' : scalarText(item))).join(', ')}]`;
    case 'message':
      return '{…}';
  }
}
