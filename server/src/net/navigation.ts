// Go-to-definition, references and rename for blob and layer names. Works on the file as written (all
// phases, any format), because edits must reach every occurrence, not only those of the analysed phase.
// A blob's definitions are the `top`s that create it (not in-place reuses) and header `input`s.
import type { MessageValue, ParsedDocument, Span, StringValue } from '../text/ast';
import type { TextEdit } from '../problem';
import { stringValue, stringValues, subMessage } from './fields';

export interface NavSymbol {
  kind: 'blob' | 'layer';
  name: string;
  /** The string literal, quotes included. */
  span: Span;
  role: 'input' | 'bottom' | 'top' | 'name';
  /** Index of the layer block in the file; -1 for header inputs. */
  layer: number;
  /** A top that reuses one of its layer's bottoms (in-place), so a reference rather than a definition. */
  inPlace: boolean;
}

export class NavigationIndex {
  /** Every blob/layer-name literal, sorted by position. */
  readonly symbols: NavSymbol[];

  constructor(doc: ParsedDocument) {
    this.symbols = collectSymbols(doc.root);
  }

  /** The symbol whose literal contains `offset` (a cursor right after the closing quote counts). */
  symbolAt(offset: number): NavSymbol | undefined {
    const s = this.symbols;
    let lo = 0;
    let hi = s.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (offset < s[mid].span.start) hi = mid - 1;
      else if (offset > s[mid].span.end) lo = mid + 1;
      else return s[mid];
    }
    return undefined;
  }

  /**
   * Where the name at `offset` is defined. For a blob: the creating tops/inputs before the reference (all
   * of them when phases define it twice, e.g. TRAIN and TEST data layers), else any creating top.
   */
  definitionOf(offset: number): Span[] {
    const symbol = this.symbolAt(offset);
    if (!symbol) return [];
    if (symbol.kind === 'layer') return [symbol.span];
    const definitions = this.symbols.filter((s) => s.kind === 'blob' && s.name === symbol.name && isDefinition(s));
    if (isDefinition(symbol)) return [symbol.span];
    const before = definitions.filter((d) => d.span.start < symbol.span.start);
    return (before.length > 0 ? before : definitions).map((d) => d.span);
  }

  /** Every occurrence of the blob (tops, bottoms, inputs) or every layer name equal to the one at `offset`. */
  referencesOf(offset: number): Span[] {
    const symbol = this.symbolAt(offset);
    if (!symbol) return [];
    return this.symbols.filter((s) => s.kind === symbol.kind && s.name === symbol.name).map((s) => s.span);
  }

  /** Span and current name of what a rename at `offset` would change (for prepareRename). */
  renameTarget(offset: number): { span: Span; name: string } | undefined {
    const symbol = this.symbolAt(offset);
    return symbol ? { span: symbol.span, name: symbol.name } : undefined;
  }

  /**
   * A blob rename rewrites every top/bottom/input of that blob; a layer rename rewrites only that layer's
   * name (tops that happen to share it are blobs and stay). Undefined when nothing renameable is at
   * `offset` or the new name is empty.
   */
  renameEdits(offset: number, newName: string): TextEdit[] | undefined {
    const symbol = this.symbolAt(offset);
    if (!symbol || newName.length === 0) return undefined;
    const newText = quote(newName);
    if (symbol.kind === 'layer') return [{ span: symbol.span, newText }];
    return this.symbols.filter((s) => s.kind === 'blob' && s.name === symbol.name).map((s) => ({ span: s.span, newText }));
  }
}

function isDefinition(s: NavSymbol): boolean {
  return s.role === 'input' || (s.role === 'top' && !s.inPlace);
}

/** A prototxt string literal for `name`. */
function quote(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function collectSymbols(root: MessageValue): NavSymbol[] {
  const symbols: NavSymbol[] = [];
  const blob = (v: StringValue, role: NavSymbol['role'], layer: number, inPlace = false) =>
    symbols.push({ kind: 'blob', name: v.value, span: v.span, role, layer, inPlace });
  for (const v of stringValues(root, 'input')) blob(v, 'input', -1);
  let index = 0;
  for (const field of root.fields) {
    if ((field.name !== 'layer' && field.name !== 'layers') || field.value?.kind !== 'message') continue;
    const m = field.value;
    const v0 = subMessage(m, 'layer');
    const name = stringValue(v0 ?? m, 'name');
    if (name) symbols.push({ kind: 'layer', name: name.value, span: name.span, role: 'name', layer: index, inPlace: false });
    const bottoms = stringValues(m, 'bottom');
    const bottomNames = new Set(bottoms.map((b) => b.value));
    for (const b of bottoms) blob(b, 'bottom', index);
    for (const t of stringValues(m, 'top')) blob(t, 'top', index, bottomNames.has(t.value));
    index++;
  }
  return symbols.sort((a, b) => a.span.start - b.span.start);
}

export function buildNavigationIndex(doc: ParsedDocument): NavigationIndex {
  return new NavigationIndex(doc);
}

export function definitionOf(doc: ParsedDocument, offset: number): Span[] {
  return new NavigationIndex(doc).definitionOf(offset);
}

export function referencesOf(doc: ParsedDocument, offset: number): Span[] {
  return new NavigationIndex(doc).referencesOf(offset);
}

export function renameEdits(doc: ParsedDocument, offset: number, newName: string): TextEdit[] | undefined {
  return new NavigationIndex(doc).renameEdits(offset, newName);
}
