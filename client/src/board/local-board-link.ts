// A link to a board that runs on this machine (the emulated Jetson without SSH, for `energy-lens
// profile --emulated` and CI): the same surface as the SSH BoardConnection, so the campaign runner
// and board session are unchanged. Commands run under /bin/sh in a process group of their own,
// so a cancel stops the agent and everything it started, as the SSH link's cancel pipe does.
import { spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { BoardConnectionError, isValidEnvName, type ExecOptions, type ExecResult, type UploadResult } from './ssh';
import { LineSplitter } from './ssh/line-splitter';

/** After TERM, KILL what is still running this much later (the SSH wrapper waits 2 s too). */
const KILL_AFTER_MS = 2000;

export class LocalBoardLink {
  private open = true;
  private readonly running = new Set<number>();
  readonly hostKeyFingerprint = 'none (local board, no SSH)';

  /** `env` is the board login's environment (HOME, ENERGY_LENS_BOARD_ROOT, PATH...). */
  constructor(
    readonly target: { readonly name: string },
    private readonly env: Readonly<Record<string, string>>,
  ) {}

  get isOpen(): boolean {
    return this.open;
  }

  onClose(_listener: (error?: BoardConnectionError) => void): () => void {
    return () => undefined; // a local board is never lost
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (!this.open) return Promise.reject(new BoardConnectionError(`The link to board "${this.target.name}" is closed`, 'connection-lost'));
    for (const k of Object.keys(options.env ?? {})) {
      if (!isValidEnvName(k))
        return Promise.reject(new BoardConnectionError(`Invalid environment variable name ${JSON.stringify(k)}`, 'remote-failed'));
    }
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], {
        env: { ...process.env, ...this.env, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      const out = new LineSplitter((l) => options.onStdout?.(l));
      const err = new LineSplitter((l) => options.onStderr?.(l));
      child.stdout!.on('data', (d: Buffer) => out.push(d));
      child.stderr!.on('data', (d: Buffer) => err.push(d));
      let cancelled = false;
      let killTimer: NodeJS.Timeout | undefined;
      const group = (signal: NodeJS.Signals): void => {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          // already gone
        }
      };
      const onAbort = (): void => {
        cancelled = true;
        group('SIGTERM');
        killTimer = setTimeout(() => group('SIGKILL'), KILL_AFTER_MS);
      };
      if (child.pid !== undefined) this.running.add(child.pid);
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
      child.once('error', (e) =>
        reject(
          new BoardConnectionError(`Could not run a command on board "${this.target.name}": ${e.message}`, 'remote-failed', { cause: e }),
        ),
      );
      child.once('close', (code, signal) => {
        clearTimeout(killTimer);
        options.signal?.removeEventListener('abort', onAbort);
        if (child.pid !== undefined) this.running.delete(child.pid);
        out.end();
        err.end();
        resolve({ code, signal, cancelled });
      });
    });
  }

  async upload(source: string | Buffer, remotePath: string, options: { mode?: number } = {}): Promise<UploadResult> {
    const data = Buffer.isBuffer(source) ? source : fs.readFileSync(source);
    fs.mkdirSync(path.dirname(remotePath), { recursive: true });
    fs.writeFileSync(remotePath, data, options.mode !== undefined ? { mode: options.mode } : {});
    return { method: 'cat', bytes: data.length };
  }

  async mkdirp(remotePath: string): Promise<void> {
    fs.mkdirSync(remotePath, { recursive: true });
  }

  async sha256(remotePath: string): Promise<string> {
    try {
      return crypto.createHash('sha256').update(fs.readFileSync(remotePath)).digest('hex');
    } catch (e) {
      throw new BoardConnectionError(
        `sha256 of ${remotePath} failed on board "${this.target.name}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        'remote-failed',
      );
    }
  }

  /** Stops whatever still runs (a closed link leaves nothing behind). */
  async close(): Promise<void> {
    this.open = false;
    for (const pid of this.running) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
}
