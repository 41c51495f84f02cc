// Turns a byte stream into whole text lines. UTF-8 sequences split across chunks are kept intact
// (StringDecoder), `\r\n` counts as one line end, and the unterminated tail is flushed at the end.
import { StringDecoder } from 'string_decoder';

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let start = 0;
    let nl: number;
    while ((nl = this.pending.indexOf('\n', start)) >= 0) {
      const line = this.pending.slice(start, nl);
      start = nl + 1;
      this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    this.pending = this.pending.slice(start);
  }

  /** Emits what is left (a last line without a newline). */
  end(): void {
    this.pending += this.decoder.end();
    if (this.pending !== '') {
      const line = this.pending;
      this.pending = '';
      this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
  }
}
