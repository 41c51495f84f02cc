// The `shell:` service: `shell:<command>` (raw, v1: output only, no exit status) and
// `shell,v2,raw:<command>` (AOSP adb shell_protocol.h: packets of id byte + u32 LE length +
// data; 1 stdout, 2 stderr, 3 exit with one status byte), which lets `adb shell` exit with the
// command's status. A pty or an interactive shell is refused with a message.
import type { DeviceShell } from './device-shell';
import type { DeviceStream } from './adb-stream';

const ID_STDOUT = 1;
const ID_STDERR = 2;
const ID_EXIT = 3;

function packet(id: number, data: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(id, 0);
  header.writeUInt32LE(data.length, 1);
  return Buffer.concat([header, data]);
}

export interface ShellRequest {
  v2: boolean;
  command: string;
  pty: boolean;
}

/** Parses the service string after OPEN: `shell[,arg...]:command`. */
export function parseShellService(service: string): ShellRequest | undefined {
  const m = /^shell((?:,[^:]*)?):([\s\S]*)$/.exec(service);
  if (!m) return undefined;
  const args = m[1].split(',').filter(Boolean);
  return { v2: args.includes('v2'), pty: args.includes('pty') || (!args.includes('raw') && m[2] === ''), command: m[2] };
}

/** Runs one request on `stream`; `abort` is signalled when the host closes the stream. */
export function runShellService(request: ShellRequest, shell: DeviceShell, stream: DeviceStream, signal: AbortSignal): void {
  const toBuffer = (d: string | Buffer) => (typeof d === 'string' ? Buffer.from(d) : d);
  const out = (d: string | Buffer) => stream.write(request.v2 ? packet(ID_STDOUT, toBuffer(d)) : toBuffer(d));
  const err = (d: string | Buffer) => stream.write(request.v2 ? packet(ID_STDERR, toBuffer(d)) : toBuffer(d));
  const finish = (status: number) => {
    if (request.v2) stream.write(packet(ID_EXIT, Buffer.from([status & 0xff])));
    stream.close();
  };
  if (request.pty || request.command.trim() === '') {
    err('emulated device: interactive shells and ptys are not supported; pass a command (adb shell -T <command>)\n');
    finish(1);
    return;
  }
  shell.run(request.command, { out, err, signal }).then(finish, (e: unknown) => {
    err(`/system/bin/sh: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    finish(1);
  });
}
