// Checks a parsed prototxt against Caffe's schema the way protobuf's text-format parser would
// (unknown fields, wrong value kinds, ranges, enum values, repeated vs singular, message vs
// scalar), plus Caffe-level checks of layer type strings. Non-BVLC fork extensions are accepted
// and reported as Information. One linear walk over the tree; schema lookups are cached.
import type { Field, MessageValue, NumberValue, ParsedDocument, ScalarValue, Span, Value } from '../text/ast';
import type { Problem, QuickFix, Severity } from '../problem';
import { caffeSchema, type CaffeSchema, type FieldInfo, type ScalarType } from './schema';
import { forkMessage } from './forks';
import { suggestAll } from './suggest';

export type FileKind = 'net' | 'solver';

/** The schema message a whole file of this kind is parsed as. */
export function rootTypeOf(kind: FileKind): 'NetParameter' | 'SolverParameter' {
  return kind === 'solver' ? 'SolverParameter' : 'NetParameter';
}

/**
 * Whether a document is a net or a solver definition, judged by its top-level field names: more
 * solver-only names (`base_lr`, `net`, `solver_mode`, `max_iter`, ...) than net-only names
 * (`layer`, `input`, `name`, ...) makes it a solver. An empty or ambiguous file is a net.
 */
export function detectFileKind(doc: ParsedDocument): FileKind {
  const schema = caffeSchema();
  let solverVotes = 0;
  let netVotes = 0;
  for (const f of doc.root.fields) {
    const inNet = schema.fieldOf('NetParameter', f.name) !== undefined;
    const inSolver = schema.fieldOf('SolverParameter', f.name) !== undefined;
    if (inSolver && !inNet) solverVotes++;
    else if (inNet && !inSolver) netVotes++;
  }
  return solverVotes > netVotes ? 'solver' : 'net';
}

/** Problems of `doc` against the schema of `kind` (detected when not given), in document order. */
export function validateDocument(doc: ParsedDocument, kind: FileKind = detectFileKind(doc)): Problem[] {
  const v = new Validator(caffeSchema());
  v.message(doc.root, rootTypeOf(kind));
  // A missing required field is noticed after its message's children: restore document order.
  return v.problems.sort((a, b) => a.span.start - b.span.start);
}

export interface MessageAt {
  /** Schema type of the message, relative to package caffe (e.g. `ConvolutionParameter`). */
  typeName: string;
  message: MessageValue;
  /** Fields from the root down to the one whose value is `message` (empty for the root). */
  path: Field[];
}

/**
 * The innermost message whose braces contain `offset`, with its schema type; undefined when that
 * message has no known type (e.g. the value of an unknown field).
 */
export function messageTypeAt(doc: ParsedDocument, offset: number, kind: FileKind = detectFileKind(doc)): MessageAt | undefined {
  const schema = caffeSchema();
  let typeName: string = rootTypeOf(kind);
  let message = doc.root;
  const path: Field[] = [];
  for (;;) {
    const inner = childContaining(message, offset);
    if (!inner) return { typeName, message, path };
    const info = schema.fieldOf(typeName, inner.field.name);
    if (!info || info.kind !== 'message') return undefined;
    typeName = info.type;
    message = inner.message;
    path.push(inner.field);
  }
}

function inside(m: MessageValue, offset: number): boolean {
  // Strictly after the opening brace and before the closing one; a message left open runs to the
  // end of the document (everything typed after it belongs to it).
  return offset > m.span.start && (offset < m.span.end || !m.closed);
}

function childContaining(message: MessageValue, offset: number): { field: Field; message: MessageValue } | undefined {
  for (const field of message.fields) {
    const v = field.value;
    if (!v || v.span.start >= offset) continue;
    if (v.kind === 'message' && inside(v, offset)) return { field, message: v };
    if (v.kind === 'list') {
      for (const item of v.items) if (item.kind === 'message' && inside(item, offset)) return { field, message: item };
    }
  }
  return undefined;
}

// ------------------------------------------------------------------------------------ values

