// Checks a parsed prototxt against Caffe's schema the way protobuf's text-format parser would
// (unknown fields, wrong value kinds, ranges, enum values, repeated vs singular, message vs
// scalar), plus Caffe-level checks of layer type strings. Non-BVLC fork extensions are accepted
// and reported as Information. One linear walk over the parser's flat table (no object per field:
// a value is read back only when its check needs it); schema lookups are cached.
import { runToEnd } from '../text/steps';
import type { Field, MessageValue, NumberValue, ParsedDocument, ScalarValue, Span, Value } from '../text/ast';
import { scalarAt } from '../text/materialize';
import { type SyntaxTable, ValueKind } from '../text/syntax-table';
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
  return runToEnd(detectFileKindSteps(doc));
}

/** Top-level fields gone through between two yields of the stepped passes (a millisecond or so). */
const FIELDS_PER_STEP = 1024;

/** detectFileKind in steps: it yields every FIELDS_PER_STEP fields (the server's stepped analysis). */
export function* detectFileKindSteps(doc: ParsedDocument): Generator<void, FileKind> {
  const schema = caffeSchema();
  let solverVotes = 0;
  let netVotes = 0;
  const t = doc.table;
  for (let c = 1, n = 1; c < t.size; c = t.after(c), n++) {
    if (n % FIELDS_PER_STEP === 0) yield;
    if (t.isDetached(c)) continue;
    const name = t.name(c);
    const inNet = schema.fieldOf('NetParameter', name) !== undefined;
    const inSolver = schema.fieldOf('SolverParameter', name) !== undefined;
    if (inSolver && !inNet) solverVotes++;
    else if (inNet && !inSolver) netVotes++;
  }
  return solverVotes > netVotes ? 'solver' : 'net';
}

/** Problems of `doc` against the schema of `kind` (detected when not given), in document order. */
export function validateDocument(doc: ParsedDocument, kind: FileKind = detectFileKind(doc)): Problem[] {
  return runToEnd(validateDocumentSteps(doc, kind));
}

/** validateDocument in steps: it yields every FIELDS_PER_STEP top-level fields. */
export function* validateDocumentSteps(doc: ParsedDocument, kind: FileKind): Generator<void, Problem[]> {
  const v = new Validator(caffeSchema(), doc.table);
  yield* v.messageSteps(0, rootTypeOf(kind));
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
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

/** The words protobuf's text format accepts for a bool. */
const BOOL_WORDS: ReadonlySet<string> = new Set(['true', 'True', 't', 'false', 'False', 'f']);
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
    case 'string':
      return `the string ${JSON.stringify(v.value)}`;
    case 'number':
      return v.isInteger ? `the integer ${v.raw}` : `the number ${v.raw}`;
    case 'identifier':
      return `\`${v.value}\``;
    case 'message':
      return 'a message';
    case 'list':
      return 'a list';
  }
}

function expectedOf(info: FieldInfo): string {
  if (info.kind === 'enum') return `an enum value of ${info.type}`;
  if (info.kind === 'message') return `a message (${info.type})`;
  switch (info.scalarType) {
    case 'string':
    case 'bytes':
      return 'a quoted string';
    case 'bool':
      return 'true or false';
    case 'float':
    case 'double':
      return `a number (${info.scalarType})`;
    case 'uint32':
    case 'uint64':
    case 'fixed32':
    case 'fixed64':
      return `a non-negative integer (${info.scalarType})`;
    default:
      return `an integer (${info.scalarType})`;
  }
}

