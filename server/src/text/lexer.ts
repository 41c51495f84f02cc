// Tokenizer for protobuf text format. A hand-written char-code scanner (no regular expressions) so
// that lexing is linear in the input whatever it contains. The parser pulls one token at a time;
// comments are collected as they are skipped and literal problems (unterminated string, bad escape,
// malformed number) are reported here, with exact spans.
import type { SyntaxError } from './ast';

/** Where the lexer records the comments it skips. */
export interface CommentSink {
  addComment(start: number, end: number): void;
}

export enum Tok {
  EOF,
  Ident,
  Number,
  String,
  LBrace,
  RBrace,
  LAngle,
  RAngle,
  LBracket,
  RBracket,
  Colon,
  Comma,
  Semicolon,
  Minus,
  /** Any character that starts no token (reported by the parser, which knows the context). */
  Invalid,
}

// Character classes, indexed by char code (ASCII only; 0 = none of these).
const C_SPACE = 1;
const C_NEWLINE = 2;
const C_IDSTART = 3;
const C_DIGIT = 4;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (ch === ' ' || ch === '\t' || ch === '\v' || ch === '\f') CLASS[c] = C_SPACE;
  else if (ch === '\n' || ch === '\r') CLASS[c] = C_NEWLINE;
  else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '_') CLASS[c] = C_IDSTART;
  else if (ch >= '0' && ch <= '9') CLASS[c] = C_DIGIT;
}

const PUNCT: Partial<Record<number, Tok>> = {
  0x7b: Tok.LBrace,
  0x7d: Tok.RBrace,
  0x3c: Tok.LAngle,
  0x3e: Tok.RAngle,
  0x5b: Tok.LBracket,
  0x5d: Tok.RBracket,
  0x3a: Tok.Colon,
  0x2c: Tok.Comma,
  0x3b: Tok.Semicolon,
};
const PUNCT_TABLE = new Uint8Array(128);
for (const [code, kind] of Object.entries(PUNCT)) PUNCT_TABLE[Number(code)] = kind as number;

const BOM = 0xfeff;

export function isIdentChar(c: number): boolean {
  return c < 128 && (CLASS[c] === C_IDSTART || CLASS[c] === C_DIGIT);
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}
function isOctalDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x37;
}
function hexValue(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10;
}

export class Lexer {
  /** Current token. */
  kind: Tok = Tok.EOF;
  start = 0;
  end = 0;
  /** End of the token consumed before the current one (for spans of unclosed constructs). */
  prevEnd = 0;
  /** Whether a line break separates the current token from the previous one. */
  lineBreakBefore = false;
  // Details of the current Number / String token.
  numIsFloat = false;
  numBase = 10;
  /** False when the number literal was malformed (an error was already reported). */
  numValid = true;
  strHasEscape = false;
  strTerminated = true;

  private pos = 0;
  /** While peeking, nothing is recorded (the token is scanned again when really consumed). */
  private quiet = false;
  private readonly len: number;

  constructor(
    private readonly text: string,
    private readonly comments: CommentSink,
    private readonly errors: SyntaxError[],
  ) {
    this.len = text.length;
  }

  /** Kind of the token after the current one, without consuming anything. */
  peekKind(): Tok {
    const kind = this.kind,
      start = this.start,
      end = this.end,
      prevEnd = this.prevEnd;
    const lineBreakBefore = this.lineBreakBefore,
      pos = this.pos;
    const numIsFloat = this.numIsFloat,
      numBase = this.numBase,
      numValid = this.numValid;
    const strHasEscape = this.strHasEscape,
      strTerminated = this.strTerminated;
    this.quiet = true;
    this.next();
    const peeked = this.kind;
    this.quiet = false;
    this.kind = kind;
    this.start = start;
    this.end = end;
    this.prevEnd = prevEnd;
    this.lineBreakBefore = lineBreakBefore;
    this.pos = pos;
    this.numIsFloat = numIsFloat;
    this.numBase = numBase;
    this.numValid = numValid;
    this.strHasEscape = strHasEscape;
    this.strTerminated = strTerminated;
    return peeked;
  }

