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
/** A layer names at most this many of the fixes it depends on (a chain of typos must not cost n²). */
const MAX_NAMED = 5;

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
  const root = patchMessage(doc.root, fixes, 0) ?? doc.root;
  return { root, comments: doc.comments, errors: doc.errors, table: doc.table };
}

/**
 * The message with `fixes` (sorted, all inside it) applied: a copy of the paths to them, in one walk
 * (fields and fixes are both in document order), so the cost is the fields visited plus the fixes.
 */
function patchMessage(message: MessageValue, fixes: readonly AssumedFix[], depth: number): MessageValue | undefined {
  if (depth > MAX_DEPTH) return undefined;
  let fields: Field[] | undefined;
  let next = 0;
  for (let i = 0; i < message.fields.length && next < fixes.length; i++) {
    const field = message.fields[i];
    while (next < fixes.length && fixes[next].span.start < field.span.start) next++;
    let end = next;
    while (end < fixes.length && within(field.span, fixes[end].span)) end++;
    if (end === next) continue;
    const patched = patchField(field, fixes.slice(next, end), depth);
    next = end;
    if (!patched) continue;
    fields ??= message.fields.slice();
    fields[i] = patched;
  }
  return fields ? { ...message, fields } : undefined;
}

function patchField(field: Field, fixes: readonly AssumedFix[], depth: number): Field | undefined {
  const rename = fixes.find((f) => same(field.nameSpan, f.span));
  const inside = fixes.filter((f) => f !== rename);
  const value = field.value && inside.length ? patchValue(field.value, inside, depth) : undefined;
  if (!rename && !value) return undefined;
  return { ...field, ...(rename ? { name: rename.assumed } : {}), ...(value ? { value } : {}) };
}

function patchValue(value: Value, fixes: readonly AssumedFix[], depth: number): Value | undefined {
  if (value.kind === 'message') return patchMessage(value, fixes, depth + 1);
  if (value.kind === 'list') {
    let items: Value[] | undefined;
    value.items.forEach((item, i) => {
      const mine = fixes.filter((f) => within(item.span, f.span));
      const patched = mine.length ? patchValue(item, mine, depth + 1) : undefined;
      if (!patched) return;
      items ??= value.items.slice();
      items[i] = patched;
    });
    return items ? { ...value, items } : undefined;
  }
  const fix = fixes.find((f) => same(value.span, f.span));
  return fix ? scalarFromText(fix.assumed, value.span) : undefined;
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
 * downstream of them (through the blobs they write), in execution order. Linear in layers, blobs
 * and fixes: the fixes of a layer are found by binary search in the sorted list.
 */
export function dependentLayers(net: NetAnalysis, fixes: readonly AssumedFix[]): Map<number, AssumedFix[]> {
  const out = new Map<number, AssumedFix[]>();
  if (fixes.length === 0) return out;
  const blobFixes = new Map<string, Set<AssumedFix>>();
  net.layers.forEach((layer, index) => {
    const all = new Set<AssumedFix>();
    if (layer.span) {
      for (let i = firstAtOrAfter(fixes, layer.span.start); i < fixes.length && fixes[i].span.start < layer.span.end; i++) {
        if (within(layer.span, fixes[i].span) && all.size < MAX_NAMED) all.add(fixes[i]);
      }
    }
    for (const bottom of new Set(layer.bottoms)) {
      for (const f of blobFixes.get(bottom) ?? []) if (all.size < MAX_NAMED) all.add(f);
    }
    if (all.size === 0) return;
    out.set(index, [...all]);
    for (const top of new Set(layer.tops)) {
      const set = blobFixes.get(top) ?? new Set<AssumedFix>();
      for (const f of all) if (set.size < MAX_NAMED) set.add(f);
      blobFixes.set(top, set);
    }
  });
  return out;
}

/** Index of the first fix starting at or after `offset` (fixes sorted by start). */
function firstAtOrAfter(fixes: readonly AssumedFix[], offset: number): number {
  let lo = 0;
  let hi = fixes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fixes[mid].span.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
