// Canonical prototxt formatting. `printTree` prints a tree of already-formatted literals in the
// house style (2-space indent, one field per line, `name: value`, `name {` … `}`); `formatDocument`
// turns a parsed document into such a tree, attaching every comment to a place in it, so that the
// editor's formatter and synthetic trees (e.g. a decoded .caffemodel) print alike.
import type { Comment, Field, ParsedDocument, ScalarValue, Span, Value } from './ast';
import { parse } from './parser';

export interface PrintNode {
  name: string;
  /** An already-formatted literal (scalar or `[a, b]` list), or the fields of a message. */
  value: string | PrintNode[];
  /**
   * Own-line comments before the field. An entry starting with `#` prints as is, any other text
   * gets `# ` before it; `''` is a blank line (runs collapse to one, none at a block start).
   */
  leadingComments?: string[];
  /** Comment at the end of the field's line (after `}` for a message). */
  trailingComment?: string;
  /** Message values only: comment on the `name {` line. */
  openComment?: string;
  /** Message values only: own-line comments before the closing `}` (same rules as leadingComments). */
  closingComments?: string[];
  /** A list holding messages, printed one item per line (`value` is then ignored). */
  listItems?: Array<string | PrintNode[]>;
}

const INDENT = '  ';

/** Prints nodes (and comments at the end of the document) as canonical text ending in one newline. */
export function printTree(nodes: PrintNode[], finalComments?: string[]): string {
  const out = new LineWriter();
  printNodes(out, nodes, 0);
  if (finalComments) out.comments(finalComments, 0);
  return out.finish();
}

class LineWriter {
  private readonly lines: string[] = [];
  private readonly indents: string[] = [''];
  /** True at the start of the text and right after a `{` line: no blank line may follow. */
  private atBlockStart = true;
  private pendingBlank = false;

  indent(depth: number): string {
    while (this.indents.length <= depth) this.indents.push(this.indents[this.indents.length - 1] + INDENT);
    return this.indents[depth];
  }

  line(text: string, opensBlock = false): void {
    if (this.pendingBlank && !this.atBlockStart) this.lines.push('');
    this.pendingBlank = false;
    this.lines.push(text);
    this.atBlockStart = opensBlock;
  }

  /** Ends a block: a blank line requested just before `}` or the end of text is dropped. */
  closeBlock(text: string): void {
    this.pendingBlank = false;
    this.line(text);
  }

  blank(): void {
    this.pendingBlank = true;
  }

  comments(comments: readonly string[], depth: number): void {
    for (const c of comments) {
      if (c === '') this.blank();
      else for (const l of commentLines(c)) this.line(this.indent(depth) + l);
    }
  }

  finish(): string {
    return this.lines.length === 0 ? '' : `${this.lines.join('\n')}\n`;
  }
}

function printNodes(out: LineWriter, nodes: readonly PrintNode[], depth: number): void {
  const ind = out.indent(depth);
  for (const node of nodes) {
    if (node.leadingComments) out.comments(node.leadingComments, depth);
    const trailing = node.trailingComment ? trailingText(node.trailingComment) : '';
    if (node.listItems) {
      out.line(`${ind}${node.name}: [`, true);
      const inner = out.indent(depth + 1);
      node.listItems.forEach((item, i) => {
        const comma = i < node.listItems!.length - 1 ? ',' : '';
        if (typeof item === 'string') {
          out.line(inner + item + comma);
        } else {
          out.line(`${inner}{`, true);
          printNodes(out, item, depth + 2);
          out.closeBlock(`${inner}}${comma}`);
        }
      });
      out.closeBlock(`${ind}]${trailing}`);
    } else if (typeof node.value === 'string') {
      out.line(`${ind}${node.name}: ${node.value}${trailing}`);
    } else {
      out.line(`${ind}${node.name} {${node.openComment ? trailingText(node.openComment) : ''}`, true);
      printNodes(out, node.value, depth + 1);
      if (node.closingComments) out.comments(node.closingComments, depth + 1);
      out.closeBlock(`${ind}}${trailing}`);
    }
  }
}

/** A comment as printed: `#` kept, trailing spaces dropped, several lines for embedded newlines. */
function commentLines(comment: string): string[] {
  return comment.split(/\r\n|\r|\n/).map((l) => {
    const t = l.trimEnd();
    return t.startsWith('#') ? t : `# ${t}`.trimEnd();
  });
}