  /** Restart scanning at `offset` (used after the parser read an extension name itself). */
  resetTo(offset: number): void {
    this.pos = offset;
    // What was read so far ends at `offset` (the caller read the text up to it itself), so `prevEnd`
    // after the next token is that offset, not the end of the token before it.
    this.end = offset;
    this.next();
  }

  next(): void {
    const text = this.text;
    const len = this.len;
    let p = this.pos;
    let lineBreak = false;
    this.prevEnd = this.end;
    // Trivia: whitespace and comments.
    while (p < len) {
      const c = text.charCodeAt(p);
      if (c < 128) {
        const cls = CLASS[c];
        if (cls === C_SPACE) {
          p++;
          continue;
        }
        if (cls === C_NEWLINE) {
          p++;
          lineBreak = true;
          continue;
        }
        if (c === 0x23 /* # */) {
          const cStart = p;
          p++;
          while (p < len) {
            const d = text.charCodeAt(p);
            if (d === 0x0a || d === 0x0d) break;
            p++;
          }
          if (!this.quiet) this.comments.addComment(cStart, p);
          continue;
        }
      } else if (c === BOM) {
        p++;
        continue;
      }
      break;
    }
    this.lineBreakBefore = lineBreak;
    this.start = p;
    if (p >= len) {
      this.kind = Tok.EOF;
      this.end = this.pos = len;
      return;
    }
    const c = text.charCodeAt(p);
    if (c < 128) {
      const cls = CLASS[c];
      if (cls === C_IDSTART) {
        p++;
        while (p < len) {
          const d = text.charCodeAt(p);
          if (d >= 128 || (CLASS[d] !== C_IDSTART && CLASS[d] !== C_DIGIT)) break;
          p++;
        }
        this.kind = Tok.Ident;
        this.end = this.pos = p;
        return;
      }
      if (cls === C_DIGIT) {
        this.scanNumber(p);
        return;
      }
      const punct = PUNCT_TABLE[c];
      if (punct !== 0) {
        this.kind = punct;
        this.end = this.pos = p + 1;
        return;
      }
      if (c === 0x22 || c === 0x27) {
        this.scanString(p, c);
        return;
      }
      if (c === 0x2d /* - */) {
        const d = p + 1 < len ? text.charCodeAt(p + 1) : 0;
        if (isDigit(d) || (d === 0x2e && p + 2 < len && isDigit(text.charCodeAt(p + 2)))) {
          this.scanNumber(p);
          return;
        }
        this.kind = Tok.Minus;
        this.end = this.pos = p + 1;
        return;
      }
      if (c === 0x2e /* . */ && p + 1 < len && isDigit(text.charCodeAt(p + 1))) {
        this.scanNumber(p);
        return;
      }
    }
    // An unexpected character; a surrogate pair counts as one character.
    let e = p + 1;
    if (c >= 0xd800 && c <= 0xdbff && e < len) {
      const d = text.charCodeAt(e);
      if (d >= 0xdc00 && d <= 0xdfff) e++;
    }
    this.kind = Tok.Invalid;
    this.end = this.pos = e;
  }

  private error(message: string, start: number, end: number): void {
    if (!this.quiet) this.errors.push({ message, span: { start, end } });
  }

