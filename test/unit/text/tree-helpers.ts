// Helpers for the text tests: a plain view of a syntax tree (names and values, no spans) and a
// walker that checks every span of a parsed document.
import * as fs from 'fs';
import * as path from 'path';
import type { Field, MessageValue, ParsedDocument, Span, Value } from '../../../server/src/text/ast';
import { CORPUS_PROTOTXT } from '../shared-paths';

export type Plain = string | number | boolean | null | Plain[] | { [k: string]: Plain };

/** Names and values only, so trees of differently formatted texts compare equal. */
export function plainFields(msg: MessageValue): Plain {
  return msg.fields.map((f) => [f.name, f.value ? plainValue(f.value) : null]);
}

export function plainValue(v: Value): Plain {
  switch (v.kind) {
    case 'message':
      return { message: plainFields(v) };
    case 'list':
      return { list: v.items.map(plainValue) };
    case 'string':
      return { string: v.value };
    case 'number':
      return { number: Number.isNaN(v.value) ? 'NaN' : String(v.value), raw: v.raw, int: v.isInteger };
    case 'identifier':
      return { ident: v.value };
  }
}

/** Every span problem in a document: out of [0, length], start > end, or a child outside its parent. */
export function spanProblems(doc: ParsedDocument, length: number): string[] {
  const problems: string[] = [];
  const check = (what: string, s: Span, outer?: Span): void => {
    if (!(Number.isInteger(s.start) && Number.isInteger(s.end))) problems.push(`${what}: non-integer span`);
    if (s.start < 0 || s.end > length || s.start > s.end) problems.push(`${what}: bad span ${s.start}..${s.end} (length ${length})`);
    if (outer && (s.start < outer.start || s.end > outer.end)) {
      problems.push(`${what}: ${s.start}..${s.end} outside ${outer.start}..${outer.end}`);
    }
  };
  // Iterative walk: fuzzed input can nest deeply.
  const stack: Array<{ v: Value; outer?: Span; what: string }> = [{ v: doc.root, what: 'root' }];
  while (stack.length > 0) {
    const { v, outer, what } = stack.pop()!;
    check(what, v.span, outer);
    if (v.kind === 'message') {
      let prev = -1;
      for (const f of v.fields) {
        checkField(f, v.span);
        if (f.span.start < prev) problems.push(`field ${f.name}: out of order`);
        prev = f.span.end;
        if (f.value) stack.push({ v: f.value, outer: f.span, what: `value of ${f.name}` });
      }
    } else if (v.kind === 'list') {
      for (const item of v.items) stack.push({ v: item, outer: v.span, what: 'list item' });
    }
  }
  function checkField(f: Field, outer: Span): void {
    check(`field ${f.name}`, f.span, outer);
    check(`name of ${f.name}`, f.nameSpan, f.span);
  }
  for (const c of doc.comments) check('comment', c.span);
  for (const e of doc.errors) check(`error "${e.message}"`, e.span);
  return problems;
}

export interface CorpusFile {
  name: string;
  text: string;
}

let corpusCache: CorpusFile[] | undefined;

/** The real prototxt corpus (read-only shared data). */
export function corpusFiles(): CorpusFile[] {
  corpusCache ??= fs
    .readdirSync(CORPUS_PROTOTXT)
    .filter((n) => n.endsWith('.prototxt'))
    .sort()
    .map((name) => ({ name, text: fs.readFileSync(path.join(CORPUS_PROTOTXT, name), 'utf8') }));
  return corpusCache;
}

/** The text a span covers. */
export function at(text: string, s: Span): string {
  return text.slice(s.start, s.end);
}
