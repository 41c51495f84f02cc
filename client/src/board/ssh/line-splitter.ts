// Turns a byte stream into whole text lines. UTF-8 sequences split across chunks are kept intact
// (StringDecoder), `\r\n` counts as one line end, and the unterminated tail is flushed at the end.
//
// Linear in the input: each chunk is searched for newlines once and the unterminated part is kept
// as a list of pieces, joined only when its line ends (a board printing 32 MB without a newline
// must not make us rescan the pending text per chunk). Lines are capped: a line longer than
// `maxLineLength` is dropped whole (its head is never delivered as if it were the line) and
// reported once through `onOverlong`, and the rest of it is skipped up to its newline.
import { StringDecoder } from 'string_decoder';

/** 1 Mi characters: far above any agent event or Caffe log line. */
export const DEFAULT_MAX_LINE_LENGTH = 1024 * 1024;

export interface OverlongLine {
  /** 1-based line number in this stream. */
  line: number;
  /** Characters seen of the line (all of it once it ended; at least `maxLineLength` + 1). */
  length: number;
  /** Its first characters, for the log. */
  head: string;
}

export interface LineSplitterOptions {
  maxLineLength?: number;
  /** Told once per dropped line, when its end (or the end of the stream) is reached. */
  onOverlong?(info: OverlongLine): void;
}

const HEAD_LENGTH = 80;

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private readonly maxLineLength: number;
  /** Pieces of the unterminated line, and their total length. */
  private pieces: string[] = [];
  private pendingLength = 0;
  /** Set while skipping the rest of an over-long line: its head and length so far. */
  private dropping: { head: string; length: number } | undefined;
  private lineNumber = 0;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly options: LineSplitterOptions = {},
  ) {
    this.maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  }

  push(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', start)) >= 0) {
      this.append(text, start, nl);
      this.endLine();
      start = nl + 1;
    }
    if (start < text.length) this.append(text, start, text.length);
  }

  /** Emits what is left (a last line without a newline). */
  end(): void {
    const rest = this.decoder.end();
    if (rest !== '') this.push(rest);
    if (this.pendingLength > 0 || this.dropping) this.endLine();
  }

  /** Adds text[from, to) to the current line, or counts it when the line is being dropped. */
  private append(text: string, from: number, to: number): void {
    if (from === to) return;
    if (this.dropping) {
      this.dropping.length += to - from;
      return;
    }
    if (this.pendingLength + (to - from) > this.maxLineLength) {
      const head = (this.pieces.join('') + text.slice(from, from + HEAD_LENGTH)).slice(0, HEAD_LENGTH);
      this.dropping = { head, length: this.pendingLength + (to - from) };
      this.pieces = [];
      this.pendingLength = 0;
      return;
    }
    this.pieces.push(from === 0 && to === text.length ? text : text.slice(from, to));
    this.pendingLength += to - from;
  }

  private endLine(): void {
    this.lineNumber++;
    const dropped = this.dropping;
    if (dropped) {
      this.dropping = undefined;
      this.options.onOverlong?.({ line: this.lineNumber, length: dropped.length, head: dropped.head });
      return;
    }
    const line = this.pieces.length === 1 ? this.pieces[0] : this.pieces.join('');
    this.pieces = [];
    this.pendingLength = 0;
    this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}
