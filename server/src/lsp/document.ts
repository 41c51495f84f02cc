// The open documents' text, as vscode-languageserver-textdocument keeps it, but with an edit that costs
// what the edit is, not the file: on a 20 MB net the library's update reads the new text at the edit
// (line-break checks), which makes V8 copy the whole new string there and then (~70 ms of fresh memory on
// this kind of machine), and so does every positionAt/offsetAt that checks for a line break. Here the new
// text stays a concatenation until the analysis reads it (in its slices), and characters near an edit are
// read through the edits from the last text known whole (`base`). Line starts are shifted as numbers.
import type { Position, Range, TextDocument, TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { runToEnd } from '../text/steps';

interface AppliedEdit {
  /** Replaced range in the text before the edit. */
  start: number;
  end: number;
  text: string;
}

/** Edits read through before the current text becomes the base (reading it then copies it once). */
const MAX_PENDING_EDITS = 32;

export class EditedDocument implements TextDocument {
  private content: string;
  /** Offset of the first character of each line; undefined until first needed. */
  private lineStarts?: number[];
  /** The text the pending edits apply to, and those edits in order (characters are read through them). */
  private base: string;
  private pending: AppliedEdit[] = [];

  constructor(
    readonly uri: string,
    readonly languageId: string,
    private currentVersion: number,
    text: string,
  ) {
    this.content = text;
    this.base = text;
  }

  get version(): number {
    return this.currentVersion;
  }

  get lineCount(): number {
    return this.starts().length;
  }

  getText(range?: Range): string {
    if (!range) return this.content;
    return this.content.substring(this.offsetAt(range.start), this.offsetAt(range.end));
  }

  positionAt(offset: number): Position {
    offset = Math.max(Math.min(offset, this.content.length), 0);
    const starts = this.starts();
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      if (starts[mid] > offset) high = mid;
      else low = mid + 1;
    }
    const line = low - 1;
    offset = this.beforeLineBreak(offset, starts[line]);
    return { line, character: offset - starts[line] };
  }

  offsetAt(position: Position): number {
    const starts = this.starts();
    if (position.line >= starts.length) return this.content.length;
    if (position.line < 0) return 0;
    const lineStart = starts[position.line];
    if (position.character <= 0) return lineStart;
    const next = position.line + 1 < starts.length ? starts[position.line + 1] : this.content.length;
    return this.beforeLineBreak(Math.min(lineStart + position.character, next), lineStart);
  }

  /** The line's range without its line break. */
  getLineRange(line: number): Range {
    const starts = this.starts();
    if (line >= starts.length) {
      const last = starts.length - 1;
      return { start: { line: last, character: 0 }, end: { line: last, character: this.content.length - starts[last] } };
    }
    if (line < 0) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const next = line + 1 < starts.length ? starts[line + 1] : this.content.length;
    return { start: { line, character: 0 }, end: { line, character: this.beforeLineBreak(next, starts[line]) - starts[line] } };
  }

  /** The line's break characters ('' on the last line). */
  getEOLCharacters(line: number): string {
    const starts = this.starts();
    if (line < 0 || line >= starts.length) return '';
    const next = line + 1 < starts.length ? starts[line + 1] : this.content.length;
    return this.content.substring(this.beforeLineBreak(next, starts[line]), next);
  }

  /** Applies changes as TextDocument.update does (same results), in time of the edit's size. */
  update(changes: TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if (!('range' in change)) {
        this.content = this.base = change.text;
        this.pending = [];
        this.lineStarts = undefined;
        continue;
      }
      const range = wellFormed(change.range);
      const start = this.offsetAt(range.start);
      const end = this.offsetAt(range.end);
      this.content = this.content.substring(0, start) + change.text + this.content.substring(end);
      if (this.pending.length >= MAX_PENDING_EDITS) {
        this.base = this.content;
        this.pending = [];
      } else {
        this.pending.push({ start, end, text: change.text });
      }
      const insertedEnd = start + change.text.length;
      const crlfAt = (o: number) => this.charCodeAt(o - 1) === 13 && this.charCodeAt(o) === 10;
      if (!this.lineStarts || crlfAt(start) || crlfAt(insertedEnd)) {
        this.lineStarts = undefined; // a \r\n made or split by the edit: counted again when needed
        continue;
      }
      const starts = this.lineStarts;
      const startLine = Math.max(range.start.line, 0);
      const endLine = Math.max(range.end.line, 0);
      const added = lineStartsOf(change.text, start);
      if (endLine - startLine === added.length) {
        for (let i = 0; i < added.length; i++) starts[i + startLine + 1] = added[i];
      } else if (added.length < 10_000) {
        starts.splice(startLine + 1, endLine - startLine, ...added);
      } else {
        this.lineStarts = starts.slice(0, startLine + 1).concat(added, starts.slice(endLine + 1));
      }
      const diff = change.text.length - (end - start);
      if (diff !== 0) {
        const shifted = this.lineStarts!;
        for (let i = startLine + 1 + added.length; i < shifted.length; i++) shifted[i] += diff;
      }
    }
    this.currentVersion = version;
  }

  /**
   * Finds the line starts in steps (yielding between them) unless known, so the first position asked
   * for on a large file does not count a million lines in one go; stops if the text changes meanwhile.
   */
  *lineStartsSteps(): Generator<void, void> {
    if (this.lineStarts) return;
    const text = this.content;
    const starts = [0];
    const steps = lineStartsSteps(text, 0, starts);
    while (!steps.next().done) {
      yield;
      if (this.lineStarts || this.content !== text) return;
    }
    this.lineStarts = starts;
  }

  private starts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      lineStartsOf(this.content, 0, starts);
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }

  /** `offset` moved back over line-break characters, not before `lineStart`. */
  private beforeLineBreak(offset: number, lineStart: number): number {
    while (offset > lineStart && isLineBreak(this.charCodeAt(offset - 1))) offset--;
    return offset;
  }

  /** The character at `offset` of the current text, read through the pending edits (NaN outside it). */
  charCodeAt(offset: number): number {
    let o = offset;
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const e = this.pending[i];
      if (o < e.start) continue;
      if (o < e.start + e.text.length) return e.text.charCodeAt(o - e.start);
      o += e.end - e.start - e.text.length;
    }
    return this.base.charCodeAt(o);
  }
}