const INT_RANGES: Partial<Record<ScalarType, [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n], sint32: [-(2n ** 31n), 2n ** 31n - 1n], sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n], fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n], sint64: [-(2n ** 63n), 2n ** 63n - 1n], sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n], fixed64: [0n, 2n ** 64n - 1n],
};

const BOOL_WORDS: Readonly<Record<string, boolean>> = { true: true, True: true, t: true, false: false, False: false, f: false };
const FLOAT_WORDS = new Set(['inf', 'infinity', 'nan']);

/** The exact value of an integer literal as written (decimal, hex `0x..`, octal `0..`). */
function integerOf(n: NumberValue): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(n.raw.trim());
  if (m) {
    const digits = m[2];
    const magnitude = /^0[xX]/.test(digits) ? BigInt(digits) : /^0[0-7]+$/.test(digits) ? BigInt('0o' + digits.slice(1)) : BigInt(digits);
    return m[1] === '-' ? -magnitude : magnitude;
  }
  return Number.isInteger(n.value) ? BigInt(n.value) : undefined;
}

function describeValue(v: Value): string {
  switch (v.kind) {
    case 'string': return `the string ${JSON.stringify(v.value)}`;
    case 'number': return v.isInteger ? `the integer ${v.raw}` : `the number ${v.raw}`;
    case 'identifier': return `\`${v.value}\``;
    case 'message': return 'a message';
    case 'list': return 'a list';
  }
}

function expectedOf(info: FieldInfo): string {
  if (info.kind === 'enum') return `an enum value of ${info.type}`;
  if (info.kind === 'message') return `a message (${info.type})`;
  switch (info.scalarType) {
    case 'string': case 'bytes': return 'a quoted string';
    case 'bool': return 'true or false';
    case 'float': case 'double': return `a number (${info.scalarType})`;
    case 'uint32': case 'uint64': case 'fixed32': case 'fixed64': return `a non-negative integer (${info.scalarType})`;
    default: return `an integer (${info.scalarType})`;
  }
}

