// Parser for protobuf text format (Caffe .prototxt), written for an editor: it never throws, keeps
// exact spans on every node, reports clear errors and recovers so that one mistake does not hide
// the rest of the file. It is iterative (an explicit stack of open messages and lists), so deeply
// nested input cannot overflow the call stack, and every step consumes a token or closes a frame,
// so it runs in linear time. It writes the tree into a flat `SyntaxTable` (no object per node);
// `ParsedText` builds the object tree from it when a caller first asks for `root`.
import type { ParsedDocument, Span, SyntaxError } from './ast';
import { Lexer, Tok as TokenKinds, decodeStringContent, isIdentChar, numberValue } from './lexer';
import { LineIndex } from './line-index';
import { ParsedText } from './materialize';
import { SyntaxTable, ValueKind } from './syntax-table';
import { runToEnd } from './steps';

/** Parser steps (a field, a brace, a value) between pauses of `parseSteps`: well under a millisecond. */
const STEPS_PER_PAUSE = 4096;

export function parse(text: string): ParsedDocument {
  return runToEnd(parseSteps(text));
}

/** `parse` in steps (see steps.ts): pauses every few thousand tokens. */
export function* parseSteps(text: string): Generator<void, ParsedDocument> {
  const source = typeof text === 'string' ? text : String(text ?? '');
  try {
    return yield* new Parser(source).run();
  } catch (error) {
    // Defence in depth: an editor must get a document whatever happens.
    const table = new SyntaxTable(source);
    table.addBareValue(ValueKind.Message, 0, source.length);
    table.close(0, source.length, true);
    return new ParsedText(table, [{ message: `internal parser error: ${(error as Error)?.message ?? error}`, span: { start: 0, end: 0 } }]);
  }
}

/** What an open message is, for error messages. */
const enum Opened {
  Document,
  Field,
  Block,
  ListItem,
}

interface MessageFrame {
  isList: false;
  /** The message's node: the field whose value it is, or a bare node. */
  node: number;
  opened: Opened;
  /** The list field of a list item message (-1 otherwise). */
  list: number;
  /** Where the brace is. */
  openStart: number;
  /** The token that closes it; EOF for the document root. */
  close: Tok;
  /** Where it starts for "missing '}'" errors: the field name, or the brace. */
  reportStart: number;
}

interface ListFrame {
  isList: true;
  /** The list field's node. */
  node: number;
  expectItem: boolean;
  afterComma: boolean;
  reportedMissingColon: boolean;
}

type Frame = MessageFrame | ListFrame;

// A module-local alias: a CommonJS re-export is read through a getter on every access, which costs
// a lot in the hot loop when the sources run unbundled (tests, tsx).
const Tok = TokenKinds;
type Tok = TokenKinds;

const CLOSER: Partial<Record<Tok, string>> = { [Tok.RBrace]: '}', [Tok.RAngle]: '>', [Tok.RBracket]: ']' };

/** No field node: the scalar being parsed is a list item (a bare node). */
const ITEM = -1;

class Parser {
  private readonly lx: Lexer;
  private readonly t: SyntaxTable;
  private readonly errors: SyntaxError[] = [];
  private readonly stack: Frame[] = [];
  private lines?: LineIndex;

  constructor(private readonly text: string) {
    this.t = new SyntaxTable(text);
    this.lx = new Lexer(text, this.t, this.errors);
  }

  *run(): Generator<void, ParsedDocument> {
    const length = this.text.length;
    const root = this.t.addBareValue(ValueKind.Message, 0, length);
    this.stack.push({ isList: false, node: root, opened: Opened.Document, list: -1, openStart: 0, close: Tok.EOF, reportStart: 0 });
    this.lx.next();
    const stack = this.stack;
    for (let step = 1; stack.length > 0; step++) {
      const top = stack[stack.length - 1];
      if (top.isList) this.stepList(top);
      else this.stepMessage(top);
      if (step % STEPS_PER_PAUSE === 0) yield;
    }
    this.t.close(root, length, true);
    // Lexer and parser errors interleave; report them in text order.
    this.errors.sort((a, b) => a.span.start - b.span.start);
    return new ParsedText(this.t, this.errors);
  }

