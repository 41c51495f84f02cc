// The parser's output: the whole syntax tree as fixed-size records in one Int32Array, in document
// order (preorder). A 20 MB net has over a million fields; one JS object per field (and per span)
// makes parsing allocation-bound, so the tree is stored flat and read through this class. Values
// are not copied out of the text: a string, number or identifier is read back from its span when
// asked for (the rare literals whose value is not their text — escapes, concatenations, `- 5` —
// are kept aside). `materialize.ts` builds the object tree of `ast.ts` from it on demand.
//
// A node is a field (`name: value`, `name { ... }`, `name: [ ... ]`; the value is the same node)
// or a bare value (the document root, list items, nameless blocks). Children of a message or list
// node follow it; `after(node)` is the index just past its subtree, so siblings are
// `for (let c = node + 1; c < after(node); c = after(c))`.
import { Interner } from './interner';
import { numberValue } from './lexer';

/** What a node's value is. */
export const enum ValueKind {
  None = 0,
  Message = 1,
  List = 2,
  String = 3,
  Number = 4,
  Identifier = 5,
}

// Record layout (Int32 words per node).
const STRIDE = 6;
const HEAD = 0;
const START = 1;
const NAME_END = 2;
const VALUE_START = 3;
const END = 4;
const AFTER = 5;

// Header bits.
const KIND_MASK = 0x7;
const IS_FIELD = 1 << 3;
const HAS_COLON = 1 << 4;
const CLOSED = 1 << 5;
/** A `{ ... }` with no field name: parsed so braces balance, but not part of the tree. */
const DETACHED = 1 << 6;
const FLOAT = 1 << 7;
const BASE_SHIFT = 8; // 2 bits: 0 decimal, 1 hex, 2 octal
/** The value is kept in `special` (its text alone does not give it). */
const SPECIAL = 1 << 10;
const NAME_SHIFT = 12;
const MAX_NAME_ID = (1 << (32 - NAME_SHIFT)) - 1;

const BASES = [10, 16, 8];

/** A literal whose value is not simply its text. */
export interface SpecialScalar {
  value: string | number;
  /** For numbers: the literal as written, without the space of `- 5`. */
  raw?: string;
}

export class SyntaxTable {
  private data: Int32Array;
  private count = 0;
  /** Field names by id (the parser interns them, so a repeated name costs no memory). */
  readonly names: Interner;
  /** Names of nodes whose id did not fit the header (more than a million distinct names). */
  private readonly overflowNames = new Map<number, string>();
  private readonly special = new Map<number, SpecialScalar>();
  private commentData: Int32Array;
  private commentCount = 0;

  constructor(readonly text: string) {
    this.names = new Interner(text);
    // Room for a node per 16 characters (real nets use about 20) so that growing, which copies, is
    // rare; a denser text doubles the room when it runs out.
    this.data = new Int32Array(((text.length >> 4) + 16) * STRIDE);
    this.commentData = new Int32Array(((text.length >> 7) + 8) * 2);
  }

  // ---- writing (the parser) -------------------------------------------------------------------

  /** A field `name` at [start, nameEnd), no value yet. */
  addField(nameId: number, start: number, nameEnd: number): number {
    const node = this.push(start, nameEnd, -1, nameEnd);
    if (nameId < MAX_NAME_ID) this.data[node * STRIDE + HEAD] = IS_FIELD | (nameId << NAME_SHIFT);
    else {
      this.data[node * STRIDE + HEAD] = IS_FIELD | (MAX_NAME_ID << NAME_SHIFT);
      this.overflowNames.set(node, this.names.string(nameId));
    }
    return node;
  }

  /** A value with no name (the root, a list item, a nameless block) at [start, end). */
  addBareValue(kind: ValueKind, start: number, end: number): number {
    const node = this.push(start, start, start, end);
    this.data[node * STRIDE + HEAD] = kind;
    return node;
  }

  setColon(node: number): void {
    this.data[node * STRIDE + HEAD] |= HAS_COLON;
  }

  /** Gives a field its value: a scalar ending its span, or a message/list opened at `start`. */
  setValue(node: number, kind: ValueKind, start: number, end: number): void {
    const i = node * STRIDE;
    this.data[i + HEAD] = (this.data[i + HEAD] & ~KIND_MASK) | kind;
    this.data[i + VALUE_START] = start;
    this.data[i + END] = end;
  }

  /** Number details of a scalar node: float or integer, and the base of an integer literal. */
  setNumber(node: number, isFloat: boolean, base: number): void {
    const bits = (isFloat ? FLOAT : 0) | ((base === 16 ? 1 : base === 8 ? 2 : 0) << BASE_SHIFT);
    this.data[node * STRIDE + HEAD] |= bits;
  }

  setSpecial(node: number, scalar: SpecialScalar): void {
    this.data[node * STRIDE + HEAD] |= SPECIAL;
    this.special.set(node, scalar);
  }

  setEnd(node: number, end: number): void {
    this.data[node * STRIDE + END] = end;
  }

  /** Ends a message or list node: its subtree is complete. */
  close(node: number, end: number, closedByBrace: boolean): void {
    const i = node * STRIDE;
    this.data[i + END] = end;
    this.data[i + AFTER] = this.count;
    if (closedByBrace) this.data[i + HEAD] |= CLOSED;
  }

