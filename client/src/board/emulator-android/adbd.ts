// An emulated adbd on 127.0.0.1: the device side of the adb transport (AOSP adb/protocol.txt)
// for the real `adb` client (`adb connect 127.0.0.1:PORT`). No authentication: the device answers
// the host's CNXN with its own at once, as a phone with `ro.adb.secure=0` does. Services: shell
// (v1 and v2), exec, sync. Test switches play an unauthorised device (AUTH tokens forever), an
// offline one (never answers CNXN) and a dropped link.
import { randomBytes } from 'crypto';
import * as net from 'net';
import { A_AUTH, A_CLSE, A_CNXN, A_OKAY, A_OPEN, A_VERSION, A_WRTE, AdbMessage, MessageReader, encodeMessage } from './adb-wire';
import { DeviceStream } from './adb-stream';
import { DeviceProgram, DeviceShell } from './device-shell';
import type { SandboxFs } from './sandbox-fs';
import { parseShellService, runShellService } from './shell-service';
import { SyncService } from './sync-service';

const MAX_PAYLOAD = 256 * 1024;
const AUTH_TOKEN = 1;
const AUTH_SIGNATURE = 2;

export type AdbdBehaviour = 'online' | 'unauthorized' | 'offline';

export interface AdbdOptions {
  fs: SandboxFs;
  props: ReadonlyMap<string, string>;
  programs: ReadonlyMap<string, DeviceProgram>;
  /** Which banner fields `adb devices -l` shows (ro.product.name/model/device) come from props. */
  features?: string[];
  behaviour?: AdbdBehaviour;
}

interface OpenStream {
  stream: DeviceStream;
  onData(data: Buffer): void;
  onClose(): void;
}

class DeviceConnection {
  private readonly reader = new MessageReader(MAX_PAYLOAD);
  private readonly streams = new Map<number, OpenStream>();
  private nextLocalId = 1;
  private maxPayload = 4096;
  private online = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly opts: AdbdOptions,
  ) {
    socket.on('data', (chunk: Buffer) => {
      let messages: AdbMessage[];
      try {
        messages = this.reader.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const m of messages) this.handle(m);
    });
    socket.on('close', () => this.closeAll());
    socket.on('error', () => undefined);
  }

  private send(message: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(message);
  }

  private banner(): Buffer {
    const p = this.opts.props;
    const fields = ['ro.product.name', 'ro.product.model', 'ro.product.device'].map((k) => `${k}=${p.get(k) ?? ''};`).join('');
    return Buffer.from(`device::${fields}features=${(this.opts.features ?? ['shell_v2', 'cmd']).join(',')}`);
  }

  private handle(m: AdbMessage): void {
    const behaviour = this.opts.behaviour ?? 'online';
    switch (m.command) {
      case A_CNXN:
        if (behaviour === 'offline') return;
        if (behaviour === 'unauthorized') {
          this.send(encodeMessage(A_AUTH, AUTH_TOKEN, 0, randomBytes(20)));
          return;
        }
        this.maxPayload = Math.min(MAX_PAYLOAD, m.arg1 || 4096);
        this.online = true;
        this.send(encodeMessage(A_CNXN, Math.min(A_VERSION, m.arg0), MAX_PAYLOAD, this.banner()));
        return;
      case A_AUTH:
        // Every signature is refused; a public key is "shown to the user", who never accepts it.
        if (behaviour === 'unauthorized' && m.arg0 === AUTH_SIGNATURE) this.send(encodeMessage(A_AUTH, AUTH_TOKEN, 0, randomBytes(20)));
        return;
      case A_OPEN:
        if (this.online) this.open(m.arg0, m.data.toString('utf8').replace(/\0$/, ''));
        return;
      case A_OKAY: {
        const s = this.streams.get(m.arg1);
        s?.stream.okay();
        return;
      }
      case A_WRTE: {
        const s = this.streams.get(m.arg1);
        if (!s) {
          this.send(encodeMessage(A_CLSE, 0, m.arg0));
          return;
        }
        this.send(encodeMessage(A_OKAY, s.stream.localId, s.stream.remoteId));
        s.onData(m.data);
        return;
      }
      case A_CLSE: {
        const s = this.streams.get(m.arg1);
        if (s) {
          this.streams.delete(m.arg1);
          s.stream.closedByHost();
        }
        return;
      }
      default:
        return;
    }
  }

  private open(remoteId: number, service: string): void {
    const localId = this.nextLocalId++;
    const controller = new AbortController();
    let onData: (data: Buffer) => void = () => undefined;
    let onClose: () => void = () => undefined;
    const stream = new DeviceStream(
      localId,
      remoteId,
      this.maxPayload,
      (msg) => this.send(msg),
      () => {
        this.streams.delete(localId);
        controller.abort();
        onClose();
      },
    );
    const shellRequest = parseShellService(service);
    const exec = /^exec:([\s\S]+)$/.exec(service);
    if (!shellRequest && !exec && service !== 'sync:') {
      // adbd refuses a service it does not have by closing the stream at once.
      this.send(encodeMessage(A_CLSE, 0, remoteId));
      return;
    }
    this.streams.set(localId, { stream, onData: (d) => onData(d), onClose: () => onClose() });
    this.send(encodeMessage(A_OKAY, localId, remoteId));
    if (service === 'sync:') {
      const sync = new SyncService(this.opts.fs, stream);
      onData = (d) => sync.data(d);
      onClose = () => sync.close();
      return;
    }
    const request = shellRequest ?? { v2: false, pty: false, command: exec![1] };
    runShellService(request, new DeviceShell(this.opts.fs, this.opts.props, this.opts.programs), stream, controller.signal);
  }

  private closeAll(): void {
    for (const s of this.streams.values()) s.stream.closedByHost();
    this.streams.clear();
  }

  drop(): void {
    this.socket.destroy();
  }
}

export class EmulatedAdbd {
  private readonly server = net.createServer((socket) => {
    const c = new DeviceConnection(socket, this.opts);
    this.connections.add(c);
    socket.on('close', () => this.connections.delete(c));
  });
  private readonly connections = new Set<DeviceConnection>();

  constructor(private readonly opts: AdbdOptions) {}

  /** Listens on 127.0.0.1 (port 0: a free one) and resolves to the port. */
  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve((this.server.address() as net.AddressInfo).port));
    });
  }

  /** Cuts every host connection, as a phone that leaves Wi-Fi or reboots does; new ones are still accepted. */
  dropConnections(): void {
    for (const c of this.connections) c.drop();
  }

  close(): Promise<void> {
    this.dropConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