  // ---- messages -----------------------------------------------------------------------------

  /** One step inside a message body: a field, the closing brace, or recovery from a bad token. */
  private stepMessage(frame: MessageFrame): void {
    const lx = this.lx;
    switch (lx.kind) {
      case Tok.Ident:
      case Tok.LBracket:
        this.parseField();
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
          this.errorAtToken(`expected '${CLOSER[frame.close]}' to close ${this.labelOf(frame)} but found '${found}'`);
        }
        this.closeMessage(frame, true);
        return;
      }
      case Tok.EOF:
        if (frame.close === Tok.EOF) {
          this.stack.pop();
          return;
        }
        this.error(`missing '${CLOSER[frame.close]}' to close ${this.labelOf(frame)} opened at line ${this.lineOf(frame.openStart)}`, {
          start: frame.reportStart,
          end: frame.openStart + 1,
        });
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
          lx.kind === Tok.Invalid
            ? `unexpected character ${this.describeToken()}`
            : `expected a field name but found ${this.describeToken()}`,
        );
        this.skipToFieldStart();
    }
  }

  /** How errors name an open message, e.g. `'layer'`. */
  private labelOf(frame: MessageFrame): string {
    switch (frame.opened) {
      case Opened.Document:
        return 'the document';
      case Opened.Field:
        return `'${this.t.name(frame.node)}'`;
      case Opened.Block:
        return 'the block';
      case Opened.ListItem:
        return `a message in the list of '${this.t.name(frame.list)}'`;
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
    const node = this.t.addBareValue(ValueKind.Message, lx.start, lx.end);
    this.t.markDetached(node);
    this.pushMessage(node, Opened.Block, -1, lx.start);
  }

  /** Opens the message at the current brace as the value of field `node`, or as a list item. */
  private openMessage(field: number, list: number): void {
    const lx = this.lx;
    if (field === ITEM) {
      const node = this.t.addBareValue(ValueKind.Message, lx.start, lx.end);
      this.pushMessage(node, Opened.ListItem, list, lx.start);
    } else {
      this.t.setValue(field, ValueKind.Message, lx.start, lx.end);
      this.pushMessage(field, Opened.Field, -1, this.t.start(field));
    }
  }

  private pushMessage(node: number, opened: Opened, list: number, reportStart: number): void {
    const lx = this.lx;
    const close = lx.kind === Tok.LAngle ? Tok.RAngle : Tok.RBrace;
    this.stack.push({ isList: false, node, opened, list, openStart: lx.start, close, reportStart });
    lx.next();
  }

  /** Closes the top message: at its closing token (`closed`), or at the end of text (unclosed). */
  private closeMessage(frame: MessageFrame, closed: boolean): void {
    const lx = this.lx;
    if (closed) {
      this.t.close(frame.node, lx.end, true);
      lx.next();
    } else {
      this.t.close(frame.node, Math.max(lx.prevEnd, frame.openStart + 1), false);
    }
    this.stack.pop();
    if (closed && frame.opened === Opened.Field) this.skipSeparator();
  }

  // ---- fields -------------------------------------------------------------------------------

  private parseField(): void {
    const lx = this.lx;
    const t = this.t;
    const nameStart = lx.start;
    let nameId: number;
    let nameEnd: number;
    if (lx.kind === Tok.Ident) {
      nameId = t.names.id(nameStart, lx.end);
      nameEnd = lx.end;
      lx.next();
    } else {
      let name: string;
      [name, nameEnd] = this.extensionName();
      nameId = t.names.add(name);
    }
    const field = t.addField(nameId, nameStart, nameEnd);

    let kind = lx.kind;
    if (kind === Tok.Colon) {
      t.setColon(field);
      const colonEnd = lx.end;
      lx.next();
      kind = lx.kind;
      if (kind === Tok.LBrace || kind === Tok.LAngle) return this.openMessage(field, -1);
      if (kind === Tok.LBracket) return this.openList(field);
      if (this.startsScalar(kind)) return this.finishScalarField(field);
      t.setEnd(field, colonEnd);
      this.error(`expected a value after '${t.name(field)}:' but found ${this.describeToken()}`, { start: nameStart, end: colonEnd });
      return;
    }
    if (kind === Tok.LBrace || kind === Tok.LAngle) return this.openMessage(field, -1);
    if (kind === Tok.LBracket) return this.openList(field);
    if (!lx.lineBreakBefore && kind !== Tok.EOF && this.startsScalar(kind)) {
      this.error(`expected ':' between field name '${t.name(field)}' and its value`, this.nameSpan(field));
      return this.finishScalarField(field);
    }
    this.error(`expected ':' or '{' after field name '${t.name(field)}'`, this.nameSpan(field));
  }

  private nameSpan(field: number): Span {
    return { start: this.t.start(field), end: this.t.nameEnd(field) };
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

  private finishScalarField(field: number): void {
    if (!this.parseScalar(field)) this.t.setEnd(field, Math.max(this.lx.prevEnd, this.t.nameEnd(field)));
    this.skipSeparator();
  }

  /** Records `kind` at [start, end) as the value of `field`, or as a new list item; returns its node. */
  private scalar(field: number, kind: ValueKind, start: number, end: number): number {
    if (field === ITEM) return this.t.addBareValue(kind, start, end);
    this.t.setValue(field, kind, start, end);
    return field;
  }

  /**
   * Parses the scalar at the current token into `field` (or a new list item when ITEM); false
   * (error reported) when it is malformed.
   */
  private parseScalar(field: number): boolean {
    const lx = this.lx;
    const text = this.text;
    const start = lx.start;
    switch (lx.kind) {
      case Tok.String:
        this.parseString(field);
        return true;
      case Tok.Number: {
        const end = lx.end;
        const valid = lx.numValid;
        const isFloat = lx.numIsFloat;
        const base = lx.numBase;
        lx.next();
        if (!valid) return false;
        this.t.setNumber(this.scalar(field, ValueKind.Number, start, end), isFloat, base);
        return true;
      }
      case Tok.Ident: {
        const end = lx.end;
        lx.next();
        const special = specialFloat(text, start, end);
        if (special !== undefined) {
          const node = this.scalar(field, ValueKind.Number, start, end);
          this.t.setNumber(node, true, 10);
          this.t.setSpecial(node, { value: special, raw: text.slice(start, end) });
          return true;
        }
        this.scalar(field, ValueKind.Identifier, start, end);
        return true;
      }
      case Tok.Minus:
        return this.parseSpacedNegative(field);
      default:
        return false;
    }
  }

  /** `- 5` or `-inf`: a minus sign not glued to digits (glued ones are lexed as one number). */
  private parseSpacedNegative(field: number): boolean {
    const lx = this.lx;
    const text = this.text;
    const start = lx.start;
    lx.next();
    if (lx.kind === Tok.Number && text.charCodeAt(lx.start) !== 0x2d) {
      const end = lx.end;
      const { numValid: valid, numIsFloat: isFloat, numBase: base } = lx;
      const digits = text.slice(lx.start, end);
      lx.next();
      if (!valid) return false;
      const raw = `-${digits}`;
      const node = this.scalar(field, ValueKind.Number, start, end);
      this.t.setNumber(node, isFloat, base);
      this.t.setSpecial(node, { value: numberValue(raw, base, isFloat), raw });
      return true;
    }
    if (lx.kind === Tok.Ident && !lx.lineBreakBefore) {
      const end = lx.end;
      const special = specialFloat(text, lx.start, end);
      const word = text.slice(lx.start, end);
      lx.next();
      if (special !== undefined) {
        const node = this.scalar(field, ValueKind.Number, start, end);
        this.t.setNumber(node, true, 10);
        this.t.setSpecial(node, { value: -special, raw: `-${word}` });
        return true;
      }
      this.error(`expected a number after '-' but found '${word}'`, { start, end });
      return false;
    }
    this.error(`expected a number after '-'`, { start, end: start + 1 });
    return false;
  }

  /**
   * Adjacent literals concatenate: `"a" 'b'` is "ab". A single plain literal is read back from the
   * text; other values (escapes, unterminated, concatenated) are kept aside as decoded.
   */
  private parseString(field: number): void {
    const lx = this.lx;
    const start = lx.start;
    let end = lx.end;
    const plain = lx.strTerminated && !lx.strHasEscape;
    const first = plain ? undefined : this.stringTokenValue();
    lx.next();
    if (lx.kind !== Tok.String) {
      const node = this.scalar(field, ValueKind.String, start, end);
      if (first !== undefined) this.t.setSpecial(node, { value: first });
      return;
    }
    const parts = [first ?? this.text.slice(start + 1, end - 1)];
    while (lx.kind === Tok.String) {
      parts.push(this.stringTokenValue());
      end = lx.end;
      lx.next();
    }
    this.t.setSpecial(this.scalar(field, ValueKind.String, start, end), { value: parts.join('') });
  }

  private stringTokenValue(): string {
    const lx = this.lx;
    const contentStart = lx.start + 1;
    const contentEnd = lx.strTerminated ? lx.end - 1 : lx.end;
    if (lx.strHasEscape) return decodeStringContent(this.text, contentStart, contentEnd);
    return this.text.slice(contentStart, contentEnd);
  }

  // ---- lists --------------------------------------------------------------------------------

  private openList(field: number): void {
    const lx = this.lx;
    this.t.setValue(field, ValueKind.List, lx.start, lx.end);
    this.stack.push({ isList: true, node: field, expectItem: true, afterComma: false, reportedMissingColon: false });
    lx.next();
  }

  private stepList(frame: ListFrame): void {
    const lx = this.lx;
    const t = this.t;
    const kind = lx.kind;
    if (kind === Tok.RBracket) {
      if (frame.afterComma) this.errorAtToken(`expected a value after ',' in the list of '${t.name(frame.node)}'`);
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
      this.errorAtToken(`expected ',' or ']' between the values of '${t.name(frame.node)}'`);
    }
    frame.expectItem = false;
    frame.afterComma = false;
    if (kind === Tok.LBrace || kind === Tok.LAngle) {
      this.openMessage(ITEM, frame.node);
      return;
    }
    if (!this.startsScalar(kind)) {
      this.unclosedList(frame);
      return;
    }
    if (!t.hasColon(frame.node) && !frame.reportedMissingColon) {
      frame.reportedMissingColon = true;
      this.error(`expected ':' between field name '${t.name(frame.node)}' and its list of values`, this.nameSpan(frame.node));
    }
    this.parseScalar(ITEM);
    t.setEnd(frame.node, lx.prevEnd);
  }

  private closeList(frame: ListFrame): void {
    const lx = this.lx;
    this.t.close(frame.node, lx.end, false);
    lx.next();
    this.stack.pop();
    this.skipSeparator();
  }

  private unclosedList(frame: ListFrame): void {
    const lx = this.lx;
    const open = this.t.valueStart(frame.node);
    this.error(`missing ']' to close the list of '${this.t.name(frame.node)}' opened at line ${this.lineOf(open)}`, {
      start: open,
      end: open + 1,
    });
    this.t.close(frame.node, Math.max(lx.prevEnd, open + 1), false);
    this.stack.pop();
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
      case Tok.EOF:
        return 'the end of the file';
      case Tok.String:
        return 'a string';
      case Tok.Number:
        return `number '${this.tokenText()}'`;
      case Tok.Ident:
        return `'${this.tokenText()}'`;
      case Tok.Invalid: {
        const t = this.tokenText();
        const c = t.charCodeAt(0);
        const code = `U+${(t.codePointAt(0) ?? c).toString(16).toUpperCase().padStart(4, '0')}`;
        // Control characters are invisible, and non-ASCII ones may look like a space or a quote.
        if (c < 0x20 || c === 0x7f) return code;
        return c < 0x80 ? `'${t}'` : `'${t}' (${code})`;
      }
      default:
        return `'${this.tokenText()}'`;
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