function wellFormed(range: Range): Range {
  const { start, end } = range;
  return start.line > end.line || (start.line === end.line && start.character > end.character) ? { start: end, end: start } : range;
}

function isLineBreak(c: number): boolean {
  return c === 13 || c === 10;
}

/** Lines found between two yields of lineStartsSteps (a few milliseconds). */
const LINES_PER_STEP = 50_000;

/**
 * Offsets (plus `at`) where a line starts after a break in `text` (\r\n, \n or a lone \r), appended to
 * `out`. Text without \r (the usual case) is searched with indexOf, several times faster on a large file.
 */
function lineStartsOf(text: string, at: number, out: number[] = []): number[] {
  runToEnd(lineStartsSteps(text, at, out));
  return out;
}

/** lineStartsOf in steps: it yields every LINES_PER_STEP lines. */
function* lineStartsSteps(text: string, at: number, out: number[]): Generator<void, void> {
  if (text.indexOf('\r') < 0) {
    for (let i = text.indexOf('\n'), n = 1; i >= 0; i = text.indexOf('\n', i + 1), n++) {
      out.push(at + i + 1);
      if (n % LINES_PER_STEP === 0) yield;
    }
    return;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isLineBreak(c)) {
      if (c === 13 && i + 1 < text.length && text.charCodeAt(i + 1) === 10) i++;
      out.push(at + i + 1);
      if (out.length % LINES_PER_STEP === 0) yield;
    }
  }
}
