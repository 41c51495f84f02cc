// The emulated phone's /system/bin/sh: runs a command line over the sandbox file system with the
// toybox commands a host tool uses (messages and exit codes as Android 7's mksh and toybox give
// them) and the emulated programs installed on the device.
import * as fs from 'fs';
import * as path from 'path';
import { DeviceFsError, SandboxFs, resolveDevicePath } from './sandbox-fs';
import { ShellSyntaxError, SimpleCommand, expandWord, parseCommandLine } from './shell-words';

export interface ProgramIo {
  out(data: string | Buffer): void;
  err(data: string | Buffer): void;
  /** Fires when the host closes the shell stream (adb killed, Ctrl-C, lost link). */
  signal: AbortSignal;
}

export interface ProgramContext {
  fs: SandboxFs;
  cwd: string;
}

/** An emulated executable: argv[0] is the name it was called by. Returns its exit status. */
export type DeviceProgram = (argv: string[], io: ProgramIo, ctx: ProgramContext) => Promise<number>;

const SH = '/system/bin/sh';

export class DeviceShell {
  private cwd = '/';
  private status = 0;

  constructor(
    private readonly fs: SandboxFs,
    private readonly props: ReadonlyMap<string, string>,
    /** Emulated executables by device path (e.g. /data/local/tmp/mobile_speedbenchmark). */
    private readonly programs: ReadonlyMap<string, DeviceProgram>,
  ) {}

  async run(line: string, io: ProgramIo): Promise<number> {
    let commands: SimpleCommand[];
    try {
      commands = parseCommandLine(line);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      io.err(`${SH}: ${e.message}\n`);
      return 2;
    }
    for (const command of commands) {
      if (io.signal.aborted) return 130;
      if (command.connector === '&&' && this.status !== 0) continue;
      if (command.connector === '||' && this.status === 0) continue;
      const exit = await this.runSimple(command, io);
      if (exit.exitShell) return exit.status;
      this.status = exit.status;
    }
    return this.status;
  }

  private variable(name: string): string {
    if (name === '?') return String(this.status);
    if (name === 'PWD') return this.cwd;
    if (name === 'PATH') return '/system/bin';
    return '';
  }

  private async runSimple(command: SimpleCommand, io: ProgramIo): Promise<{ status: number; exitShell?: boolean }> {
    const vars = (name: string) => this.variable(name);
    let out: (d: string | Buffer) => void = io.out;
    let err: (d: string | Buffer) => void = io.err;
    const opened: number[] = [];
    try {
      for (const redirect of command.redirects) {
        const r = { ...redirect, target: expandWord(redirect.target, vars) };
        let sink: (d: string | Buffer) => void;
        if (r.op === '<') continue; // stdin is never read by these commands
        if (r.op === '>&') {
          if (r.target === '1') sink = out;
          else if (r.target === '2') sink = err;
          else {
            io.err(`${SH}: ${r.target}: bad file descriptor\n`);
            return { status: 1 };
          }
        } else if (r.target === '/dev/null') {
          sink = () => undefined;
        } else {
          const fd = this.fs.openForWrite(resolveDevicePath(r.target, this.cwd), r.op === '>>');
          opened.push(fd);
          sink = (d) => {
            fs.writeSync(fd, typeof d === 'string' ? Buffer.from(d) : d);
          };
        }
        if (r.fd === 2) err = sink;
        else out = sink;
      }
      return await this.execute(
        command.words.map((w) => expandWord(w, vars)),
        { out, err, signal: io.signal },
      );
    } catch (e) {
      if (e instanceof DeviceFsError) {
        io.err(`${SH}: can't create ${e.devicePath}: ${e.reason}\n`);
        return { status: 1 };
      }
      throw e;
    } finally {
      for (const fd of opened) fs.closeSync(fd);
    }
  }