function trailingText(comment: string): string {
  return `  ${commentLines(comment).join(' ')}`;
}

// ---- literals -------------------------------------------------------------------------------

/** A scalar as canonical text: strings re-quoted, numbers as written, identifiers as is. */
export function formatScalar(v: ScalarValue): string {
  switch (v.kind) {
    case 'string':
      return quoteString(v.value);
    case 'number':
      return v.raw;
    case 'identifier':
      return v.value;
  }
}

// Characters that need escaping in a double-quoted literal (checked with one linear scan).
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\x00-\x1f\x7f]/;

/** A double-quoted protobuf string literal for `s` (non-ASCII characters are kept as UTF-8). */
export function quoteString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = '\\\\';
    else if (c === 0x0a) esc = '\\n';
    else if (c === 0x0d) esc = '\\r';
    else if (c === 0x09) esc = '\\t';
    else if (c < 0x20 || c === 0x7f) esc = `\\${c.toString(8).padStart(3, '0')}`; // 3 digits: never absorbs a following digit
    if (esc === undefined) continue;
    out += s.slice(run, i) + esc;
    run = i + 1;
  }
  return `${out}${s.slice(run)}"`;
}

/**
 * The string literal(s) in `text[span]` re-quoted with double quotes, keeping every escape as
 * written (so bytes that are not valid UTF-8 survive). Adjacent literals stay separate pieces,
 * because joining them could merge an escape with the next digits (`"\1" "2"`).
 */
function requoteStringSource(text: string, span: Span): string {
  const pieces: string[] = [];
  let p = span.start;
  while (p < span.end) {
    const c = text.charCodeAt(p);
    if (c === 0x23 /* # */) {
      while (p < span.end && text.charCodeAt(p) !== 0x0a && text.charCodeAt(p) !== 0x0d) p++;
      continue;
    }
    if (c !== 0x22 && c !== 0x27) {
      p++;
      continue;
    }
    const quote = c;
    let piece = '"';
    let run = p + 1;
    let q = p + 1;
    while (q < span.end && text.charCodeAt(q) !== quote) {
      const d = text.charCodeAt(q);
      if (d === 0x5c) {
        if (text.charCodeAt(q + 1) === 0x27) {
          piece += `${text.slice(run, q)}'`;
          run = q + 2;
        }
        q += 2;
      } else if (d === 0x22) {
        piece += `${text.slice(run, q)}\\"`;
        run = ++q;
      } else {
        q++;
      }
    }
    pieces.push(`${piece}${text.slice(run, q)}"`);
    p = q + 1;
  }
  return pieces.join(' ');
}

// ---- documents ------------------------------------------------------------------------------

/**
 * The document in canonical form. Text with syntax errors is returned unchanged: a formatter must
 * never mangle what it cannot fully understand.
 */
export function formatDocument(text: string, doc?: ParsedDocument): string {
  const parsed = doc ?? parse(text);
  if (parsed.errors.length > 0) return text;
  try {
    const builder = new PrintTreeBuilder(text, parsed.comments);
    const { nodes, closing } = builder.body(parsed.root.fields, 0, text.length);
    return printTree(nodes, closing);
  } catch {
    // Only pathological nesting (call stack) can get here; leave the text alone.
    return text;
  }
}

/** Builds print nodes from a parsed document, handing each comment out exactly once, in order. */
class PrintTreeBuilder {
  private next = 0;

  constructor(
    private readonly text: string,
    private readonly comments: readonly Comment[],
  ) {}

