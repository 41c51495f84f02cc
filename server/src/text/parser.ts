// Parser for protobuf text format (Caffe .prototxt), written for an editor: it never throws, keeps
// exact spans on every node, reports clear errors and recovers so that one mistake does not hide
// the rest of the file. It is iterative (an explicit stack of open messages and lists), so deeply
// nested input cannot overflow the call stack, and every step consumes a token or closes a frame,
// so it runs in linear time.
import type {
  Comment, Field, ListValue, MessageValue, NumberValue, ParsedDocument, ScalarValue, Span, SyntaxError,
} from './ast';
import { Lexer, Tok as TokenKinds, decodeStringContent, isIdentChar, numberValue } from './lexer';
import { LineIndex } from './line-index';

export function parse(text: string): ParsedDocument {
  const source = typeof text === 'string' ? text : String(text ?? '');
  try {
    return new Parser(source).run();
  } catch (error) {
    // Defence in depth: an editor must get a document whatever happens.
    return {
      root: { kind: 'message', fields: [], span: { start: 0, end: source.length }, closed: true },
      comments: [],
      errors: [{ message: `internal parser error: ${(error as Error)?.message ?? error}`, span: { start: 0, end: 0 } }],
    };
  }
}

interface MessageFrame {
  isList: false;
  msg: MessageValue;
  /** The token that closes it; EOF for the document root. */
  close: Tok;
  /** The field whose value it is; null for the root, list items and nameless blocks. */
  field: Field | null;
  /** How errors name it, e.g. `'layer'`. */
  label: string;
  /** Where it starts for "missing '}'" errors: the field name, or the brace. */
  reportStart: number;
}

interface ListFrame {
  isList: true;
  list: ListValue;
  field: Field;
  expectItem: boolean;
  afterComma: boolean;
  reportedMissingColon: boolean;
}

type Frame = MessageFrame | ListFrame;

/** Bounds of the string sharing table (memory stays small whatever the input). */
const INTERN_MASK = 4095;
const MAX_INTERNED_LENGTH = 32;

// A module-local alias: a CommonJS re-export is read through a getter on every access, which costs
// a lot in the hot loop when the sources run unbundled (tests, tsx).
const Tok = TokenKinds;
type Tok = TokenKinds;

const CLOSER: Partial<Record<Tok, string>> = { [Tok.RBrace]: '}', [Tok.RAngle]: '>', [Tok.RBracket]: ']' };

class Parser {
  private readonly lx: Lexer;
  private readonly comments: Comment[] = [];
  private readonly errors: SyntaxError[] = [];
  private readonly stack: Frame[] = [];
  private lines?: LineIndex;
  private readonly interned: Array<string | undefined> = new Array(INTERN_MASK + 1);

  constructor(private readonly text: string) {
    this.lx = new Lexer(text, this.comments, this.errors);
  }

