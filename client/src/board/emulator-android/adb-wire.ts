// The adb transport message format (AOSP adb/protocol.txt): a 24-byte little-endian header
// (command, arg0, arg1, data length, data checksum, magic = command ^ 0xffffffff) and a payload.
// Used by the emulated adbd; the host side is the real `adb` client.

export const A_CNXN = 0x4e584e43;
export const A_AUTH = 0x48545541;
export const A_OPEN = 0x4e45504f;
export const A_OKAY = 0x59414b4f;
export const A_CLSE = 0x45534c43;
export const A_WRTE = 0x45545257;

/** Version 0x01000001 lets both sides skip the payload checksum; we still send a correct one. */
export const A_VERSION = 0x01000001;
export const HEADER_BYTES = 24;

export interface AdbMessage {
  command: number;
  arg0: number;
  arg1: number;
  data: Buffer;
}

export function commandName(command: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(command >>> 0);
  return /^[A-Z]{4}$/.test(b.toString('latin1')) ? b.toString('latin1') : `0x${(command >>> 0).toString(16)}`;
}

function checksum(data: Buffer): number {
  let sum = 0;
  for (const byte of data) sum = (sum + byte) >>> 0;
  return sum;
}

export function encodeMessage(command: number, arg0: number, arg1: number, data: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(command >>> 0, 0);
  header.writeUInt32LE(arg0 >>> 0, 4);
  header.writeUInt32LE(arg1 >>> 0, 8);
  header.writeUInt32LE(data.length, 12);
  header.writeUInt32LE(checksum(data), 16);
  header.writeUInt32LE((command ^ 0xffffffff) >>> 0, 20);
  return Buffer.concat([header, data]);
}

/** Cuts a byte stream into messages; throws on a bad magic or an oversized payload (the link is then unusable). */
export class MessageReader {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly maxPayload: number) {}

  push(chunk: Buffer): AdbMessage[] {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const out: AdbMessage[] = [];
    while (this.buffered.length >= HEADER_BYTES) {
      const command = this.buffered.readUInt32LE(0);
      const magic = this.buffered.readUInt32LE(20);
      if ((command ^ 0xffffffff) >>> 0 !== magic) throw new Error(`bad adb message magic for ${commandName(command)}`);
      const length = this.buffered.readUInt32LE(12);
      if (length > this.maxPayload) throw new Error(`adb payload of ${length} bytes exceeds ${this.maxPayload}`);
      if (this.buffered.length < HEADER_BYTES + length) break;
      out.push({
        command,
        arg0: this.buffered.readUInt32LE(4),
        arg1: this.buffered.readUInt32LE(8),
        data: Buffer.from(this.buffered.subarray(HEADER_BYTES, HEADER_BYTES + length)),
      });
      this.buffered = this.buffered.subarray(HEADER_BYTES + length);
    }
    return out;
  }
}
