// The one error a .caffemodel read ends with when the bytes are not a well-formed Caffe model:
// callers (CLI, language server) show `message` as is, and may point at `offset` in a hex view.

export class CaffemodelError extends Error {
  override readonly name = 'CaffemodelError';

  constructor(
    /** Byte offset in the file where the problem was found. */
    readonly offset: number,
    /** What was expected there, without the position (it is prefixed to `message`). */
    readonly detail: string,
  ) {
    super(`at byte ${offset}: ${detail}`);
  }
}