  markDetached(node: number): void {
    this.data[node * STRIDE + HEAD] |= DETACHED;
  }

  addComment(start: number, end: number): void {
    this.commentData = withRoom(this.commentData, (this.commentCount + 1) * 2);
    this.commentData[this.commentCount * 2] = start;
    this.commentData[this.commentCount * 2 + 1] = end;
    this.commentCount++;
  }

  private push(start: number, nameEnd: number, valueStart: number, end: number): number {
    this.data = withRoom(this.data, (this.count + 1) * STRIDE);
    const node = this.count++;
    const i = node * STRIDE;
    const d = this.data;
    d[i + START] = start;
    d[i + NAME_END] = nameEnd;
    d[i + VALUE_START] = valueStart;
    d[i + END] = end;
    d[i + AFTER] = node + 1;
    return node;
  }

  // ---- reading ----------------------------------------------------------------------------------

  /** Number of nodes; node 0 is the document root. */
  get size(): number {
    return this.count;
  }

  after(node: number): number {
    return this.data[node * STRIDE + AFTER];
  }

  valueKind(node: number): ValueKind {
    return this.data[node * STRIDE + HEAD] & KIND_MASK;
  }

  isField(node: number): boolean {
    return (this.data[node * STRIDE + HEAD] & IS_FIELD) !== 0;
  }

  isDetached(node: number): boolean {
    return (this.data[node * STRIDE + HEAD] & DETACHED) !== 0;
  }

  hasColon(node: number): boolean {
    return (this.data[node * STRIDE + HEAD] & HAS_COLON) !== 0;
  }

  /** Whether a message's closing brace was found (parse recovery closes the others at the end). */
  isClosed(node: number): boolean {
    return (this.data[node * STRIDE + HEAD] & CLOSED) !== 0;
  }

  /**
   * A small number standing for the field's name: nodes with equal ids have equal names (repeated
   * names share one id); -1 when the name has no id of its own (beyond a million distinct names).
   */
  nameId(node: number): number {
    const id = this.data[node * STRIDE + HEAD] >>> NAME_SHIFT;
    return id === MAX_NAME_ID ? -1 : id;
  }

  name(node: number): string {
    const id = this.data[node * STRIDE + HEAD] >>> NAME_SHIFT;
    return id === MAX_NAME_ID ? this.overflowNames.get(node)! : this.names.string(id);
  }

  /** Start of the node: the field name, or the value of a bare node. */
  start(node: number): number {
    return this.data[node * STRIDE + START];
  }

  nameEnd(node: number): number {
    return this.data[node * STRIDE + NAME_END];
  }

  /** Start of the value (the brace of a message, `[` of a list); -1 when the field has none. */
  valueStart(node: number): number {
    return this.data[node * STRIDE + VALUE_START];
  }

  /** End of the node (of the value, when it has one). */
  end(node: number): number {
    return this.data[node * STRIDE + END];
  }

  isFloat(node: number): boolean {
    return (this.data[node * STRIDE + HEAD] & FLOAT) !== 0;
  }

  /** Base of a number literal: 10, 16 or 8. */
  numberBase(node: number): number {
    return BASES[(this.data[node * STRIDE + HEAD] >>> BASE_SHIFT) & 3];
  }

  /** The literal as written, for number and identifier nodes (shared via `strings` when given). */
  raw(node: number, strings?: Interner): string {
    const i = node * STRIDE;
    if (this.data[i + HEAD] & SPECIAL) {
      const s = this.special.get(node)!;
      return s.raw ?? String(s.value);
    }
    const start = this.data[i + VALUE_START];
    const end = this.data[i + END];
    return strings ? strings.slice(start, end) : this.text.slice(start, end);
  }

  /** Decoded value of a string node (escapes resolved, adjacent literals joined). */
  stringValue(node: number, strings?: Interner): string {
    const i = node * STRIDE;
    if (this.data[i + HEAD] & SPECIAL) return this.special.get(node)!.value as string;
    const start = this.data[i + VALUE_START] + 1;
    const end = this.data[i + END] - 1;
    return strings ? strings.slice(start, end) : this.text.slice(start, end);
  }

  /** Value of a number node; `inf` and `nan` words included. */
  numberValue(node: number): number {
    const i = node * STRIDE;
    const head = this.data[i + HEAD];
    if (head & SPECIAL) return this.special.get(node)!.value as number;
    return numberValue(this.raw(node), BASES[(head >>> BASE_SHIFT) & 3], (head & FLOAT) !== 0);
  }

  get commentsCount(): number {
    return this.commentCount;
  }

  commentStart(index: number): number {
    return this.commentData[index * 2];
  }

  commentEnd(index: number): number {
    return this.commentData[index * 2 + 1];
  }
}

/** `array`, or a copy twice as large when it has fewer than `needed` entries. */
function withRoom(array: Int32Array, needed: number): Int32Array {
  if (needed <= array.length) return array;
  const bigger = new Int32Array(Math.max(needed, array.length * 2));
  bigger.set(array);
  return bigger;
}