  /**
   * Numbers: decimal / hex (0x) / octal (0NN) integers, floats with fraction, exponent and f/F
   * suffix (`1.`, `.5`, `1e-3`, `2f`), optionally with a leading `-` glued to them.
   */
  private scanNumber(start: number): void {
    const text = this.text;
    const len = this.len;
    let p = start;
    if (text.charCodeAt(p) === 0x2d) p++;
    const digitsStart = p;
    let isFloat = false;
    let base = 10;
    let valid = true;
    const c0 = text.charCodeAt(p);
    const c1 = p + 1 < len ? text.charCodeAt(p + 1) : 0;
    if (c0 === 0x30 && (c1 === 0x78 || c1 === 0x58)) {
      base = 16;
      p += 2;
      const hexStart = p;
      while (p < len && isHexDigit(text.charCodeAt(p))) p++;
      if (p === hexStart) valid = false;
    } else {
      while (p < len && isDigit(text.charCodeAt(p))) p++;
      if (p < len && text.charCodeAt(p) === 0x2e) {
        isFloat = true;
        p++;
        while (p < len && isDigit(text.charCodeAt(p))) p++;
      }
      if (p < len && (text.charCodeAt(p) | 0x20) === 0x65 /* e/E */) {
        let q = p + 1;
        if (q < len && (text.charCodeAt(q) === 0x2b || text.charCodeAt(q) === 0x2d)) q++;
        if (q < len && isDigit(text.charCodeAt(q))) {
          isFloat = true;
          p = q;
          while (p < len && isDigit(text.charCodeAt(p))) p++;
        }
      }
      if (p < len && (text.charCodeAt(p) | 0x20) === 0x66 /* f/F */) {
        isFloat = true;
        p++;
      }
      if (!isFloat && c0 === 0x30 && p - digitsStart > 1) {
        base = 8;
        for (let q = digitsStart + 1; q < p; q++) {
          if (!isOctalDigit(text.charCodeAt(q))) {
            this.error(`invalid octal number '${text.slice(start, p)}' (a leading 0 means octal)`, start, p);
            base = 10;
            break;
          }
        }
      }
    }
    // A number glued to letters (`12abc`, `1e`, `0xg`) is one malformed token, not two.
    if (p < len && isIdentChar(text.charCodeAt(p))) {
      while (p < len && isIdentChar(text.charCodeAt(p))) p++;
      valid = false;
    }
    if (!valid) this.error(`invalid number '${text.slice(start, p)}'`, start, p);
    this.kind = Tok.Number;
    this.numIsFloat = isFloat;
    this.numBase = base;
    this.numValid = valid;
    this.end = this.pos = p;
  }

  /** Strings end at the matching quote; a line break or the end of text first means unterminated. */
  private scanString(start: number, quote: number): void {
    const text = this.text;
    const len = this.len;
    let p = start + 1;
    let hasEscape = false;
    let terminated = false;
    while (p < len) {
      const c = text.charCodeAt(p);
      if (c === quote) {
        p++;
        terminated = true;
        break;
      }
      if (c === 0x0a || c === 0x0d) break;
      if (c === 0x5c /* \ */) {
        hasEscape = true;
        p = this.checkEscape(p);
        continue;
      }
      p++;
    }
    if (!terminated) this.error('unterminated string (missing closing quote before the end of the line)', start, p);
    this.kind = Tok.String;
    this.strHasEscape = hasEscape;
    this.strTerminated = terminated;
    this.end = this.pos = p;
  }

  /** Validates the escape sequence at `p` (the backslash) and returns the offset after it. */
  private checkEscape(p: number): number {
    const text = this.text;
    const len = this.len;
    if (p + 1 >= len) return p + 1;
    const c = text.charCodeAt(p + 1);
    if (c === 0x0a || c === 0x0d) return p + 1; // the string is unterminated; scanString reports it
    switch (c) {
      case 0x61:
      case 0x62:
      case 0x66:
      case 0x6e:
      case 0x72:
      case 0x74:
      case 0x76: // a b f n r t v
      case 0x5c:
      case 0x27:
      case 0x22:
      case 0x3f: // \ ' " ?
        return p + 2;
      case 0x78:
      case 0x58: {
        // \xH or \xHH
        let q = p + 2;
        while (q < len && q < p + 4 && isHexDigit(text.charCodeAt(q))) q++;
        if (q === p + 2) this.error("invalid escape '\\x': expected 1 or 2 hex digits", p, q);
        return q;
      }
      case 0x75:
      case 0x55: {
        // \uHHHH, \UHHHHHHHH
        const n = c === 0x75 ? 4 : 8;
        let q = p + 2;
        let cp = 0;
        while (q < len && q < p + 2 + n && isHexDigit(text.charCodeAt(q))) cp = cp * 16 + hexValue(text.charCodeAt(q++));
        if (q !== p + 2 + n) this.error(`invalid escape '\\${String.fromCharCode(c)}': expected ${n} hex digits`, p, q);
        else if (cp > 0x10ffff) this.error(`invalid escape '${text.slice(p, q)}': beyond the last Unicode code point`, p, q);
        return q;
      }
      default:
        if (isOctalDigit(c)) {
          let q = p + 1;
          let v = 0;
          while (q < len && q < p + 4 && isOctalDigit(text.charCodeAt(q))) v = v * 8 + text.charCodeAt(q++) - 0x30;
          if (v > 0xff) this.error(`invalid escape '${text.slice(p, q)}': octal value above \\377`, p, q);
          return q;
        }
        this.error(`unknown escape sequence '\\${String.fromCodePoint(text.codePointAt(p + 1) ?? c)}'`, p, p + 2);
        return p + 2;
    }
  }
}

