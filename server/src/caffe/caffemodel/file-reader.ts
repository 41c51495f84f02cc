// Positional reads of a large file through one small window, so that walking a 500 MB
// .caffemodel costs a few KiB of memory: the parser reads tags and lengths from the window and
// seeks past weight payloads without ever reading them.
import { promises as fs } from 'fs';
import { CaffemodelError } from './errors';
import { decodeVarint } from './wire';

export const DEFAULT_WINDOW_BYTES = 64 * 1024;

export class BufferedFileReader {
  private readonly window: Buffer;
  /** File offset of window[0]. */
  private windowStart = 0;
  /** Valid bytes in the window. */
  private windowLength = 0;
  private pos = 0;

  private constructor(
    private readonly handle: fs.FileHandle,
    /** Size of the file in bytes. */
    readonly size: number,
    windowBytes: number,
  ) {
    this.window = Buffer.allocUnsafe(windowBytes);
  }

  static async open(path: string, windowBytes = DEFAULT_WINDOW_BYTES): Promise<BufferedFileReader> {
    const handle = await fs.open(path, 'r');
    try {
      const { size } = await handle.stat();
      return new BufferedFileReader(handle, size, windowBytes);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  get position(): number {
    return this.pos;
  }

  /** Moves to `offset` (no I/O: the window is refilled lazily). */
  seek(offset: number): void {
    this.pos = offset;
  }

  /** Bytes from the position that are already in the window. */
  get buffered(): number {
    const inWindow = this.windowStart + this.windowLength - this.pos;
    return this.pos >= this.windowStart && inWindow > 0 ? inWindow : 0;
  }

  /**
   * Makes sure `count` bytes from the position are in the window, or all that is left of the file
   * when less remains. `count` must not exceed the window size.
   */
  async fill(count: number): Promise<void> {
    const wanted = Math.min(count, this.size - this.pos, this.window.length);
    if (this.buffered >= wanted) return;
    const length = Math.min(this.window.length, this.size - this.pos);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await this.handle.read(this.window, read, length - read, this.pos + read);
      if (bytesRead === 0) break; // the file shrank under us: the bounds checks report it
      read += bytesRead;
    }
    this.windowStart = this.pos;
    this.windowLength = read;
  }

  /** The byte at the position if it is in the window (see `fill`), else -1. */
  peekByte(): number {
    return this.buffered > 0 ? this.window[this.pos - this.windowStart] : -1;
  }

  /**
   * Decodes the varint at the position from the window (call `fill` first) without reading at or
   * past `limit`, the end of the enclosing message; moves past it on success. Fails with
   * 'truncated' when `limit` (or the end of the file) comes first.
   */
  readVarint(limit: number): number | 'truncated' | 'too-long' {
    if (this.buffered === 0) return 'truncated';
    const end = Math.min(this.windowStart + this.windowLength, limit) - this.windowStart;
    const r = decodeVarint(this.window, this.pos - this.windowStart, end);
    if (!r.ok) return r.reason;
    this.pos = this.windowStart + r.next;
    return r.value;
  }

  /** The window's bytes [start, end) of the file, if the window holds them all (no copy). */
  view(start: number, end: number): Buffer | undefined {
    if (start < this.windowStart || end > this.windowStart + this.windowLength) return undefined;
    return this.window.subarray(start - this.windowStart, end - this.windowStart);
  }

  /** Copies `count` bytes from the position into a new buffer and moves past them. */
  async readBytes(count: number): Promise<Buffer> {
    if (this.pos + count > this.size) {
      throw new CaffemodelError(this.pos, `${count} bytes run past the end of the file (size ${this.size})`);
    }
    const out = Buffer.allocUnsafe(count);
    let copied = 0;
    const inWindow = Math.min(this.buffered, count);
    if (inWindow > 0) {
      const from = this.pos - this.windowStart;
      this.window.copy(out, 0, from, from + inWindow);
      copied = inWindow;
    }
    while (copied < count) {
      const { bytesRead } = await this.handle.read(out, copied, count - copied, this.pos + copied);
      if (bytesRead === 0) throw new CaffemodelError(this.pos + copied, 'unexpected end of the file');
      copied += bytesRead;
    }
    this.pos += count;
    return out;
  }
}
