// A handle on an emulated Snapdragon 820 phone (client/src/board/emulator-android/) for tests and
// the demo: its file system in a host folder, an adbd on 127.0.0.1 the real `adb` client connects
// to (`adb connect 127.0.0.1:PORT`), and the switches tests use to break the link.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AdbdBehaviour, EmulatedAdbd } from './emulator-android/adbd';
import type { DeviceProgram } from './emulator-android/device-shell';
import { SandboxFs } from './emulator-android/sandbox-fs';
import { SNAPDRAGON_820_PROPS, cpuinfo } from './emulator-android/snapdragon-820';

export interface EmulatedPhoneOptions {
  /** Host folder for the phone's files (default: a new temporary folder, removed by close()). */
  root?: string;
  /** 'online' (default), 'unauthorized' (never accepts the host's key) or 'offline' (never answers). */
  behaviour?: AdbdBehaviour;
  /** TCP port on 127.0.0.1 (default 0: a free one). */
  port?: number;
}

export interface EmulatedPhone {
  readonly port: number;
  /** What `adb connect` and `adb -s` take: `127.0.0.1:PORT`. */
  readonly serial: string;
  readonly root: string;
  readonly fs: SandboxFs;
  /** Cuts the host's connections (the phone leaving Wi-Fi); the phone keeps listening. */
  dropConnections(): void;
  close(): Promise<void>;
}

export async function startEmulatedPhone(opts: EmulatedPhoneOptions = {}): Promise<EmulatedPhone> {
  const temporary = opts.root === undefined;
  const root = opts.root ?? fs.mkdtempSync(path.join(os.tmpdir(), 'energy-lens-sd820-'));
  const sandbox = new SandboxFs(path.join(root, 'device'));
  sandbox.addVirtual('/proc/cpuinfo', cpuinfo);
  const programs = new Map<string, DeviceProgram>();
  const adbd = new EmulatedAdbd({ fs: sandbox, props: new Map(SNAPDRAGON_820_PROPS), programs, behaviour: opts.behaviour });
  const port = await adbd.listen(opts.port ?? 0);
  return {
    port,
    serial: `127.0.0.1:${port}`,
    root,
    fs: sandbox,
    dropConnections: () => adbd.dropConnections(),
    async close() {
      await adbd.close();
      if (temporary) fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