  private async execute(words: string[], io: ProgramIo): Promise<{ status: number; exitShell?: boolean }> {
    const [name, ...args] = words;
    const builtin = BUILTINS[name];
    if (builtin) {
      if (name === 'exit') return { status: args.length ? Number.parseInt(args[0], 10) & 0xff : this.status, exitShell: true };
      if (name === 'cd') {
        const target = resolveDevicePath(args[0] ?? '/', this.cwd);
        if (!this.fs.isDirectory(target)) {
          io.err(`${SH}: cd: ${target}: No such file or directory\n`);
          return { status: 2 };
        }
        this.cwd = target;
        return { status: 0 };
      }
      if (name === 'sh') {
        if (args[0] !== '-c' || args.length < 2) {
          io.err(`${SH}: only sh -c COMMAND is supported by the emulated shell\n`);
          return { status: 2 };
        }
        const nested = new DeviceShell(this.fs, this.props, this.programs);
        nested.cwd = this.cwd;
        return { status: await nested.run(args[1], io) };
      }
      return { status: await builtin(args, io, this) };
    }
    const devicePath = name.includes('/') ? resolveDevicePath(name, this.cwd) : `/system/bin/${name}`;
    const program = this.programs.get(devicePath);
    const stat = this.fs.stat(devicePath);
    if (!stat) {
      io.err(`${SH}: ${name}: not found\n`);
      return { status: 127 };
    }
    if ((stat.mode & 0o111) === 0 || (stat.mode & 0o040000) !== 0) {
      io.err(`${SH}: ${name}: can't execute: Permission denied\n`);
      return { status: 126 };
    }
    if (!program) {
      io.err(`${SH}: ${name}: can't execute: Exec format error\n`);
      return { status: 126 };
    }
    return { status: await program(words, io, { fs: this.fs, cwd: this.cwd }) };
  }

  getprop(name?: string): string {
    if (name !== undefined) return `${this.props.get(name) ?? ''}\n`;
    return [...this.props]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `[${k}]: [${v}]\n`)
      .join('');
  }

  resolve(p: string): string {
    return resolveDevicePath(p, this.cwd);
  }

  get filesystem(): SandboxFs {
    return this.fs;
  }
}

type Builtin = (args: string[], io: ProgramIo, shell: DeviceShell) => Promise<number> | number;

/** Splits toybox-style short options (`-rf`) from operands; unknown options are an error. */
function options(tool: string, args: string[], allowed: string, io: ProgramIo): { flags: Set<string>; rest: string[] } | undefined {
  const flags = new Set<string>();
  const rest: string[] = [];
  let operandsOnly = false;
  for (const a of args) {
    if (!operandsOnly && a === '--') {
      operandsOnly = true;
      continue;
    }
    if (!operandsOnly && a.startsWith('-') && a.length > 1) {
      for (const f of a.slice(1)) {
        if (!allowed.includes(f)) {
          io.err(`${tool}: Unknown option '${f}'\n`);
          return undefined;
        }
        flags.add(f);
      }
    } else {
      rest.push(a);
    }
  }
  return { flags, rest };
}

function fsFailure(tool: string, e: unknown, io: ProgramIo): number {
  if (e instanceof DeviceFsError) {
    io.err(`${tool}: ${e.devicePath}: ${e.reason}\n`);
    return 1;
  }
  throw e;
}