// Typed structurally: the DOM lib is not loaded, and Node's global needs no import.
let utf8: { decode(bytes: Uint8Array): string } | undefined;

/**
 * Decodes the contents of a string literal (between the quotes). Byte escapes (`\xHH`, `\NNN`)
 * are UTF-8 bytes, as in protobuf, so `"\xc3\xa9"` is "é"; invalid byte sequences become U+FFFD.
 * Malformed escapes (already reported by the lexer) decode leniently.
 */
export function decodeStringContent(text: string, start: number, end: number): string {
  const parts: string[] = [];
  let bytes: number[] = [];
  let runStart = start;
  const flushBytes = (): void => {
    if (bytes.length === 0) return;
    utf8 ??= new TextDecoder('utf-8');
    parts.push(utf8.decode(new Uint8Array(bytes)));
    bytes = [];
  };
  let p = start;
  while (p < end) {
    if (text.charCodeAt(p) !== 0x5c) {
      p++;
      continue;
    }
    if (p > runStart) {
      flushBytes();
      parts.push(text.slice(runStart, p));
    }
    const c = p + 1 < end ? text.charCodeAt(p + 1) : -1;
    let q = p + 2;
    let ch: string | undefined;
    switch (c) {
      case 0x61:
        ch = '\x07';
        break;
      case 0x62:
        ch = '\b';
        break;
      case 0x66:
        ch = '\f';
        break;
      case 0x6e:
        ch = '\n';
        break;
      case 0x72:
        ch = '\r';
        break;
      case 0x74:
        ch = '\t';
        break;
      case 0x76:
        ch = '\v';
        break;
      case 0x78:
      case 0x58: {
        let v = 0;
        while (q < end && q < p + 4 && isHexDigit(text.charCodeAt(q))) v = v * 16 + hexValue(text.charCodeAt(q++));
        if (q === p + 2) ch = 'x';
        else bytes.push(v);
        break;
      }
      case 0x75:
      case 0x55: {
        const n = c === 0x75 ? 4 : 8;
        let cp = 0;
        while (q < end && q < p + 2 + n && isHexDigit(text.charCodeAt(q))) cp = cp * 16 + hexValue(text.charCodeAt(q++));
        ch = q === p + 2 + n && cp <= 0x10ffff ? (cp <= 0xffff ? String.fromCharCode(cp) : String.fromCodePoint(cp)) : text.slice(p + 1, q);
        break;
      }
      case -1:
        q = p + 1;
        ch = '\\';
        break;
      default:
        if (isOctalDigit(c)) {
          q = p + 1;
          let v = 0;
          while (q < end && q < p + 4 && isOctalDigit(text.charCodeAt(q))) v = v * 8 + text.charCodeAt(q++) - 0x30;
          bytes.push(v & 0xff);
        } else {
          // \\ \' \" \? and unknown escapes: the character itself.
          const cp = text.codePointAt(p + 1) ?? c;
          ch = String.fromCodePoint(cp);
          q = p + 1 + ch.length;
        }
    }
    if (ch !== undefined) {
      flushBytes();
      parts.push(ch);
    }
    p = runStart = q;
  }
  flushBytes();
  if (end > runStart) parts.push(text.slice(runStart, end));
  return parts.join('');
}

/** Value of a number literal already scanned by the lexer (`raw` as written, maybe with `-`). */
export function numberValue(raw: string, base: number, isFloat: boolean): number {
  const negative = raw.charCodeAt(0) === 0x2d;
  const digits = negative ? raw.slice(1) : raw;
  let v: number;
  if (base === 16) v = parseInt(digits.slice(2), 16);
  else if (base === 8) v = parseInt(digits, 8);
  else {
    const last = digits.charCodeAt(digits.length - 1) | 0x20;
    v = Number(isFloat && last === 0x66 ? digits.slice(0, -1) : digits);
  }
  if (Number.isNaN(v)) v = 0; // malformed literal (already reported): never hand NaN to analysis
  return negative ? -v : v;
}
