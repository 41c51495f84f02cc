// A throw-away OpenSSH server on 127.0.0.1 for tests and the demo (see docs SSHD-FIXTURE.md).
// Per-server host key and user key, its own authorized_keys (with `environment=` options so one
// login can be the emulated board), `sshd -D -e` as our child process, stopped by PID only.
import { spawn, execFileSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export const SSHD_PATH = process.env.ENERGY_LENS_SSHD ?? '/usr/sbin/sshd';
export const SFTP_SERVER_PATH = '/usr/lib/openssh/sftp-server';
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 5000;
const STOP_TIMEOUT_MS = 3000;

export interface SshdOptions {
  /** Offer the sftp subsystem (default true). */
  sftp?: boolean;
  /**
   * Environment of the login, set through `environment="..."` on the user key. HOME defaults to
   * `<dir>/home` (an empty folder), so the login shell does not source the real user's profile
   * (slow, and not part of an emulated board) and `~` on the "board" stays inside the fixture.
   */
  env?: Record<string, string>;
  /** Enable password authentication (checked by sshd against the system account; no PAM). */
  password?: boolean;
  /** Let clients open tunnels through this server (needed by a ProxyJump host). Default false. */
  allowTcpForwarding?: boolean;
  /** Encrypt the generated user key with this passphrase. */
  userKeyPassphrase?: string;
  /** More public key lines to accept (same environment options). */
  extraAuthorizedKeys?: string[];
  /** More host keys the server offers besides its ed25519 one (e.g. ['ecdsa']). */
  extraHostKeyTypes?: Array<'ecdsa' | 'rsa'>;
}

export interface ExtraHostKey {
  /** As in known_hosts and ssh2: `ecdsa-sha2-nistp256`, `ssh-rsa`. */
  keyType: string;
  /** `[127.0.0.1]:<port> <type> AAAA...` for a known_hosts file. */
  knownHostsLine: string;
}

export interface SshdFixture {
  host: string;
  port: number;
  /** The login name to use (the current user). */
  user: string;
  /** The server's private folder (keys, config, authorized_keys). */
  dir: string;
  /** HOME of the login (`<dir>/home` unless `env.HOME` says otherwise). */
  home: string;
  /** `ssh-ed25519 AAAA...` of the server's host key. */
  hostKeyPublic: string;
  /** The host key blob (what ssh2 hands to hostVerifier). */
  hostKeyBlob: Buffer;
  /** Private key accepted by this server. */
  userKeyPath: string;
  /** `[127.0.0.1]:<port> ssh-ed25519 AAAA...` for a known_hosts file. */
  knownHostsLine: string;
  /** The `extraHostKeyTypes` keys, in that order. */
  extraHostKeys: ExtraHostKey[];
  pid: number;
  /** What sshd printed so far (for failure messages). */
  log(): string;
  /** Graceful stop of the server and its session processes; resolves once it exited. */
  stop(): Promise<void>;
  /** Simulates the machine dying: SIGKILL to the server and every process under it. */
  kill(): Promise<void>;
  /**
   * Simulates a network black hole for open connections: SIGSTOPs every process under the
   * server (not the listener, so `stop()` still works). Sockets stay open; nothing answers.
   */
  freeze(): void;
}

/**
 * Generates an ed25519 key pair with ssh-keygen; returns the public key line. `kdfRounds` (-a)
 * lowers the bcrypt cost of an encrypted key so tests decrypting it stay fast.
 */
export function generateKey(
  keyPath: string,
  passphrase = '',
  options: { kdfRounds?: number; comment?: string; type?: 'ed25519' | 'ecdsa' | 'rsa' } = {},
): string {
  const rounds = options.kdfRounds === undefined ? [] : ['-a', String(options.kdfRounds)];
  execFileSync(
    'ssh-keygen',
    ['-q', '-t', options.type ?? 'ed25519', '-N', passphrase, '-C', options.comment ?? 'energy-lens-test', ...rounds, '-f', keyPath],
    { stdio: 'ignore' },
  );
  return fs.readFileSync(`${keyPath}.pub`, 'utf8').trim();
}

/** A port that was free a moment ago (sshd start is retried if someone takes it meanwhile). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface ProcEntry {
  pid: number;
  ppid: number;
  pgid: number;
}

function procEntry(pidText: string): ProcEntry | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pidText}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp ...
    return { pid: Number(pidText), ppid: Number(fields[1]), pgid: Number(fields[2]) };
  } catch {
    return undefined; // the process ended while we looked
  }
}

/** Every process below `pid` (Linux /proc), parents before children. */
function descendants(pid: number): ProcEntry[] {
  const children = new Map<number, ProcEntry[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const e = procEntry(name);
    if (!e) continue;
    const list = children.get(e.ppid) ?? [];
    list.push(e);
    children.set(e.ppid, list);
  }
  const out: ProcEntry[] = [];
  const queue = [...(children.get(pid) ?? [])];
  while (queue.length > 0) {
    const e = queue.shift()!;
    out.push(e);
    queue.push(...(children.get(e.pid) ?? []));
  }
  return out;
}

/**
 * Signals the server and everything under it. sshd puts each connection and each session in a
 * process group of its own (setsid), so those groups are signalled too: a process forked while we
 * looked is in its parent's group and cannot escape as an orphan. Never our own group.
 */
function signalTree(pid: number, treeSignal: NodeJS.Signals, rootSignal: NodeJS.Signals): void {
  const ownGroup = procEntry(String(process.pid))?.pgid;
  const tree = descendants(pid);
  const groups = new Set(tree.map((e) => e.pgid).filter((g) => g !== ownGroup && g > 1));
  const send = (target: number, signal: NodeJS.Signals): void => {
    try {
      process.kill(target, signal);
    } catch {
      // already gone
    }
  };
  groups.forEach((g) => send(-g, treeSignal));
  [...tree].reverse().forEach((e) => send(e.pid, treeSignal));
  send(pid, rootSignal);
}

function authorizedKeyLine(publicKey: string, env: Record<string, string> | undefined): string {
  const options = Object.entries(env ?? {}).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`Invalid environment name for sshd fixture: ${k}`);
    if (/["\n\\]/.test(v)) throw new Error(`sshd fixture environment value for ${k} cannot contain quotes, backslashes or newlines`);
    return `environment="${k}=${v}"`;
  });
  return options.length > 0 ? `${options.join(',')} ${publicKey}` : publicKey;
}

