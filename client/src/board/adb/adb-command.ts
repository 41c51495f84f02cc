// Runs the real `adb` client once: bounded output, a time limit, cancellation (the adb process is
// killed; adb then closes the stream and adbd ends the remote command), and a clear error when
// adb is not installed. Every adb call of the transport goes through here.
import { spawn } from 'child_process';
import { AdbError } from './adb-errors';

export interface AdbClientOptions {
  /** The adb executable (default `adb` on PATH). */
  adbPath?: string;
  /** The adb server's port (ANDROID_ADB_SERVER_PORT; default adb's own, 5037). */
  serverPort?: number;
}

export interface AdbRunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Stdout beyond this is an error (default 16 MiB); stderr is kept to its last 64 KiB. */
  maxStdoutBytes?: number;
  /** Streams stdout instead of collecting it. */
  onStdout?(chunk: Buffer): void;
}

export interface AdbRunResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

const STDERR_KEEP = 64 * 1024;

export function runAdb(client: AdbClientOptions, args: string[], opts: AdbRunOptions = {}): Promise<AdbRunResult> {
  const adb = client.adbPath ?? 'adb';
  const env = { ...process.env };
  if (client.serverPort !== undefined) env.ANDROID_ADB_SERVER_PORT = String(client.serverPort);
  const maxStdout = opts.maxStdoutBytes ?? 16 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new AdbError(`adb ${args[0] ?? ''} cancelled`, 'cancelled'));
      return;
    }
    const child = spawn(adb, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let failure: AdbError | undefined;
    const stop = (error: AdbError) => {
      failure ??= error;
      child.kill('SIGTERM');
      setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }, 2000).unref();
    };
    const onAbort = () => stop(new AdbError(`adb ${args[0] ?? ''} cancelled`, 'cancelled'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = opts.timeoutMs
      ? setTimeout(() => stop(new AdbError(`adb ${args.join(' ')} did not finish in ${opts.timeoutMs} ms`, 'timeout')), opts.timeoutMs)
      : undefined;
    child.stdout.on('data', (d: Buffer) => {
      size += d.length;
      if (size > maxStdout) {
        stop(new AdbError(`adb ${args[0] ?? ''} printed more than ${maxStdout} bytes; stopped`, 'output-too-large'));
        return;
      }
      if (opts.onStdout) opts.onStdout(d);
      else chunks.push(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-STDERR_KEEP);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      failure ??=
        e.code === 'ENOENT'
          ? new AdbError(
              `adb is not installed (no "${adb}" on PATH): install Android platform tools (Debian/Ubuntu: sudo apt install adb) or set the adb path.`,
              'adb-missing',
            )
          : new AdbError(`cannot run ${adb}: ${e.message}`, 'adb-failed');
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (failure) reject(failure);
      else resolve({ code, stdout: Buffer.concat(chunks), stderr });
    });
  });
}