function listOf(names: string[], max = 12): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, …` : shown;
}

const SIGNED_TYPES: ReadonlySet<ScalarType> = new Set<ScalarType>(['int32', 'int64', 'sint32', 'sint64', 'sfixed32', 'sfixed64']);
const UNSIGNED_TYPES: ReadonlySet<ScalarType> = new Set<ScalarType>(['uint32', 'uint64', 'fixed32', 'fixed64']);

class Validator {
  readonly problems: Problem[] = [];
  /** Names of each enum field's values (looked up once per field, not per occurrence). */
  private readonly enumNames = new Map<FieldInfo, string[]>();
  private readonly fieldInfos = new Map<string, Array<FieldInfo | null | undefined>>();

  constructor(
    private readonly schema: CaffeSchema,
    private readonly t: SyntaxTable,
  ) {}

  /** Checks the message at `node` (the root, a field's message value or a list item) as `typeName`. */
  message(node: number, typeName: string): void {
    runToEnd(this.messageSteps(node, typeName, Infinity));
  }

  /** `message` in steps: it yields every `fieldsPerStep` of the message's own fields. */
  *messageSteps(node: number, typeName: string, fieldsPerStep = FIELDS_PER_STEP): Generator<void, void> {
    const t = this.t;
    const infos = this.fieldInfosOf(typeName);
    // Non-repeated fields seen so far in this message (protobuf rejects a second occurrence).
    const seen = new Set<string>();
    for (let c = node + 1, end = t.after(node), n = 1; c < end; c = t.after(c), n++) {
      if (n % fieldsPerStep === 0) yield;
      if (t.isDetached(c)) continue;
      const name = t.name(c);
      const id = t.nameId(c);
      let info = id >= 0 ? infos[id] : undefined;
      if (info === undefined) {
        info = this.schema.fieldOf(typeName, name) ?? null;
        if (id >= 0) infos[id] = info;
      }
      if (!info) {
        this.unknownField(c, name, typeName);
        continue;
      }
      if (info.fork) this.report('information', this.nameSpan(c), forkMessage(`\`${name}\``, info.fork), 'fork-extension');
      if (!info.repeated) {
        if (seen.has(name)) {
          this.report(
            'error',
            this.nameSpan(c),
            `\`${name}\` is not repeated but is given more than once in this ${typeName} (Caffe rejects the file)`,
            'duplicate-field',
          );
        }
        seen.add(name);
      }
      if (t.valueKind(c) !== ValueKind.None) this.fieldValue(c, name, info, typeName);
    }
    for (const info of this.schema.requiredFieldsOf(typeName)) {
      if (!seen.has(info.name)) {
        const start = t.valueStart(node);
        this.report('error', { start, end: Math.min(t.end(node), start + 1) }, `${typeName} requires \`${info.name}\``, 'missing-required');
      }
    }
  }

  /** Schema fields of `typeName` by the table's name ids (null: no such field), filled as met. */
  private fieldInfosOf(typeName: string): Array<FieldInfo | null | undefined> {
    let infos = this.fieldInfos.get(typeName);
    if (!infos) this.fieldInfos.set(typeName, (infos = []));
    return infos;
  }

  private nameSpan(node: number): Span {
    return { start: this.t.start(node), end: this.t.nameEnd(node) };
  }

  private valueSpan(node: number): Span {
    return { start: this.t.valueStart(node), end: this.t.end(node) };
  }

  /** "Did you mean" per (message type, name): a file repeating one unknown name thousands of times pays once. */
  private readonly fieldSuggestions = new Map<string, string[]>();

  private unknownField(node: number, name: string, typeName: string): void {
    const key = `${typeName}\u0000${name}`;
    let suggestions = this.fieldSuggestions.get(key);
    if (!suggestions)
      this.fieldSuggestions.set(
        key,
        (suggestions = suggestAll(
          name,
          this.schema.fieldsOf(typeName).map((f) => f.name),
        )),
      );
    const hint = suggestions.length ? `; did you mean \`${suggestions[0]}\`?` : '';
    const span = this.nameSpan(node);
    this.report(
      'error',
      span,
      `Unknown field \`${name}\` in ${typeName}${hint}`,
      'unknown-field',
      suggestions.map((s, i) => this.replaceFix(`Change to \`${s}\``, span, s, i === 0)),
    );
  }

  private fieldValue(field: number, name: string, info: FieldInfo, parent: string): void {
    const t = this.t;
    if (t.valueKind(field) === ValueKind.List) {
      if (!info.repeated) {
        this.report('error', this.valueSpan(field), `\`${name}\` is not repeated: give one value, not a list`, 'not-repeated');
      }
      for (let item = field + 1, end = t.after(field); item < end; item = t.after(item)) this.single(name, info, item, parent);
      return;
    }
    this.single(name, info, field, parent);
  }

  /** One value (`node` is the field, or a list item) of field `name`. */
  private single(name: string, info: FieldInfo, node: number, parent: string): void {
    const kind = this.t.valueKind(node);
    if (info.kind === 'message') {
      if (kind === ValueKind.Message) this.message(node, info.type);
      else {
        this.report(
          'error',
          this.valueSpan(node),
          `\`${name}\` is a message (${info.type}): write \`${name} { ... }\`, not ${describeValue(scalarAt(this.t, node))}`,
          'expected-message',
        );
      }
      return;
    }
    if (kind === ValueKind.Message) {
      this.report('error', this.valueSpan(node), `\`${name}\` takes ${expectedOf(info)}, not a message`, 'expected-scalar');
      return;
    }
    if (this.plainlyValid(name, info, node, kind, parent)) return;
    const v = scalarAt(this.t, node);
    if (info.kind === 'enum') this.enumValue(name, info, v, parent);
    else this.scalar(name, info, v, parent);
  }

  /**
   * The common right cases, decided from the table without reading the value into an object: a
   * number for a float field, a short decimal for a signed integer, a known enum word, a string
   * for a string field (layer types are checked here too).
   */
  private plainlyValid(name: string, info: FieldInfo, node: number, kind: ValueKind, parent: string): boolean {
    const t = this.t;
    if (info.kind === 'enum') return kind === ValueKind.Identifier && this.enumNamesOf(info).includes(t.raw(node));
    const type = info.scalarType!;
    switch (kind) {
      case ValueKind.Number:
        if (type === 'float' || type === 'double') return true;
        // Up to 9 characters of a decimal literal (sign and digits) fit any 32- or 64-bit integer
        // type, unless it is negative and the type unsigned.
        if (t.isFloat(node) || t.numberBase(node) !== 10 || t.end(node) - t.valueStart(node) > 9) return false;
        return SIGNED_TYPES.has(type) || (UNSIGNED_TYPES.has(type) && this.t.text.charCodeAt(t.valueStart(node)) !== 0x2d);
      case ValueKind.Identifier:
        return type === 'bool' && BOOL_WORDS.has(t.raw(node));
      case ValueKind.String:
        if (type !== 'string' && type !== 'bytes') return false;
        if (name === 'type' && parent === 'LayerParameter') this.layerType(t.stringValue(node), this.valueSpan(node));
        else if (name === 'type' && parent === 'V0LayerParameter') this.v0LayerType(t.stringValue(node), this.valueSpan(node));
        return true;
      default:
        return false;
    }
  }

  private enumNamesOf(info: FieldInfo): string[] {
    let names = this.enumNames.get(info);
    if (!names) this.enumNames.set(info, (names = (info.enumValues ?? []).map((e) => e.name)));
    return names;
  }

  private enumValue(name: string, info: FieldInfo, v: ScalarValue, parent: string): void {
    const values = info.enumValues ?? [];
    const names = this.enumNamesOf(info);
    if (v.kind === 'identifier') {
      if (names.includes(v.value)) return;
      const suggestions = suggestAll(v.value, names);
      const hint = suggestions.length ? ` Did you mean \`${suggestions[0]}\`?` : '';
      this.report(
        'error',
        v.span,
        `\`${v.value}\` is not a value of ${info.type}.${hint} Valid: ${listOf(names)}`,
        'unknown-enum-value',
        suggestions.map((s, i) => this.replaceFix(`Change to \`${s}\``, v.span, s, i === 0)),
      );
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
    const v1 = parent === 'V1LayerParameter' && name === 'type' ? this.schema.v2ToV1LayerType(v.value) : undefined;
    if (v1) fixes.push(this.replaceFix(`Change to \`${v1}\``, v.span, v1, true));
    const extra =
      parent === 'V1LayerParameter' && name === 'type'
        ? ' (V1 `layers` take an enum such as CONVOLUTION; quoted names belong in V2 `layer`)'
        : '';
    this.report(
      'error',
      v.span,
      `\`${name}\` takes an unquoted enum value of ${info.type}, not ${describeValue(v)}${extra}`,
      'wrong-value-type',
      fixes,
    );
  }

  private scalar(name: string, info: FieldInfo, v: ScalarValue, parent: string): void {
    const type = info.scalarType!;
    if (type === 'string' || type === 'bytes') {
      if (v.kind === 'string') {
        if (name === 'type' && parent === 'LayerParameter') this.layerType(v.value, v.span);
        else if (name === 'type' && parent === 'V0LayerParameter') this.v0LayerType(v.value, v.span);
        return;
      }
      const text = v.kind === 'number' ? v.raw : v.value;
      const v2 =
        parent === 'LayerParameter' && name === 'type' && v.kind === 'identifier' ? this.schema.v1ToV2LayerType(v.value) : undefined;
      if (v2) {
        this.report(
          'error',
          v.span,
          `\`type\` of a V2 \`layer\` is a quoted string: the V1 enum \`${v.value}\` is written "${v2}"`,
          'wrong-value-type',
          [this.replaceFix(`Change to "${v2}"`, v.span, JSON.stringify(v2), true)],
        );
        return;
      }
      this.report('error', v.span, `\`${name}\` takes a quoted string, not ${describeValue(v)}`, 'wrong-value-type', [
        this.replaceFix('Quote the value', v.span, JSON.stringify(text), true),
      ]);
      return;
    }
    if (type === 'bool') {
      if (v.kind === 'identifier' && BOOL_WORDS.has(v.value)) return;
      if (v.kind === 'number' && v.isInteger && (v.value === 0 || v.value === 1)) return;
      const fixes = v.kind === 'string' && BOOL_WORDS.has(v.value) ? [this.replaceFix('Remove the quotes', v.span, v.value, true)] : [];
      this.report('error', v.span, `\`${name}\` takes true or false, not ${describeValue(v)}`, 'wrong-value-type', fixes);
      return;
    }
    if (type === 'float' || type === 'double') {
      if (v.kind === 'number') return;
      if (v.kind === 'identifier' && FLOAT_WORDS.has(v.value.replace(/^-/, '').toLowerCase())) return;
      const fixes =
        v.kind === 'string' && v.value.trim() !== '' && Number.isFinite(Number(v.value))
          ? [this.replaceFix('Remove the quotes', v.span, v.value.trim(), true)]
          : [];
      this.report('error', v.span, `\`${name}\` takes ${expectedOf(info)}, not ${describeValue(v)}`, 'wrong-value-type', fixes);
      return;
    }
    // Integer types.
    if (v.kind !== 'number') {
      const fixes =
        v.kind === 'string' && /^-?\d+$/.test(v.value.trim()) ? [this.replaceFix('Remove the quotes', v.span, v.value.trim(), true)] : [];
      this.report('error', v.span, `\`${name}\` takes ${expectedOf(info)}, not ${describeValue(v)}`, 'wrong-value-type', fixes);
      return;
    }
    const n = v.isInteger ? integerOf(v) : undefined;
    if (n === undefined) {
      const fixes = Number.isInteger(v.value) ? [this.replaceFix(`Change to ${v.value}`, v.span, String(v.value), true)] : [];
      this.report('error', v.span, `\`${name}\` takes ${expectedOf(info)}, not ${describeValue(v)}`, 'wrong-value-type', fixes);
      return;
    }
    const [min, max] = INT_RANGES[type]!;
    if (n < min || n > max) {
      const why = n < 0n && min === 0n ? `is ${type} and cannot be negative` : `must be within ${min} to ${max} (${type})`;
      this.report('error', v.span, `\`${name}\` ${why}; got ${v.raw}`, 'out-of-range');
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
    this.report(
      'warning',
      span,
      `Unknown layer type "${name}"${hint} (Caffe fails unless a custom layer of this name is built in)`,
      'unknown-layer-type',
      suggestions.map((s, i) => this.replaceFix(`Change to "${s}"`, span, JSON.stringify(s), i === 0)),
    );
  }

  private v0LayerType(name: string, span: Span): void {
    if (this.schema.v0ToV2LayerType(name) !== undefined) return;
    const suggestions = suggestAll(name, this.schema.v0LayerTypeNames());
    const hint = suggestions.length ? `; did you mean "${suggestions[0]}"?` : '';
    this.report(
      'warning',
      span,
      `Unknown V0 layer type "${name}"${hint}`,
      'unknown-layer-type',
      suggestions.map((s, i) => this.replaceFix(`Change to "${s}"`, span, JSON.stringify(s), i === 0)),
    );
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
