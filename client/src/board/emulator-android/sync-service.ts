// The `sync:` service (AOSP adb/SYNC.TXT, file_sync_protocol.h): requests of a 4-byte id and a u32
// LE length, then the path. STAT answers mode/size/mtime (all zero when missing), LIST sends DENT
// entries then DONE, SEND "path,mode" is followed by DATA chunks and DONE <mtime> and answered OKAY
// or FAIL, RECV answers DATA chunks then DONE (or FAIL), QUIT ends the service.
import * as fs from 'fs';
import * as path from 'path';
import type { DeviceStream } from './adb-stream';
import { DeviceFsError, SandboxFs } from './sandbox-fs';

const SYNC_DATA_MAX = 64 * 1024;
const MAX_PATH = 1024;

function idOf(b: Buffer, at = 0): string {
  return b.toString('latin1', at, at + 4);
}

function message(id: string, ...words: number[]): Buffer {
  const b = Buffer.alloc(4 + 4 * words.length);
  b.write(id, 0, 'latin1');
  words.forEach((w, i) => b.writeUInt32LE(w >>> 0, 4 + 4 * i));
  return b;
}

function withPayload(id: string, payload: Buffer): Buffer {
  return Buffer.concat([message(id, payload.length), payload]);
}

export class SyncService {
  private buffered: Buffer = Buffer.alloc(0);
  private receiving: { devicePath: string; fd?: number; mode: number; error?: string } | undefined;

  constructor(
    private readonly fsys: SandboxFs,
    private readonly stream: DeviceStream,
  ) {}

  /** Bytes from the host's WRTE payloads (requests may span payloads). */
  data(chunk: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    while (this.buffered.length >= 8 && !this.stream.closed) {
      const id = idOf(this.buffered);
      const length = this.buffered.readUInt32LE(4);
      if (id === 'DONE' && this.receiving) {
        this.buffered = this.buffered.subarray(8);
        this.finishReceive(length);
        continue;
      }
      const limit = id === 'DATA' ? SYNC_DATA_MAX : MAX_PATH;
      if (length > limit) return this.fail(`${id} request of ${length} bytes is too long`);
      if (this.buffered.length < 8 + length) return;
      const body = this.buffered.subarray(8, 8 + length);
      this.buffered = this.buffered.subarray(8 + length);
      this.request(id, Buffer.from(body));
    }
  }

  close(): void {
    if (this.receiving?.fd !== undefined) fs.closeSync(this.receiving.fd);
    this.receiving = undefined;
  }

  private fail(reason: string): void {
    this.stream.write(withPayload('FAIL', Buffer.from(reason)));
    this.stream.close();
  }

  private request(id: string, body: Buffer): void {
    if (id === 'DATA') {
      if (!this.receiving) return this.fail('DATA outside SEND');
      if (this.receiving.fd !== undefined) fs.writeSync(this.receiving.fd, body);
      return;
    }
    const devicePath = body.toString('utf8');
    switch (id) {
      case 'STAT': {
        const st = this.fsys.stat(devicePath);
        this.stream.write(message('STAT', st?.mode ?? 0, st?.size ?? 0, st?.mtimeSeconds ?? 0));
        return;
      }
      case 'LIST':
        return this.list(devicePath);
      case 'SEND':
        return this.startReceive(devicePath);
      case 'RECV':
        return this.send(devicePath);
      case 'QUIT':
        this.stream.close();
        return;
      default:
        return this.fail(`unknown sync request ${JSON.stringify(id)}`);
    }
  }

  private list(devicePath: string): void {
    let names: string[] = [];
    try {
      names = this.fsys.list(devicePath);
    } catch {
      /* an empty listing, as adbd gives */
    }
    for (const name of ['.', '..', ...names]) {
      const st = this.fsys.stat(path.posix.join(devicePath, name));
      const n = Buffer.from(name);
      this.stream.write(Buffer.concat([message('DENT', st?.mode ?? 0, st?.size ?? 0, st?.mtimeSeconds ?? 0, n.length), n]));
    }
    this.stream.write(message('DONE', 0, 0, 0, 0));
  }

  /** SEND "path,mode": adbd reads the whole upload even after a failure, then answers FAIL. */
  private startReceive(spec: string): void {
    const comma = spec.lastIndexOf(',');
    const devicePath = comma >= 0 ? spec.slice(0, comma) : spec;
    const mode = comma >= 0 ? Number.parseInt(spec.slice(comma + 1), 10) & 0o777 : 0o644;
    this.receiving = { devicePath, mode };
    try {
      this.receiving.fd = this.fsys.openForWrite(devicePath, false, mode);
    } catch (e) {
      if (!(e instanceof DeviceFsError)) throw e;
      this.receiving.error = `couldn't create file: ${e.reason}`;
    }
  }

  private finishReceive(mtime: number): void {
    const r = this.receiving!;
    this.receiving = undefined;
    if (r.fd !== undefined) {
      fs.fsyncSync(r.fd);
      fs.closeSync(r.fd);
      this.fsys.chmod(r.devicePath, r.mode);
      if (mtime > 0) this.fsys.setMtime(r.devicePath, mtime);
    }
    if (r.error) this.stream.write(withPayload('FAIL', Buffer.from(r.error)));
    else this.stream.write(message('OKAY', 0));
  }

  private send(devicePath: string): void {
    let content: Buffer;
    try {
      content = this.fsys.read(devicePath);
    } catch (e) {
      if (!(e instanceof DeviceFsError)) throw e;
      this.stream.write(withPayload('FAIL', Buffer.from(e.reason)));
      return;
    }
    for (let at = 0; at < content.length; at += SYNC_DATA_MAX) {
      this.stream.write(withPayload('DATA', content.subarray(at, at + SYNC_DATA_MAX)));
    }
    this.stream.write(message('DONE', 0));
  }
}