const BUILTINS: Record<string, Builtin> = {
  true: () => 0,
  false: () => 1,
  exit: () => 0,
  cd: () => 0,
  sh: () => 0,
  echo(args, io) {
    const newline = args[0] !== '-n';
    io.out(args.slice(newline ? 0 : 1).join(' ') + (newline ? '\n' : ''));
    return 0;
  },
  pwd(_args, io, shell) {
    io.out(`${shell.resolve('.')}\n`);
    return 0;
  },
  getprop(args, io, shell) {
    io.out(shell.getprop(args[0]));
    return 0;
  },
  async sleep(args, io) {
    const seconds = Number(args[0]);
    if (!(seconds >= 0)) {
      io.err(`sleep: invalid number '${args[0] ?? ''}'\n`);
      return 1;
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, seconds * 1000);
      io.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(t);
          resolve();
        },
        { once: true },
      );
    });
    return io.signal.aborted ? 130 : 0;
  },
  cat(args, io, shell) {
    let status = 0;
    for (const a of args) {
      try {
        io.out(shell.filesystem.read(shell.resolve(a)));
      } catch (e) {
        status = fsFailure('cat', e, io);
      }
    }
    return status;
  },
  ls(args, io, shell) {
    const o = options('ls', args, 'la1', io);
    if (!o) return 1;
    const targets = o.rest.length ? o.rest : ['.'];
    let status = 0;
    const fsys = shell.filesystem;
    const line = (name: string, devicePath: string) => {
      if (!o.flags.has('l')) return `${name}\n`;
      const st = fsys.stat(devicePath)!;
      const dir = (st.mode & 0o040000) !== 0;
      const perm = [6, 3, 0]
        .map((s) => {
          const b = (st.mode >> s) & 7;
          return `${b & 4 ? 'r' : '-'}${b & 2 ? 'w' : '-'}${b & 1 ? 'x' : '-'}`;
        })
        .join('');
      const date = new Date(st.mtimeSeconds * 1000).toISOString().replace('T', ' ').slice(0, 16);
      return `${dir ? 'd' : '-'}${perm} 1 shell shell ${String(st.size).padStart(8)} ${date} ${name}\n`;
    };
    for (const t of targets) {
      const p = shell.resolve(t);
      const st = fsys.stat(p);
      if (!st) {
        io.err(`ls: ${t}: No such file or directory\n`);
        status = 1;
        continue;
      }
      if ((st.mode & 0o040000) === 0) {
        io.out(line(t, p));
        continue;
      }
      if (targets.length > 1) io.out(`${t}:\n`);
      for (const name of fsys.list(p)) if (o.flags.has('a') || !name.startsWith('.')) io.out(line(name, path.posix.join(p, name)));
    }
    return status;
  },
  mkdir(args, io, shell) {
    const o = options('mkdir', args, 'p', io);
    if (!o) return 1;
    let status = 0;
    for (const a of o.rest) {
      try {
        shell.filesystem.mkdir(shell.resolve(a), o.flags.has('p'));
      } catch (e) {
        status = fsFailure('mkdir', e, io);
      }
    }
    return status;
  },
  rm(args, io, shell) {
    const o = options('rm', args, 'rfR', io);
    if (!o) return 1;
    let status = 0;
    for (const a of o.rest) {
      const p = shell.resolve(a);
      if (o.flags.has('f') && !shell.filesystem.stat(p)) continue;
      try {
        shell.filesystem.remove(p, o.flags.has('r') || o.flags.has('R'));
      } catch (e) {
        status = fsFailure('rm', e, io);
      }
    }
    return status;
  },
  chmod(args, io, shell) {
    const [mode, ...files] = args;
    if (!mode || files.length === 0) {
      io.err('chmod: Needs 2 arguments\n');
      return 1;
    }
    let status = 0;
    for (const f of files) {
      const p = shell.resolve(f);
      try {
        const st = shell.filesystem.stat(p);
        if (!st) throw new DeviceFsError(p, 'No such file or directory');
        let bits: number;
        if (/^[0-7]{1,4}$/.test(mode)) bits = Number.parseInt(mode, 8);
        else if (/^[ugoa]*\+x$/.test(mode)) bits = (st.mode & 0o7777) | 0o111;
        else if (/^[ugoa]*-x$/.test(mode)) bits = st.mode & 0o7777 & ~0o111;
        else {
          io.err(`chmod: bad mode '${mode}'\n`);
          return 1;
        }
        shell.filesystem.chmod(p, bits);
      } catch (e) {
        status = fsFailure('chmod', e, io);
      }
    }
    return status;
  },
  test: testBuiltin,
  '[': (args, io, shell) => (args[args.length - 1] === ']' ? testBuiltin(args.slice(0, -1), io, shell) : (io.err('[: missing ]\n'), 2)),
};

function testBuiltin(args: string[], io: ProgramIo, shell: DeviceShell): number {
  if (args.length !== 2) {
    io.err('test: only -e/-f/-d/-x FILE are supported by the emulated shell\n');
    return 2;
  }
  const st = shell.filesystem.stat(shell.resolve(args[1]));
  switch (args[0]) {
    case '-e':
      return st ? 0 : 1;
    case '-f':
      return st && st.mode & 0o100000 ? 0 : 1;
    case '-d':
      return st && st.mode & 0o040000 ? 0 : 1;
    case '-x':
      return st && st.mode & 0o111 ? 0 : 1;
    default:
      io.err(`test: unknown operator ${args[0]}\n`);
      return 2;
  }
}
