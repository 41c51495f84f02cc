// Offset <-> (line, character) conversion in UTF-16 units, 0-based, as the LSP and VS Code use.
// Line breaks are \n, \r\n and a lone \r (as in vscode-languageserver-textdocument).

export interface LinePosition {
  line: number;
  character: number;
}

export class LineIndex {
  /** Offset of the first character of each line; lineStarts[0] === 0. */
  private readonly lineStarts: number[];
  private readonly length: number;

  constructor(private readonly text: string) {
    const starts = [0];
    const len = text.length;
    for (let i = 0; i < len; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0d) {
        if (i + 1 < len && text.charCodeAt(i + 1) === 0x0a) i++;
        starts.push(i + 1);
      } else if (c === 0x0a) {
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
    this.length = len;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** Position of `offset` (clamped to the text). */
  positionAt(offset: number): LinePosition {
    let o = Math.max(0, Math.min(Number.isFinite(offset) ? Math.floor(offset) : 0, this.length));
    // Inside a \r\n break: the end of the line's content, as TextDocument.positionAt answers.
    if (o > 0 && this.text.charCodeAt(o) === 0x0a && this.text.charCodeAt(o - 1) === 0x0d) o--;
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    // The last line whose start is <= o.
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - starts[lo] };
  }

  /** Offset of `pos`; lines past the end clamp to the text end, characters past a line's end to that end. */
  offsetAt(pos: LinePosition): number {
    const starts = this.lineStarts;
    if (!(pos.line >= 0)) return 0;
    if (pos.line >= starts.length) return this.length;
    const line = Math.floor(pos.line);
    const lineStart = starts[line];
    const contentEnd = this.lineContentEnd(line);
    const character = Math.max(0, Number.isFinite(pos.character) ? Math.floor(pos.character) : 0);
    return Math.min(lineStart + character, contentEnd);
  }

  /** Offset where line `line` starts (0-based, clamped). */
  lineStart(line: number): number {
    const l = Number.isFinite(line) ? Math.floor(line) : 0;
    return this.lineStarts[Math.max(0, Math.min(l, this.lineStarts.length - 1))];
  }

  /** Offset of the end of the line's content (before its line break). */
  private lineContentEnd(line: number): number {
    if (line + 1 >= this.lineStarts.length) return this.length;
    let end = this.lineStarts[line + 1] - 1; // the break's last character
    if (this.text.charCodeAt(end) === 0x0a && end > this.lineStarts[line] && this.text.charCodeAt(end - 1) === 0x0d) end--;
    return end;
  }
}
