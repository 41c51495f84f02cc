// The object tree of `ast.ts`, built from the parser's flat `SyntaxTable` the first time a caller
// asks for it. Schema validation reads the table directly; everything else (net analysis, editor
// features, the printer) walks these objects. One pass in document order with an explicit stack
// of open containers, so deep nesting cannot overflow the call stack.
import type { Comment, Field, ListValue, MessageValue, ParsedDocument, ScalarValue, SyntaxError, Value } from './ast';
import { Interner } from './interner';
import { type SyntaxTable, ValueKind } from './syntax-table';
import { runToEnd } from './steps';

/** A parsed document: the table, with the object tree and comments made when first read. */
export class ParsedText implements ParsedDocument {
  private rootTree?: MessageValue;
  private rootJob?: Generator<void, void>;
  private commentList?: Comment[];

  constructor(
    readonly table: SyntaxTable,
    readonly errors: SyntaxError[],
  ) {}

  get root(): MessageValue {
    if (!this.rootTree) runToEnd((this.rootJob ??= this.buildRoot()));
    return this.rootTree!;
  }

  /** `root`, built in steps (see steps.ts); the same job as the getter's, so no work is done twice. */
  *rootSteps(): Generator<void, MessageValue> {
    if (!this.rootTree) yield* (this.rootJob ??= this.buildRoot());
    return this.rootTree!;
  }

  private *buildRoot(): Generator<void, void> {
    this.rootTree = yield* buildTree(this.table);
    this.rootJob = undefined;
  }

  get comments(): Comment[] {
    if (!this.commentList) {
      const t = this.table;
      const list: Comment[] = new Array(t.commentsCount);
      for (let i = 0; i < list.length; i++) {
        const start = t.commentStart(i);
        const end = t.commentEnd(i);
        list[i] = { text: t.text.slice(start + 1, end), span: { start, end } };
      }
      this.commentList = list;
    }
    return this.commentList;
  }
}

interface OpenContainer {
  /** First node past the container's subtree. */
  after: number;
  message?: MessageValue;
  list?: ListValue;
}

/** Nodes made between pauses of the stepped build. */
const NODES_PER_PAUSE = 8192;

function* buildTree(t: SyntaxTable): Generator<void, MessageValue> {
  const values = new Interner(t.text);
  const root = valueOf(t, 0, values) as MessageValue;
  const stack: OpenContainer[] = [{ after: t.after(0), message: root }];
  let node = 1;
  while (node < t.size) {
    let top = stack[stack.length - 1];
    while (node >= top.after) {
      finish(stack.pop()!);
      top = stack[stack.length - 1];
    }
    if (t.isDetached(node)) {
      node = t.after(node);
      continue;
    }
    const value = t.valueKind(node) === ValueKind.None ? undefined : valueOf(t, node, values);
    if (t.isField(node)) {
      const start = t.start(node);
      const nameEnd = t.nameEnd(node);
      const field: Field = {
        name: t.name(node),
        nameSpan: { start, end: nameEnd },
        hasColon: t.hasColon(node),
        span: { start, end: t.end(node) },
      };
      if (value) field.value = value;
      top.message?.fields.push(field);
    } else if (value) {
      top.list?.items.push(value);
    }
    if (value?.kind === 'message') stack.push({ after: t.after(node), message: value });
    else if (value?.kind === 'list') stack.push({ after: t.after(node), list: value });
    node++;
    if (node % NODES_PER_PAUSE === 0) yield;
  }
  while (stack.length > 0) finish(stack.pop()!);
  return root;
}

/** A pushed-to array keeps room for 17 entries; an exact copy keeps large trees ~10% smaller. */
function finish(open: OpenContainer): void {
  const m = open.message;
  if (m && m.fields.length < 12) m.fields = m.fields.slice();
}

function valueOf(t: SyntaxTable, node: number, strings?: Interner): Value | undefined {
  const span = { start: t.valueStart(node), end: t.end(node) };
  switch (t.valueKind(node)) {
    case ValueKind.Message:
      return { kind: 'message', fields: [], span, closed: t.isClosed(node) };
    case ValueKind.List:
      return { kind: 'list', items: [], span };
    case ValueKind.String:
      return { kind: 'string', value: t.stringValue(node, strings), span };
    case ValueKind.Number:
      return { kind: 'number', value: t.numberValue(node), isInteger: !t.isFloat(node), raw: t.raw(node, strings), span };
    case ValueKind.Identifier:
      return { kind: 'identifier', value: strings ? strings.slice(span.start, span.end) : t.text.slice(span.start, span.end), span };
    default:
      return undefined;
  }
}

/** The scalar value at `node` as an object (for code that checks one value at a time). */
export function scalarAt(t: SyntaxTable, node: number): ScalarValue {
  const value = valueOf(t, node);
  if (!value || value.kind === 'message' || value.kind === 'list') throw new Error(`node ${node} holds no scalar`);
  return value;
}