function sshdConfig(dir: string, port: number, o: SshdOptions): string {
  return [
    `Port ${port}`,
    `ListenAddress ${HOST}`,
    `HostKey ${dir}/host_key`,
    ...(o.extraHostKeyTypes ?? []).map((t) => `HostKey ${dir}/host_key_${t}`),
    `PidFile ${dir}/sshd.pid`,
    `AuthorizedKeysFile ${dir}/authorized_keys`,
    `PasswordAuthentication ${o.password ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    `PermitRootLogin ${o.password ? 'yes' : 'prohibit-password'}`,
    'PermitUserEnvironment yes',
    'StrictModes no',
    'UsePAM no',
    `AllowTcpForwarding ${o.allowTcpForwarding ? 'yes' : 'no'}`,
    'LogLevel VERBOSE',
    ...(o.sftp === false ? [] : [`Subsystem sftp ${SFTP_SERVER_PATH}`]),
    '',
  ].join('\n');
}

/** Resolves when `port` answers with an SSH banner; rejects if the child exits or time runs out. */
async function waitForBanner(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`sshd exited during start:\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, HOST);
      const done = (v: boolean): void => {
        sock.destroy();
        resolve(v);
      };
      sock.setTimeout(500, () => done(false));
      sock.once('data', (d) => done(d.toString('latin1').startsWith('SSH-')));
      sock.once('error', () => done(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not accept connections within ${START_TIMEOUT_MS} ms:\n${log()}`);
}

/** Starts a private sshd on 127.0.0.1. Always pair with `stop()` (e.g. in a mocha after hook). */
export async function startSshd(options: SshdOptions = {}): Promise<SshdFixture> {
  if (!fs.existsSync(SSHD_PATH)) throw new Error(`${SSHD_PATH} not found: install openssh-server (apt-get install -y openssh-server)`);
  try {
    fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation folder
  } catch {
    // not root: sshd will say what is missing
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'energy-lens-sshd-'));
  const hostKeyPublic = generateKey(path.join(dir, 'host_key')).split(/\s+/).slice(0, 2).join(' ');
  const extraHostPublics = (options.extraHostKeyTypes ?? []).map((t) =>
    generateKey(path.join(dir, `host_key_${t}`), '', { type: t })
      .split(/\s+/)
      .slice(0, 2),
  );
  const userKeyPath = path.join(dir, 'user_key');
  const userPublic = generateKey(userKeyPath, options.userKeyPassphrase ?? '');
  const keys = [userPublic, ...(options.extraAuthorizedKeys ?? [])];
  const loginEnv = { HOME: path.join(dir, 'home'), ...options.env };
  fs.mkdirSync(loginEnv.HOME, { recursive: true });
  fs.writeFileSync(path.join(dir, 'authorized_keys'), keys.map((k) => authorizedKeyLine(k, loginEnv)).join('\n') + '\n');

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const cfg = path.join(dir, 'sshd_config');
    fs.writeFileSync(cfg, sshdConfig(dir, port, options));
    let output = '';
    const child = spawn(SSHD_PATH, ['-D', '-e', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (d: Buffer): void => {
      output = (output + d.toString('utf8')).slice(-64 * 1024);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await waitForBanner(port, child, () => output);
    } catch (err) {
      child.kill('SIGKILL');
      await exited;
      if (attempt < 3 && /Address already in use/.test(output)) continue;
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    const pid = child.pid!;
    let stopped = false;
    const finish = async (rootSignal: NodeJS.Signals): Promise<void> => {
      if (!stopped) {
        stopped = true;
        // Sessions are throw-away: KILL them (a test command may ignore TERM); the server gets `signal`.
        signalTree(pid, 'SIGKILL', rootSignal);
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), STOP_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        signalTree(pid, 'SIGKILL', 'SIGKILL');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    };
    const blob = Buffer.from(hostKeyPublic.split(' ')[1], 'base64');
    return {
      host: HOST,
      port,
      user: os.userInfo().username,
      dir,
      home: loginEnv.HOME,
      hostKeyPublic,
      hostKeyBlob: blob,
      userKeyPath,
      knownHostsLine: `[${HOST}]:${port} ${hostKeyPublic}`,
      extraHostKeys: extraHostPublics.map(([keyType, blob64]) => ({ keyType, knownHostsLine: `[${HOST}]:${port} ${keyType} ${blob64}` })),
      pid,
      log: () => output,
      stop: () => finish('SIGTERM'),
      kill: () => finish('SIGKILL'),
      freeze: () => {
        for (const e of descendants(pid)) {
          try {
            process.kill(e.pid, 'SIGSTOP');
          } catch {
            // already gone
          }
        }
      },
    };
  }
}

export interface SshAgentFixture {
  socket: string;
  stop(): Promise<void>;
}

/** A private ssh-agent (foreground child) holding `keyPaths` (unencrypted keys). */
export async function startSshAgent(keyPaths: string[]): Promise<SshAgentFixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'energy-lens-agent-'));
  const socket = path.join(dir, 'agent.sock');
  const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!fs.existsSync(socket)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error('ssh-agent did not start');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  try {
    for (const k of keyPaths) execFileSync('ssh-add', ['-q', k], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
  } catch (err) {
    await stop();
    throw err;
  }
  return { socket, stop };
}
