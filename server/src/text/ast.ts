// The syntax tree of protobuf text format (prototxt). Every node keeps its source range as
// UTF-16 offsets into the document text (what VS Code's TextDocument.positionAt takes), so the
// layers above can point diagnostics, hovers and edits at exact places.
import type { SyntaxTable } from './syntax-table';

export interface Span {
  /** Offset of the first character. */
  start: number;
  /** Offset just past the last character. */
  end: number;
}

export interface StringValue {
  kind: 'string';
  /** The decoded value (escapes resolved, adjacent literals concatenated). */
  value: string;
  span: Span;
}

export interface NumberValue {
  kind: 'number';
  /** Decoded value; `inf`, `-inf` and `nan` decode to the IEEE values. */
  value: number;
  /** True for integer literals (decimal, hex, octal), false for floats and inf/nan. */
  isInteger: boolean;
  /** The literal as written (keeps precision of large integers). */
  raw: string;
  span: Span;
}

export interface IdentifierValue {
  kind: 'identifier';
  /** An enum value or `true`/`false` (inf/nan/-inf are numbers). */
  value: string;
  span: Span;
}

export interface MessageValue {
  kind: 'message';
  fields: Field[];
  /** From the opening brace (or `<`) to the closing one; for the document root, the whole text. */
  span: Span;
  /** False when the closing brace is missing (parse recovery). */
  closed: boolean;
}

export interface ListValue {
  kind: 'list';
  /** Items of `field: [a, b]`; each is a scalar or a message. */
  items: Value[];
  span: Span;
}

export type ScalarValue = StringValue | NumberValue | IdentifierValue;
export type Value = ScalarValue | MessageValue | ListValue;

export interface Field {
  name: string;
  nameSpan: Span;
  /** Whether a `:` followed the name. */
  hasColon: boolean;
  /** Missing when the text after the name was not a value (a parse error was reported). */
  value?: Value;
  /** From the field name to the end of its value. */
  span: Span;
}

export interface Comment {
  /** Text after `#`, without the line break. */
  text: string;
  span: Span;
}

export interface SyntaxError {
  message: string;
  span: Span;
}

export interface ParsedDocument {
  /** The object tree (built from `table` when first read). */
  readonly root: MessageValue;
  readonly comments: Comment[];
  readonly errors: SyntaxError[];
  /** The same tree stored flat, as the parser wrote it (what schema validation reads). */
  readonly table: SyntaxTable;
  /** `root` built in steps (see steps.ts), where the document can (the parser's own documents). */
  rootSteps?(): Generator<void, MessageValue>;
}

/** Fields of a message named `name`, in order (repeated fields appear several times). */
export function fieldsNamed(message: MessageValue, name: string): Field[] {
  return message.fields.filter((f) => f.name === name);
}

/** Values of every occurrence of `name`, with list values flattened. */
export function valuesOf(message: MessageValue, name: string): Value[] {
  const out: Value[] = [];
  for (const f of message.fields) {
    if (f.name !== name || !f.value) continue;
    if (f.value.kind === 'list') out.push(...f.value.items);
    else out.push(f.value);
  }
  return out;
}
