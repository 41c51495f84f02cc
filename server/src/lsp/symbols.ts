// Document outline: layers (name, type as detail) with their parameter messages as children.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Field, MessageValue, Value } from '../text/ast';
import { toRange } from './ranges';

const LAYER_FIELDS = new Set(['layer', 'layers']);

export function documentSymbols(document: TextDocument, root: MessageValue): DocumentSymbol[] {
  return root.fields.flatMap((f) => fieldSymbol(document, f, true));
}

function fieldSymbol(document: TextDocument, field: Field, topLevel: boolean): DocumentSymbol[] {
  const value = field.value;
  if (!value) return [];
  if (value.kind === 'message') {
    const isLayer = topLevel && LAYER_FIELDS.has(field.name);
    const layerInfo = isLayer ? describeLayer(value) : undefined;
    return [{
      name: layerInfo?.name || field.name,
      detail: layerInfo ? layerInfo.type : undefined,
      kind: isLayer ? SymbolKind.Class : SymbolKind.Struct,
      range: toRange(document, field.span),
      selectionRange: toRange(document, layerInfo?.nameSpan ?? field.nameSpan),
      children: value.fields.flatMap((child) => fieldSymbol(document, child, false)),
    }];
  }
  if (!topLevel) return []; // scalars inside messages would drown the outline
  return [{
    name: field.name,
    detail: scalarText(value),
    kind: SymbolKind.Property,
    range: toRange(document, field.span),
    selectionRange: toRange(document, field.nameSpan),
  }];
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

function scalarText(value: Value): string {
  switch (value.kind) {
    case 'string': return value.value;
    case 'number': return value.raw;
    case 'identifier': return value.value;
    case 'list': return `[${value.items.map(scalarText).join(', ')}]`;
    case 'message': return '{…}';
  }
}