  run(): ParsedDocument {
    const root: MessageValue = { kind: 'message', fields: [], span: { start: 0, end: this.text.length }, closed: true };
    this.stack.push({ isList: false, msg: root, close: Tok.EOF, field: null, label: 'the document', reportStart: 0 });
    this.lx.next();
    const stack = this.stack;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.isList) this.stepList(top);
      else this.stepMessage(top);
    }
    // Lexer and parser errors interleave; report them in text order.
    this.errors.sort((a, b) => a.span.start - b.span.start);
    return { root, comments: this.comments, errors: this.errors };
  }

  // ---- messages -----------------------------------------------------------------------------

  /** One step inside a message body: a field, the closing brace, or recovery from a bad token. */
  private stepMessage(frame: MessageFrame): void {
    const lx = this.lx;
    switch (lx.kind) {
      case Tok.Ident:
      case Tok.LBracket:
        this.parseField(frame);
        return;
      case Tok.RBrace:
      case Tok.RAngle: {
        const found = CLOSER[lx.kind];
        if (frame.close === Tok.EOF) {
          this.errorAtToken(`unexpected '${found}': there is no open '${found === '}' ? '{' : '<'}' to close`);
          lx.next();
          return;
        }
        if (lx.kind !== frame.close) {
          this.errorAtToken(`expected '${CLOSER[frame.close]}' to close ${frame.label} but found '${found}'`);
        }
        this.closeMessage(frame, true);
        return;
      }
      case Tok.EOF:
        if (frame.close === Tok.EOF) {
          this.stack.pop();
          return;
        }
        this.error(
          `missing '${CLOSER[frame.close]}' to close ${frame.label} opened at line ${this.lineOf(frame.msg.span.start)}`,
          { start: frame.reportStart, end: frame.msg.span.start + 1 },
        );
        this.closeMessage(frame, false);
        return;
      case Tok.Comma:
      case Tok.Semicolon:
        this.errorAtToken(`unexpected '${this.tokenText()}': a separator must follow a field`);
        lx.next();
        return;
      case Tok.LBrace:
      case Tok.LAngle:
        this.errorAtToken(`expected a field name before '${this.tokenText()}'`);
        this.openNamelessBlock();
        return;
      default:
        this.errorAtToken(
          lx.kind === Tok.Invalid ? `unexpected character ${this.describeToken()}` : `expected a field name but found ${this.describeToken()}`,
        );
        this.skipToFieldStart();
    }
  }

  /**
   * Recovery after a bad token where a field should start: skip to the next plausible field start
   * (a name followed by `:`/`{`, or a name first on its line), a brace, or the end. One error
   * covers the whole skipped run.
   */
  private skipToFieldStart(): void {
    const lx = this.lx;
    lx.next();
    for (;;) {
      const k = lx.kind;
      if (k === Tok.EOF || k === Tok.RBrace || k === Tok.RAngle) return;
      if (k === Tok.LBrace || k === Tok.LAngle) {
        this.openNamelessBlock();
        return;
      }
      if (k === Tok.Ident) {
        if (lx.lineBreakBefore) return;
        const n = lx.peekKind();
        if (n === Tok.Colon || n === Tok.LBrace || n === Tok.LAngle) return;
      }
      lx.next();
    }
  }

  /** A `{ ... }` with no field name: parsed (so its braces balance) but kept out of the tree. */
  private openNamelessBlock(): void {
    const lx = this.lx;
    const msg: MessageValue = { kind: 'message', fields: [], span: { start: lx.start, end: lx.end }, closed: false };
    const close = lx.kind === Tok.LAngle ? Tok.RAngle : Tok.RBrace;
    this.stack.push({ isList: false, msg, close, field: null, label: 'the block', reportStart: lx.start });
    lx.next();
  }

  private openMessage(field: Field | null, label: string, reportStart: number): MessageValue {
    const lx = this.lx;
    const msg: MessageValue = { kind: 'message', fields: [], span: { start: lx.start, end: lx.end }, closed: false };
    const close = lx.kind === Tok.LAngle ? Tok.RAngle : Tok.RBrace;
    this.stack.push({ isList: false, msg, close, field, label, reportStart });
    lx.next();
    return msg;
  }

  /** Closes the top message: at its closing token (`closed`), or at the end of text (unclosed). */
  private closeMessage(frame: MessageFrame, closed: boolean): void {
    const lx = this.lx;
    const msg = frame.msg;
    if (closed) {
      msg.span.end = lx.end;
      msg.closed = true;
      lx.next();
    } else {
      msg.span.end = Math.max(lx.prevEnd, msg.span.start + 1);
    }
    this.stack.pop();
    // A pushed-to array keeps room for 17 entries; an exact copy keeps large trees ~10% smaller.
    if (msg.fields.length < 12) msg.fields = msg.fields.slice();
    const field = frame.field;
    if (field !== null) {
      field.span.end = msg.span.end;
      if (closed) this.skipSeparator();
    }
  }

  // ---- fields -------------------------------------------------------------------------------

  private parseField(frame: MessageFrame): void {
    const lx = this.lx;
    const nameStart = lx.start;
    let name: string;
    let nameEnd: number;
    if (lx.kind === Tok.Ident) {
      name = this.intern(nameStart, lx.end);
      nameEnd = lx.end;
      lx.next();
    } else {
      [name, nameEnd] = this.extensionName();
    }
    const field: Field = {
      name, nameSpan: { start: nameStart, end: nameEnd }, hasColon: false, span: { start: nameStart, end: nameEnd },
    };
    frame.msg.fields.push(field);

    let kind = lx.kind;
    if (kind === Tok.Colon) {
      field.hasColon = true;
      const colonEnd = lx.end;
      lx.next();
      kind = lx.kind;
      if (kind === Tok.LBrace || kind === Tok.LAngle) return this.openFieldMessage(field);
      if (kind === Tok.LBracket) return this.openList(field);
      if (this.startsScalar(kind)) return this.finishScalarField(field);
      field.span.end = colonEnd;
      this.error(`expected a value after '${name}:' but found ${this.describeToken()}`, { start: nameStart, end: colonEnd });
      return;
    }
    if (kind === Tok.LBrace || kind === Tok.LAngle) return this.openFieldMessage(field);
    if (kind === Tok.LBracket) return this.openList(field);
    if (!lx.lineBreakBefore && kind !== Tok.EOF && this.startsScalar(kind)) {
      this.error(`expected ':' between field name '${name}' and its value`, field.nameSpan);
      return this.finishScalarField(field);
    }
    this.error(`expected ':' or '{' after field name '${name}'`, field.nameSpan);
  }

  private openFieldMessage(field: Field): void {
    field.value = this.openMessage(field, `'${field.name}'`, field.nameSpan.start);
  }

  /** `[ext.name]` or `[type.googleapis.com/pkg.Type]` field names, read straight from the text. */
  private extensionName(): [string, number] {
    const text = this.text;
    const open = this.lx.start;
    let q = this.lx.end;
    while (q < text.length) {
      const c = text.charCodeAt(q);
      if (isIdentChar(c) || c === 0x2e || c === 0x2f || c === 0x20 || c === 0x09) q++;
      else break;
    }
    const inner = text.slice(open + 1, q).replace(/[ \t]/g, '');
    if (q < text.length && text.charCodeAt(q) === 0x5d /* ] */ && inner.length > 0) {
      this.lx.resetTo(q + 1);
      return [`[${inner}]`, q + 1];
    }
    this.error("expected an extension name and ']' after '['", { start: open, end: q });
    this.lx.resetTo(q);
    return [`[${inner}`, q];
  }

  private skipSeparator(): void {
    const k = this.lx.kind;
    if (k === Tok.Comma || k === Tok.Semicolon) this.lx.next();
  }

  // ---- scalars ------------------------------------------------------------------------------

  /** Whether the current token begins a scalar value (a name followed by `:` or `{` is a field instead). */
  private startsScalar(kind: Tok): boolean {
    if (kind === Tok.String || kind === Tok.Number || kind === Tok.Minus) return true;
    if (kind !== Tok.Ident) return false;
    const next = this.lx.peekKind();
    return next !== Tok.Colon && next !== Tok.LBrace && next !== Tok.LAngle;
  }

  private finishScalarField(field: Field): void {
    const value = this.parseScalar();
    if (value) {
      field.value = value;
      field.span.end = value.span.end;
    } else {
      field.span.end = Math.max(this.lx.prevEnd, field.nameSpan.end);
    }
    this.skipSeparator();
  }

  /** Parses the scalar at the current token; undefined (error reported) when it is malformed. */
  private parseScalar(): ScalarValue | undefined {
    const lx = this.lx;
    const text = this.text;
    const start = lx.start;
    switch (lx.kind) {
      case Tok.String:
        return this.parseString();
      case Tok.Number: {
        const end = lx.end;
        const valid = lx.numValid;
        const isFloat = lx.numIsFloat;
        const base = lx.numBase;
        lx.next();
        if (!valid) return undefined;
        const raw = this.intern(start, end);
        const value = base === 10 && !isFloat ? Number(raw) : numberValue(raw, base, isFloat);
        return { kind: 'number', value, isInteger: !isFloat, raw, span: { start, end } };
      }
      case Tok.Ident: {
        const end = lx.end;
        lx.next();
        const special = specialFloat(text, start, end);
        if (special !== undefined) {
          return { kind: 'number', value: special, isInteger: false, raw: text.slice(start, end), span: { start, end } };
        }
        return { kind: 'identifier', value: this.intern(start, end), span: { start, end } };
      }
      case Tok.Minus:
        return this.parseSpacedNegative();
      default:
        return undefined;
    }
  }

  /** `- 5` or `-inf`: a minus sign not glued to digits (glued ones are lexed as one number). */
  private parseSpacedNegative(): NumberValue | undefined {
    const lx = this.lx;
    const text = this.text;
    const start = lx.start;
    lx.next();
    if (lx.kind === Tok.Number && text.charCodeAt(lx.start) !== 0x2d) {
      const end = lx.end;
      const { numValid: valid, numIsFloat: isFloat, numBase: base } = lx;
      const digits = text.slice(lx.start, end);
      lx.next();
      if (!valid) return undefined;
      const raw = `-${digits}`;
      return { kind: 'number', value: numberValue(raw, base, isFloat), isInteger: !isFloat, raw, span: { start, end } };
    }
    if (lx.kind === Tok.Ident && !lx.lineBreakBefore) {
      const end = lx.end;
      const special = specialFloat(text, lx.start, end);
      const word = text.slice(lx.start, end);
      lx.next();
      if (special !== undefined) {
        return { kind: 'number', value: -special, isInteger: false, raw: `-${word}`, span: { start, end } };
      }
      this.error(`expected a number after '-' but found '${word}'`, { start, end });
      return undefined;
    }
    this.error(`expected a number after '-'`, { start, end: start + 1 });
    return undefined;
  }

  /** Adjacent literals concatenate: `"a" 'b'` is "ab". */
  private parseString(): ScalarValue {
    const lx = this.lx;
    const start = lx.start;
    let end = lx.end;
    const first = this.stringTokenValue();
    lx.next();
    if (lx.kind !== Tok.String) return { kind: 'string', value: first, span: { start, end } };
    const parts = [first];
    while (lx.kind === Tok.String) {
      parts.push(this.stringTokenValue());
      end = lx.end;
      lx.next();
    }
    return { kind: 'string', value: parts.join(''), span: { start, end } };
  }

  private stringTokenValue(): string {
    const lx = this.lx;
    const contentStart = lx.start + 1;
    const contentEnd = lx.strTerminated ? lx.end - 1 : lx.end;
    if (lx.strHasEscape) return decodeStringContent(this.text, contentStart, contentEnd);
    return contentEnd - contentStart <= MAX_INTERNED_LENGTH ? this.intern(contentStart, contentEnd) : this.text.slice(contentStart, contentEnd);
  }

  // ---- lists --------------------------------------------------------------------------------

  private openList(field: Field): void {
    const lx = this.lx;
    const list: ListValue = { kind: 'list', items: [], span: { start: lx.start, end: lx.end } };
    field.value = list;
    field.span.end = lx.end;
    this.stack.push({ isList: true, list, field, expectItem: true, afterComma: false, reportedMissingColon: false });
    lx.next();
  }

  private stepList(frame: ListFrame): void {
    const lx = this.lx;
    const kind = lx.kind;
    const name = frame.field.name;
    if (kind === Tok.RBracket) {
      if (frame.afterComma) this.errorAtToken(`expected a value after ',' in the list of '${name}'`);
      this.closeList(frame);
      return;
    }
    if (!frame.expectItem) {
      if (kind === Tok.Comma) {
        lx.next();
        frame.expectItem = true;
        frame.afterComma = true;
        return;
      }
      if (kind !== Tok.LBrace && kind !== Tok.LAngle && !this.startsScalar(kind)) {
        this.unclosedList(frame);
        return;
      }
      this.errorAtToken(`expected ',' or ']' between the values of '${name}'`);
    }
    frame.expectItem = false;
    frame.afterComma = false;
    if (kind === Tok.LBrace || kind === Tok.LAngle) {
      frame.list.items.push(this.openMessage(null, `a message in the list of '${name}'`, lx.start));
      return;
    }
    if (!this.startsScalar(kind)) {
      this.unclosedList(frame);
      return;
    }
    if (!frame.field.hasColon && !frame.reportedMissingColon) {
      frame.reportedMissingColon = true;
      this.error(`expected ':' between field name '${name}' and its list of values`, frame.field.nameSpan);
    }
    const value = this.parseScalar();
    if (value) frame.list.items.push(value);
    frame.list.span.end = frame.field.span.end = lx.prevEnd;
  }

  private closeList(frame: ListFrame): void {
    const lx = this.lx;
    frame.list.span.end = frame.field.span.end = lx.end;
    lx.next();
    this.stack.pop();
    this.skipSeparator();
  }

  private unclosedList(frame: ListFrame): void {
    const lx = this.lx;
    const open = frame.list.span.start;
    this.error(`missing ']' to close the list of '${frame.field.name}' opened at line ${this.lineOf(open)}`, {
      start: open, end: open + 1,
    });
    frame.list.span.end = frame.field.span.end = Math.max(lx.prevEnd, open + 1);
    this.stack.pop();
  }

  /**
   * The text at [start, end) as a shared string instance. Field names, enum values, numbers and
   * short strings repeat a lot; handing out one instance means no new string is allocated for a
   * repeat, so a large document keeps far less memory alive and the garbage collector copies far
   * less while it is built. A small open-addressing table keyed by a hash of the characters (no
   * string is created to look one up); bounded probing keeps every lookup O(length).
   */
  private intern(start: number, end: number): string {
    const text = this.text;
    const len = end - start;
    if (len > MAX_INTERNED_LENGTH) return text.slice(start, end);
    let h = len;
    for (let p = start; p < end; p++) h = (Math.imul(h, 31) + text.charCodeAt(p)) | 0;
    const table = this.interned;
    let slot = h & INTERN_MASK;
    for (let probe = 0; probe < 4; probe++) {
      const known = table[slot];
      if (known === undefined) return (table[slot] = text.slice(start, end));
      if (known.length === len && text.startsWith(known, start)) return known;
      slot = (slot + 1) & INTERN_MASK;
    }
    return text.slice(start, end);
  }

  // ---- errors -------------------------------------------------------------------------------

  private error(message: string, span: Span): void {
    this.errors.push({ message, span });
  }

  private errorAtToken(message: string): void {
    this.error(message, { start: this.lx.start, end: this.lx.end });
  }

  private tokenText(): string {
    return this.text.slice(this.lx.start, this.lx.end);
  }

  /** The current token as error messages show it. */
  private describeToken(): string {
    const lx = this.lx;
    switch (lx.kind) {
      case Tok.EOF: return 'the end of the file';
      case Tok.String: return 'a string';
      case Tok.Number: return `number '${this.tokenText()}'`;
      case Tok.Ident: return `'${this.tokenText()}'`;
      case Tok.Invalid: {
        const t = this.tokenText();
        const c = t.charCodeAt(0);
        const code = `U+${(t.codePointAt(0) ?? c).toString(16).toUpperCase().padStart(4, '0')}`;
        // Control characters are invisible, and non-ASCII ones may look like a space or a quote.
        if (c < 0x20 || c === 0x7f) return code;
        return c < 0x80 ? `'${t}'` : `'${t}' (${code})`;
      }
      default: return `'${this.tokenText()}'`;
    }
  }

  /** 1-based line of an offset (the index is built only when an error needs it). */
  private lineOf(offset: number): number {
    this.lines ??= new LineIndex(this.text);
    return this.lines.positionAt(offset).line + 1;
  }
}

/** `inf`, `infinity` and `nan`, any case, as protobuf accepts for float fields. */
function specialFloat(text: string, start: number, end: number): number | undefined {
  const len = end - start;
  if (len !== 3 && len !== 8) return undefined;
  const c = text.charCodeAt(start) | 0x20;
  if (c !== 0x69 /* i */ && c !== 0x6e /* n */) return undefined;
  const word = text.slice(start, end).toLowerCase();
  if (word === 'inf' || word === 'infinity') return Infinity;
  if (word === 'nan') return NaN;
  return undefined;
}