function listOf(names: string[], max = 12): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, …` : shown;
}

class Validator {
  readonly problems: Problem[] = [];

  constructor(private readonly schema: CaffeSchema) {}

  message(msg: MessageValue, typeName: string): void {
    // Non-repeated fields seen so far in this message (protobuf rejects a second occurrence).
    const seen = new Set<string>();
    for (const field of msg.fields) {
      const info = this.schema.fieldOf(typeName, field.name);
      if (!info) {
        this.unknownField(field, typeName);
        continue;
      }
      if (info.fork) this.report('information', field.nameSpan, forkMessage(`\`${field.name}\``, info.fork), 'fork-extension');
      if (!info.repeated) {
        if (seen.has(field.name)) {
          this.report('error', field.nameSpan,
            `\`${field.name}\` is not repeated but is given more than once in this ${typeName} (Caffe rejects the file)`,
            'duplicate-field');
        }
        seen.add(field.name);
      }
      if (field.value) this.fieldValue(field, info, field.value, typeName);
    }
    for (const info of this.schema.fieldsOf(typeName)) {
      if (info.required && !seen.has(info.name)) {
        this.report('error', { start: msg.span.start, end: Math.min(msg.span.end, msg.span.start + 1) },
          `${typeName} requires \`${info.name}\``, 'missing-required');
      }
    }
  }

  private unknownField(field: Field, typeName: string): void {
    const candidates = this.schema.fieldsOf(typeName).map((f) => f.name);
    const suggestions = suggestAll(field.name, candidates);
    const hint = suggestions.length ? `; did you mean \`${suggestions[0]}\`?` : '';
    this.report('error', field.nameSpan, `Unknown field \`${field.name}\` in ${typeName}${hint}`, 'unknown-field',
      suggestions.map((s, i) => this.replaceFix(`Change to \`${s}\``, field.nameSpan, s, i === 0)));
  }

  private fieldValue(field: Field, info: FieldInfo, value: Value, parent: string): void {
    if (value.kind === 'list') {
      if (!info.repeated) {
        this.report('error', value.span, `\`${field.name}\` is not repeated: give one value, not a list`, 'not-repeated');
      }
      for (const item of value.items) this.single(field, info, item, parent);
      return;
    }
    this.single(field, info, value, parent);
  }

  private single(field: Field, info: FieldInfo, v: Value, parent: string): void {
    if (v.kind === 'list') {
      this.report('error', v.span, `Lists cannot be nested (\`${field.name}\`)`, 'wrong-value-type');
      return;
    }
    if (info.kind === 'message') {
      if (v.kind === 'message') this.message(v, info.type);
      else {
        this.report('error', v.span,
          `\`${field.name}\` is a message (${info.type}): write \`${field.name} { ... }\`, not ${describeValue(v)}`,
          'expected-message');
      }
      return;
    }
    if (v.kind === 'message') {
      this.report('error', v.span, `\`${field.name}\` takes ${expectedOf(info)}, not a message`, 'expected-scalar');
      return;
    }
    if (info.kind === 'enum') this.enumValue(field, info, v, parent);
    else this.scalar(field, info, v, parent);
  }

  private enumValue(field: Field, info: FieldInfo, v: ScalarValue, parent: string): void {
    const values = info.enumValues ?? [];
    const names = values.map((e) => e.name);
    if (v.kind === 'identifier') {
      if (names.includes(v.value)) return;
      const suggestions = suggestAll(v.value, names);
      const hint = suggestions.length ? ` Did you mean \`${suggestions[0]}\`?` : '';
      this.report('error', v.span,
        `\`${v.value}\` is not a value of ${info.type}.${hint} Valid: ${listOf(names)}`, 'unknown-enum-value',
        suggestions.map((s, i) => this.replaceFix(`Change to \`${s}\``, v.span, s, i === 0)));
      return;
    }
    if (v.kind === 'number') {
      // Text format also accepts an enum value's number.
      const n = integerOf(v);
      if (v.isInteger && n !== undefined && values.some((e) => BigInt(e.number) === n)) return;
      this.report('error', v.span, `${v.raw} is not a value of ${info.type}. Valid: ${listOf(names)}`, 'unknown-enum-value');
      return;
    }
    // A quoted string: right in V2 (`type: "Convolution"`), wrong for an enum.
    const fixes: QuickFix[] = [];
    if (names.includes(v.value)) fixes.push(this.replaceFix('Remove the quotes', v.span, v.value, true));
    const v1 = parent === 'V1LayerParameter' && field.name === 'type' ? this.schema.v2ToV1LayerType(v.value) : undefined;
    if (v1) fixes.push(this.replaceFix(`Change to \`${v1}\``, v.span, v1, true));
    const extra = parent === 'V1LayerParameter' && field.name === 'type'
      ? ' (V1 `layers` take an enum such as CONVOLUTION; quoted names belong in V2 `layer`)' : '';
    this.report('error', v.span,
      `\`${field.name}\` takes an unquoted enum value of ${info.type}, not ${describeValue(v)}${extra}`,
      'wrong-value-type', fixes);
  }

  private scalar(field: Field, info: FieldInfo, v: ScalarValue, parent: string): void {
    const type = info.scalarType!;
    if (type === 'string' || type === 'bytes') {
      if (v.kind === 'string') {
        if (field.name === 'type' && parent === 'LayerParameter') this.layerType(v.value, v.span);
        else if (field.name === 'type' && parent === 'V0LayerParameter') this.v0LayerType(v.value, v.span);
        return;
      }
      const text = v.kind === 'number' ? v.raw : v.value;
      const v2 = parent === 'LayerParameter' && field.name === 'type' && v.kind === 'identifier'
        ? this.schema.v1ToV2LayerType(v.value) : undefined;
      if (v2) {
        this.report('error', v.span,
          `\`type\` of a V2 \`layer\` is a quoted string: the V1 enum \`${v.value}\` is written "${v2}"`, 'wrong-value-type',
          [this.replaceFix(`Change to "${v2}"`, v.span, JSON.stringify(v2), true)]);
        return;
      }
      this.report('error', v.span, `\`${field.name}\` takes a quoted string, not ${describeValue(v)}`, 'wrong-value-type',
        [this.replaceFix('Quote the value', v.span, JSON.stringify(text), true)]);
      return;
    }
    if (type === 'bool') {
      if (v.kind === 'identifier' && v.value in BOOL_WORDS) return;
      if (v.kind === 'number' && v.isInteger && (v.value === 0 || v.value === 1)) return;
      const fixes = v.kind === 'string' && v.value in BOOL_WORDS ? [this.replaceFix('Remove the quotes', v.span, v.value, true)] : [];
      this.report('error', v.span, `\`${field.name}\` takes true or false, not ${describeValue(v)}`, 'wrong-value-type', fixes);
      return;
    }
    if (type === 'float' || type === 'double') {
      if (v.kind === 'number') return;
      if (v.kind === 'identifier' && FLOAT_WORDS.has(v.value.replace(/^-/, '').toLowerCase())) return;
      const fixes = v.kind === 'string' && v.value.trim() !== '' && Number.isFinite(Number(v.value))
        ? [this.replaceFix('Remove the quotes', v.span, v.value.trim(), true)] : [];
      this.report('error', v.span, `\`${field.name}\` takes ${expectedOf(info)}, not ${describeValue(v)}`, 'wrong-value-type', fixes);
      return;
    }
    // Integer types.
    if (v.kind !== 'number') {
      const fixes = v.kind === 'string' && /^-?\d+$/.test(v.value.trim())
        ? [this.replaceFix('Remove the quotes', v.span, v.value.trim(), true)] : [];
      this.report('error', v.span, `\`${field.name}\` takes ${expectedOf(info)}, not ${describeValue(v)}`, 'wrong-value-type', fixes);
      return;
    }
    const n = v.isInteger ? integerOf(v) : undefined;
    if (n === undefined) {
      const fixes = Number.isInteger(v.value) ? [this.replaceFix(`Change to ${v.value}`, v.span, String(v.value), true)] : [];
      this.report('error', v.span, `\`${field.name}\` takes ${expectedOf(info)}, not ${describeValue(v)}`, 'wrong-value-type', fixes);
      return;
    }
    const [min, max] = INT_RANGES[type]!;
    if (n < min || n > max) {
      const why = n < 0n && min === 0n ? `is ${type} and cannot be negative` : `must be within ${min} to ${max} (${type})`;
      this.report('error', v.span, `\`${field.name}\` ${why}; got ${v.raw}`, 'out-of-range');
    }
  }

  private layerType(name: string, span: Span): void {
    const known = this.schema.layerType(name);
    if (known) {
      if (known.fork) this.report('information', span, forkMessage(`Layer type "${name}"`, known.fork), 'fork-extension');
      return;
    }
    const suggestions = suggestAll(name, this.schema.v2LayerTypes());
    const hint = suggestions.length ? `; did you mean "${suggestions[0]}"?` : '';
    this.report('warning', span,
      `Unknown layer type "${name}"${hint} (Caffe fails unless a custom layer of this name is built in)`,
      'unknown-layer-type',
      suggestions.map((s, i) => this.replaceFix(`Change to "${s}"`, span, JSON.stringify(s), i === 0)));
  }

  private v0LayerType(name: string, span: Span): void {
    if (this.schema.v0ToV2LayerType(name) !== undefined) return;
    const suggestions = suggestAll(name, this.schema.v0LayerTypeNames());
    const hint = suggestions.length ? `; did you mean "${suggestions[0]}"?` : '';
    this.report('warning', span, `Unknown V0 layer type "${name}"${hint}`, 'unknown-layer-type',
      suggestions.map((s, i) => this.replaceFix(`Change to "${s}"`, span, JSON.stringify(s), i === 0)));
  }

  private replaceFix(title: string, span: Span, newText: string, preferred: boolean): QuickFix {
    return { title, edits: [{ span, newText }], preferred };
  }

  private report(severity: Severity, span: Span, message: string, code: string, fixes?: QuickFix[]): void {
    const p: Problem = { severity, message, span, code };
    if (fixes && fixes.length) p.fixes = fixes;
    this.problems.push(p);
  }
}