  /**
   * Nodes for the fields of a message body spanning [bodyStart, bodyEnd), plus the own-line
   * comments left before its end (before `}`, or at the end of the document).
   */
  body(fields: readonly Field[], bodyStart: number, bodyEnd: number): { nodes: PrintNode[]; closing: string[] } {
    const nodes: PrintNode[] = [];
    let prevEnd = bodyStart;
    let first = true;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      const leading: string[] = [];
      for (const c of this.takeBefore(f.span.start)) {
        if (!first && this.blankLineBetween(prevEnd, c.span.start)) leading.push('');
        leading.push(commentSource(c));
        prevEnd = c.span.end;
        first = false;
      }
      if (!first && this.blankLineBetween(prevEnd, f.span.start)) leading.push('');
      const node = this.fieldNode(f, leading);
      prevEnd = f.span.end;
      const nextStart = i + 1 < fields.length ? fields[i + 1].span.start : bodyEnd;
      const trailing = this.takeTrailing(f.span.end, nextStart);
      if (trailing) {
        node.trailingComment = commentSource(trailing);
        prevEnd = trailing.span.end;
      }
      if (leading.length > 0) node.leadingComments = leading;
      nodes.push(node);
      first = false;
    }
    const closing: string[] = [];
    for (const c of this.takeBefore(bodyEnd)) {
      if (!first && this.blankLineBetween(prevEnd, c.span.start)) closing.push('');
      closing.push(commentSource(c));
      prevEnd = c.span.end;
      first = false;
    }
    return { nodes, closing };
  }

  /** The node for one field; comments inside the field but outside nested bodies join `leading`. */
  private fieldNode(f: Field, leading: string[]): PrintNode {
    const v = f.value as Value; // a document without errors has a value for every field
    leading.push(...this.takeBefore(v.span.start).map(commentSource));
    if (v.kind === 'message') {
      const node: PrintNode = { name: f.name, value: [] };
      const firstStart = v.fields.length > 0 ? v.fields[0].span.start : v.span.end - 1;
      const open = this.takeTrailing(v.span.start + 1, firstStart);
      if (open) node.openComment = commentSource(open);
      const { nodes, closing } = this.body(v.fields, open ? open.span.end : v.span.start + 1, v.span.end - 1);
      node.value = nodes;
      if (closing.length > 0) node.closingComments = closing;
      return node;
    }
    if (v.kind === 'list') {
      if (v.items.every((item) => item.kind !== 'message')) {
        leading.push(...this.takeBefore(v.span.end).map(commentSource));
        const items = v.items.map((item) => this.scalarText(item as ScalarValue));
        return { name: f.name, value: `[${items.join(', ')}]` };
      }
      const listItems: Array<string | PrintNode[]> = [];
      for (const item of v.items) {
        leading.push(...this.takeBefore(item.span.start).map(commentSource));
        if (item.kind === 'message') {
          // Comments inside an item that have no field to stand before move above the list.
          const { nodes, closing } = this.body(item.fields, item.span.start + 1, item.span.end - 1);
          leading.push(...closing.filter((c) => c !== ''));
          listItems.push(nodes);
        } else {
          leading.push(...this.takeBefore(item.span.end).map(commentSource));
          listItems.push(this.scalarText(item as ScalarValue));
        }
      }
      leading.push(...this.takeBefore(v.span.end).map(commentSource));
      return { name: f.name, value: [], listItems };
    }
    leading.push(...this.takeBefore(v.span.end).map(commentSource));
    return { name: f.name, value: this.scalarText(v) };
  }

  private scalarText(v: ScalarValue): string {
    return v.kind === 'string' ? requoteStringSource(this.text, v.span) : formatScalar(v);
  }

  /** All not yet placed comments that start before `offset`. */
  private takeBefore(offset: number): Comment[] {
    const start = this.next;
    while (this.next < this.comments.length && this.comments[this.next].span.start < offset) this.next++;
    return this.comments.slice(start, this.next);
  }

  /** The next comment if it starts on the line where `from` is, before `limit`. */
  private takeTrailing(from: number, limit: number): Comment | undefined {
    const c = this.comments[this.next];
    if (!c || c.span.start < from || c.span.start >= limit) return undefined;
    for (let p = from; p < c.span.start; p++) {
      const ch = this.text.charCodeAt(p);
      if (ch === 0x0a || ch === 0x0d) return undefined;
    }
    this.next++;
    return c;
  }

  /** Whether the gap [from, to) (whitespace and separators only) holds an empty line. */
  private blankLineBetween(from: number, to: number): boolean {
    let breaks = 0;
    for (let p = from; p < to; p++) {
      const ch = this.text.charCodeAt(p);
      if (ch === 0x0a || (ch === 0x0d && this.text.charCodeAt(p + 1) !== 0x0a)) {
        if (++breaks >= 2) return true;
      }
    }
    return false;
  }
}

function commentSource(c: Comment): string {
  return `#${c.text}`;
}
