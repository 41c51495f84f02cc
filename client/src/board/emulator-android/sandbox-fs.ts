// The emulated phone's file system: device paths mapped into one host folder, plus read-only
// virtual files (/proc, /sys) whose content is computed when read, as the kernel does. Only the
// shell user's places (/data/local/tmp, /sdcard) are writable, as on a stock Android 7 phone.
import * as fs from 'fs';
import * as path from 'path';

export type VirtualFile = () => string;

export interface DeviceStat {
  /** POSIX st_mode (type and permission bits), as sync STAT reports it. */
  mode: number;
  size: number;
  mtimeSeconds: number;
}

export class DeviceFsError extends Error {
  constructor(
    readonly devicePath: string,
    readonly reason:
      | 'No such file or directory'
      | 'Permission denied'
      | 'Is a directory'
      | 'Not a directory'
      | 'Read-only file system'
      | 'File exists'
      | 'Directory not empty',
  ) {
    super(`${devicePath}: ${reason}`);
  }
}

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const WRITABLE = ['/data/local/tmp', '/sdcard'];

/** Normalises a device path against a working directory; `..` cannot climb above `/`. */
export function resolveDevicePath(p: string, cwd = '/'): string {
  return path.posix.resolve(cwd, p);
}

export class SandboxFs {
  private readonly virtual = new Map<string, VirtualFile>();

  constructor(readonly hostRoot: string) {
    for (const dir of ['system/bin', 'data/local/tmp', 'sdcard', 'proc', 'sys/class/power_supply']) {
      fs.mkdirSync(path.join(hostRoot, dir), { recursive: true });
    }
  }

  /** Registers a read-only file computed on each read (its folders appear in listings). */
  addVirtual(devicePath: string, content: VirtualFile): void {
    this.virtual.set(devicePath, content);
  }

  hostPath(devicePath: string): string {
    const normal = resolveDevicePath(devicePath);
    return path.join(this.hostRoot, ...normal.split('/').filter(Boolean));
  }

  private virtualDirs(): Set<string> {
    const dirs = new Set<string>();
    for (const p of this.virtual.keys()) for (let d = path.posix.dirname(p); d !== '/'; d = path.posix.dirname(d)) dirs.add(d);
    return dirs;
  }

  isWritable(devicePath: string): boolean {
    const p = resolveDevicePath(devicePath);
    return WRITABLE.some((w) => p === w || p.startsWith(w + '/'));
  }

  stat(devicePath: string): DeviceStat | undefined {
    const p = resolveDevicePath(devicePath);
    const v = this.virtual.get(p);
    if (v) return { mode: S_IFREG | 0o444, size: 4096, mtimeSeconds: Math.floor(Date.now() / 1000) };
    if (this.virtualDirs().has(p)) return { mode: S_IFDIR | 0o755, size: 0, mtimeSeconds: 0 };
    try {
      const st = fs.statSync(this.hostPath(p));
      const type = st.isDirectory() ? S_IFDIR : S_IFREG;
      return { mode: type | (st.mode & 0o7777), size: st.isDirectory() ? 4096 : st.size, mtimeSeconds: Math.floor(st.mtimeMs / 1000) };
    } catch {
      return undefined;
    }
  }

  isDirectory(devicePath: string): boolean {
    const st = this.stat(devicePath);
    return st !== undefined && (st.mode & S_IFDIR) !== 0;
  }

  read(devicePath: string): Buffer {
    const p = resolveDevicePath(devicePath);
    const v = this.virtual.get(p);
    if (v) return Buffer.from(v());
    const st = this.stat(p);
    if (!st) throw new DeviceFsError(p, 'No such file or directory');
    if (st.mode & S_IFDIR) throw new DeviceFsError(p, 'Is a directory');
    return fs.readFileSync(this.hostPath(p));
  }

  private checkWritable(p: string): void {
    if (this.virtual.has(p) || p.startsWith('/proc/') || p.startsWith('/sys/')) throw new DeviceFsError(p, 'Permission denied');
    if (p.startsWith('/system/')) throw new DeviceFsError(p, 'Read-only file system');
    if (!this.isWritable(p)) throw new DeviceFsError(p, 'Permission denied');
    if (!this.isDirectory(path.posix.dirname(p))) throw new DeviceFsError(p, 'No such file or directory');
  }

  /** Opens a file for writing (truncate or append) and returns its host descriptor. */
  openForWrite(devicePath: string, append: boolean, mode = 0o644): number {
    const p = resolveDevicePath(devicePath);
    this.checkWritable(p);
    if (this.isDirectory(p)) throw new DeviceFsError(p, 'Is a directory');
    return fs.openSync(this.hostPath(p), append ? 'a' : 'w', mode);
  }

  write(devicePath: string, data: Buffer | string, append = false): void {
    const fd = this.openForWrite(devicePath, append);
    try {
      fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    } finally {
      fs.closeSync(fd);
    }
  }

  list(devicePath: string): string[] {
    const p = resolveDevicePath(devicePath);
    if (!this.isDirectory(p)) throw new DeviceFsError(p, this.stat(p) ? 'Not a directory' : 'No such file or directory');
    const names = new Set<string>();
    try {
      for (const n of fs.readdirSync(this.hostPath(p))) names.add(n);
    } catch {
      /* a virtual-only folder */
    }
    const prefix = p === '/' ? '/' : p + '/';
    for (const v of [...this.virtual.keys(), ...this.virtualDirs()]) {
      if (v.startsWith(prefix)) names.add(v.slice(prefix.length).split('/')[0]);
    }
    return [...names].sort();
  }

  mkdir(devicePath: string, parents: boolean): void {
    const p = resolveDevicePath(devicePath);
    if (this.stat(p)) {
      if (parents && this.isDirectory(p)) return;
      throw new DeviceFsError(p, 'File exists');
    }
    if (parents) {
      const parent = path.posix.dirname(p);
      if (parent !== p && !this.stat(parent)) this.mkdir(parent, true);
    }
    this.checkWritable(p);
    fs.mkdirSync(this.hostPath(p));
  }

  remove(devicePath: string, recursive: boolean): void {
    const p = resolveDevicePath(devicePath);
    const st = this.stat(p);
    if (!st) throw new DeviceFsError(p, 'No such file or directory');
    this.checkWritable(p);
    if (st.mode & S_IFDIR) {
      if (!recursive) throw new DeviceFsError(p, 'Is a directory');
      fs.rmSync(this.hostPath(p), { recursive: true, force: true });
    } else {
      fs.unlinkSync(this.hostPath(p));
    }
  }

  chmod(devicePath: string, mode: number): void {
    const p = resolveDevicePath(devicePath);
    if (!this.stat(p)) throw new DeviceFsError(p, 'No such file or directory');
    this.checkWritable(p);
    fs.chmodSync(this.hostPath(p), mode);
  }

  setMtime(devicePath: string, seconds: number): void {
    const host = this.hostPath(devicePath);
    fs.utimesSync(host, seconds, seconds);
  }
}
