// Child processes that never outlive the harness: each runs in its own process group (so its
// helpers die with it), and every group still alive when we exit is killed.
import { ChildProcess, spawn } from 'child_process';
import * as http from 'http';
import * as net from 'net';
import * as readline from 'readline';

export interface StartOptions {
  label: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Called with each output line (stdout and stderr); default: prefixed echo to stderr. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface RunningProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** SIGTERM to the whole group, SIGKILL after `graceMs` if it is still there. */
  stop(graceMs?: number): Promise<void>;
}

const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL whatever is left.
  process.on('exit', () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  });
  // A signal ends Node without 'exit' handlers unless someone listens; give graceful handlers
  // (and Playwright's own) a moment, then exit so the hook above runs.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      for (const pid of liveGroups) killGroup(pid, 'SIGTERM');
      setTimeout(() => process.exit(130), 3000);
    });
  }
}

export function startProcess(command: string, args: string[], options: StartOptions): RunningProcess {
  installExitHook();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const onLine = options.onLine ?? ((line: string) => process.stderr.write(`[${options.label}] ${line}\n`));
  for (const stream of ['stdout', 'stderr'] as const) {
    const source = child[stream];
    if (source) readline.createInterface({ input: source }).on('line', (line) => onLine(line, stream));
  }
  const exited = new Promise<number | string>((resolve) => {
    child.once('error', (err) => {
      onLine(`failed to start ${command}: ${err.message}`, 'stderr');
      resolve('spawn-error');
    });
    child.once('exit', (code, signal) => {
      // The leader exited; its helpers may linger in the group: reap them too.
      if (child.pid !== undefined) {
        killGroup(child.pid, 'SIGKILL');
        liveGroups.delete(child.pid);
      }
      resolve(code ?? signal ?? 'unknown');
    });
  });
  if (child.pid === undefined) {
    return {
      pid: -1,
      child,
      exited,
      stop: async () => {
        await exited;
      },
    };
  }
  const pid = child.pid;
  liveGroups.add(pid);
  return {
    pid,
    child,
    exited,
    async stop(graceMs = 3000) {
      if (!liveGroups.has(pid)) return;
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      killGroup(pid, 'SIGKILL');
      liveGroups.delete(pid);
    },
  };
}

/** A port the OS says is free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

/** Polls `url` until it answers below 500, or fails after `timeoutMs` (or once `abort` settles). */
export async function waitForHttp(url: string, timeoutMs: number, abort?: Promise<unknown>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let aborted = false;
  void abort?.then(() => {
    aborted = true;
  });
  while (Date.now() < deadline) {
    if (aborted) throw new Error(`process exited before ${url} answered`);
    const status = await httpStatus(url);
    if (status > 0 && status < 500) return;
    await sleep(150);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects with a message naming `what` if `promise` has not settled after `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
