// One typo should not blank the file. Where a schema problem has exactly one "did you mean" fix (an
// unknown field name, an unknown layer type, a quoted number), the network is analysed as if that fix
// were applied, and every number that depends on it is marked provisional. The document itself is
// never changed: a copy-on-write view of the object tree renames the fields and replaces the values,
// keeping every span, so diagnostics, hovers and edits still point at the text as written.
import type { Field, MessageValue, ParsedDocument, ScalarValue, Span, Value } from '../text/ast';
import type { NetAnalysis } from '../net/types';
import type { Problem } from '../problem';

/** Problem codes whose single fix is safe to assume for analysis. */
const ASSUMABLE = new Set(['unknown-field', 'unknown-layer-type', 'wrong-value-type']);
/** Caffe nets nest a handful of levels deep; deeper text is left as written (no deep recursion). */
const MAX_DEPTH = 64;

export interface AssumedFix {
  /** The span the fix replaces (a field name or a value). */
  span: Span;
  /** The text as written and the text assumed. */
  written: string;
  assumed: string;
}

export interface Assumptions {
  fixes: AssumedFix[];
  /** Index of each analysed layer whose numbers depend on an assumed fix → the fixes it depends on. */
  layers: Map<number, AssumedFix[]>;
}

export const NO_ASSUMPTIONS: Assumptions = { fixes: [], layers: new Map() };

/** The fixes that can be assumed: a problem with exactly one fix that replaces exactly one span. */
export function assumableFixes(problems: readonly Problem[], text: string): AssumedFix[] {
  const fixes: AssumedFix[] = [];
  for (const p of problems) {
    if (!ASSUMABLE.has(p.code) || p.fixes?.length !== 1 || p.fixes[0].edits.length !== 1) continue;
    const edit = p.fixes[0].edits[0];
    fixes.push({ span: edit.span, written: text.slice(edit.span.start, edit.span.end), assumed: edit.newText });
  }
  return fixes.sort((a, b) => a.span.start - b.span.start);
}

/** The document as the network analysis should read it: same spans, comments and errors. */
export function withFixesApplied(doc: ParsedDocument, fixes: readonly AssumedFix[]): ParsedDocument {
  if (fixes.length === 0) return doc;
  let root = doc.root;
  for (const fix of fixes) root = patchMessage(root, fix, 0) ?? root;
  return { root, comments: doc.comments, errors: doc.errors, table: doc.table };
}

/** The message with `fix` applied somewhere inside it (a copy of the path to it), or undefined. */
function patchMessage(message: MessageValue, fix: AssumedFix, depth: number): MessageValue | undefined {
  if (depth > MAX_DEPTH) return undefined;
  for (let i = 0; i < message.fields.length; i++) {
    const field = message.fields[i];
    if (!within(field.span, fix.span)) continue;
    const patched = patchField(field, fix, depth);
    if (!patched) return undefined;
    const fields = message.fields.slice();
    fields[i] = patched;
    return { ...message, fields };
  }
  return undefined;
}

function patchField(field: Field, fix: AssumedFix, depth: number): Field | undefined {
  if (same(field.nameSpan, fix.span)) return { ...field, name: fix.assumed };
  const value = field.value && patchValue(field.value, fix, depth);
  return value ? { ...field, value } : undefined;
}

function patchValue(value: Value, fix: AssumedFix, depth: number): Value | undefined {
  if (value.kind === 'message') return patchMessage(value, fix, depth + 1);
  if (value.kind === 'list') {
    const i = value.items.findIndex((item) => within(item.span, fix.span));
    const item = i >= 0 ? patchValue(value.items[i], fix, depth + 1) : undefined;
    if (!item) return undefined;
    const items = value.items.slice();
    items[i] = item;
    return { ...value, items };
  }
  return same(value.span, fix.span) ? scalarFromText(fix.assumed, value.span) : undefined;
}

/** The value a fix's replacement text stands for: a string literal, a number or an identifier. */
function scalarFromText(text: string, span: Span): ScalarValue | undefined {
  if (text.startsWith('"')) {
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === 'string' ? { kind: 'string', value, span } : undefined;
    } catch {
      return undefined;
    }
  }
  const n = Number(text);
  if (text.trim() !== '' && Number.isFinite(n)) return { kind: 'number', value: n, isInteger: /^-?\d+$/.test(text), raw: text, span };
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(text) ? { kind: 'identifier', value: text, span } : undefined;
}

/**
 * Layers whose numbers depend on an assumed fix: the layers whose block holds one, and every layer
 * downstream of them (through the blobs they write), in execution order.
 */
export function dependentLayers(net: NetAnalysis, fixes: readonly AssumedFix[]): Map<number, AssumedFix[]> {
  const out = new Map<number, AssumedFix[]>();
  if (fixes.length === 0) return out;
  const blobFixes = new Map<string, AssumedFix[]>();
  net.layers.forEach((layer, index) => {
    const own = layer.span ? fixes.filter((f) => within(layer.span!, f.span)) : [];
    const inherited = layer.bottoms.flatMap((b) => blobFixes.get(b) ?? []);
    const all = [...new Set([...own, ...inherited])];
    if (all.length === 0) return;
    out.set(index, all);
    for (const top of layer.tops) blobFixes.set(top, [...new Set([...(blobFixes.get(top) ?? []), ...all])]);
  });
  return out;
}

/** `assumes kernel_size for kernal_size` (names without quotes, as a user reads them). */
export function describeAssumption(fixes: readonly AssumedFix[]): string {
  const bare = (s: string) => s.replace(/^"|"$/g, '');
  return `assumes ${fixes.map((f) => `${bare(f.assumed)} for ${bare(f.written)}`).join(', ')}`;
}

function within(outer: Span, inner: Span): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

function same(a: Span, b: Span): boolean {
  return a.start === b.start && a.end === b.end;
}
