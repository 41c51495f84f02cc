// One adb stream on the device side: data to the host goes out as WRTE messages, one at a time,
// each waiting for the host's OKAY (the protocol's flow control without the delayed_ack feature);
// CLSE goes out after the last write.
import { A_CLSE, A_WRTE, encodeMessage } from './adb-wire';

export class DeviceStream {
  private readonly queue: Buffer[] = [];
  private awaitingOkay = false;
  private closing = false;
  closed = false;

  constructor(
    readonly localId: number,
    readonly remoteId: number,
    private readonly maxPayload: number,
    private readonly send: (message: Buffer) => void,
    private readonly onClosed: () => void,
  ) {}

  write(data: Buffer | string): void {
    if (this.closed || this.closing) return;
    let b = typeof data === 'string' ? Buffer.from(data) : data;
    while (b.length > 0) {
      this.queue.push(b.subarray(0, this.maxPayload));
      b = b.subarray(this.maxPayload);
    }
    this.flush();
  }

  /** The host acknowledged our last WRTE. */
  okay(): void {
    this.awaitingOkay = false;
    this.flush();
  }

  /** Ends the stream once everything written has been acknowledged. */
  close(): void {
    if (this.closed) return;
    this.closing = true;
    this.flush();
  }

  /** The host closed the stream (or the link went away): nothing more is sent. */
  closedByHost(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.onClosed();
  }

  private flush(): void {
    if (this.closed || this.awaitingOkay) return;
    const next = this.queue.shift();
    if (next) {
      this.awaitingOkay = true;
      this.send(encodeMessage(A_WRTE, this.localId, this.remoteId, next));
    } else if (this.closing) {
      this.closed = true;
      this.send(encodeMessage(A_CLSE, this.localId, this.remoteId));
      this.onClosed();
    }
  }
}
