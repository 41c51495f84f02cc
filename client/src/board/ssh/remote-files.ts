// File operations on the board: SFTP when the server offers it, plain shell commands otherwise
// (minimal boards often run dropbear or an sshd without the sftp subsystem).
import * as fs from 'fs';
import type { SFTPWrapper } from 'ssh2';
import { BoardConnectionError } from './errors';
import { DEFAULT_MAX_COLLECT_BYTES, runCollect, type ChannelHost, type CollectOptions, type CollectResult } from './remote-exec';
import { shellQuote } from './shell-quote';

export type TransferMethod = 'sftp' | 'cat';

export interface UploadOptions {
  /** File mode to set, e.g. 0o755. */
  mode?: number;
  /** 'auto' (default): SFTP when available, else cat. */
  method?: TransferMethod | 'auto';
}

export interface UploadResult {
  method: TransferMethod;
  bytes: number;
}

export interface FileHost extends ChannelHost {
  /** The SFTP session, or undefined when the server has no sftp subsystem. */
  sftp(): Promise<SFTPWrapper | undefined>;
  /** `board "tx1"` for messages. */
  readonly label: string;
}

function shorten(s: string): string {
  const oneLine = s.trim().split('\n').slice(-3).join(' | ');
  return oneLine.length > 300 ? oneLine.slice(0, 300) + '…' : oneLine;
}

async function runChecked(
  host: FileHost,
  what: string,
  command: string,
  stdin?: Buffer | fs.ReadStream,
  options?: CollectOptions,
): Promise<CollectResult> {
  const r = await runCollect(host, command, stdin, options);
  if (r.code !== 0) {
    const status = r.code === null ? `signal ${r.signal ?? '?'}` : `exit ${r.code}`;
    throw new BoardConnectionError(
      `${what} failed on ${host.label} (${status})${r.stderr.trim() ? `: ${shorten(r.stderr)}` : ''}`,
      'remote-failed',
    );
  }
  return r;
}

function sftpCall(what: string, host: FileHost, op: (cb: (err: Error | null | undefined) => void) => void): Promise<void> {
  return new Promise((resolve, reject) =>
    op((err) =>
      err
        ? reject(new BoardConnectionError(`${what} failed on ${host.label}: ${err.message}`, 'remote-failed', { cause: err }))
        : resolve(),
    ),
  );
}

function modeString(mode: number): string {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new Error(`Invalid file mode ${mode}`);
  return mode.toString(8).padStart(4, '0');
}

/** Copies a local file or a buffer to `remotePath` (the folder must exist). */
export async function uploadToBoard(
  host: FileHost,
  source: string | Buffer,
  remotePath: string,
  options: UploadOptions = {},
): Promise<UploadResult> {
  const bytes = Buffer.isBuffer(source) ? source.length : fs.statSync(source).size;
  const method = options.method ?? 'auto';
  const what = `Upload to ${remotePath}`;
  const sftp = method === 'cat' ? undefined : await host.sftp();
  if (method === 'sftp' && !sftp)
    throw new BoardConnectionError(`${what} failed on ${host.label}: the server offers no SFTP`, 'remote-failed');
  if (sftp) {
    if (Buffer.isBuffer(source)) await sftpCall(what, host, (cb) => sftp.writeFile(remotePath, source, cb));
    else await sftpCall(what, host, (cb) => sftp.fastPut(source, remotePath, { concurrency: 16, chunkSize: 32768 }, cb));
    if (options.mode !== undefined) {
      const mode = options.mode;
      await sftpCall(`chmod ${remotePath}`, host, (cb) => sftp.chmod(remotePath, mode, cb));
    }
    return { method: 'sftp', bytes };
  }
  const chmod = options.mode === undefined ? '' : ` && chmod ${modeString(options.mode)} ${shellQuote(remotePath)}`;
  const stdin = Buffer.isBuffer(source) ? source : fs.createReadStream(source);
  await runChecked(host, what, `cat > ${shellQuote(remotePath)}${chmod}`, stdin);
  return { method: 'cat', bytes };
}

/** Reads a whole remote file of at most `maxBytes` (a larger one is refused with its size). */
export async function readBoardFile(host: FileHost, remotePath: string, maxBytes = DEFAULT_MAX_COLLECT_BYTES): Promise<Buffer> {
  const sftp = await host.sftp();
  if (sftp) {
    const size = await new Promise<number>((resolve, reject) =>
      sftp.stat(remotePath, (err, stats) =>
        err
          ? reject(
              new BoardConnectionError(`Reading ${remotePath} failed on ${host.label}: ${err.message}`, 'remote-failed', { cause: err }),
            )
          : resolve(stats.size),
      ),
    );
    if (size > maxBytes) {
      throw new BoardConnectionError(
        `${remotePath} on ${host.label} is ${size.toLocaleString('en-US')} bytes, over the ${maxBytes.toLocaleString('en-US')}-byte limit for reading it`,
        'remote-failed',
      );
    }
    return new Promise((resolve, reject) =>
      sftp.readFile(remotePath, (err: Error | undefined, data: Buffer) =>
        err
          ? reject(
              new BoardConnectionError(`Reading ${remotePath} failed on ${host.label}: ${err.message}`, 'remote-failed', { cause: err }),
            )
          : resolve(data),
      ),
    );
  }
  // A redirect, not an argument: no option parsing and no name escaping to worry about.
  return (await runChecked(host, `Reading ${remotePath}`, `cat < ${shellQuote(remotePath)}`, undefined, { maxStdoutBytes: maxBytes }))
    .stdout;
}

export async function mkdirpOnBoard(host: FileHost, remotePath: string): Promise<void> {
  await runChecked(host, `Creating folder ${remotePath}`, `mkdir -p -- ${shellQuote(remotePath)}`);
}

/** Lower-case hex SHA-256 of a remote file, with fallbacks for boards without coreutils. */
export async function sha256OnBoard(host: FileHost, remotePath: string): Promise<string> {
  const r = await runChecked(
    host,
    `Hashing ${remotePath}`,
    `{ sha256sum 2>/dev/null || shasum -a 256 2>/dev/null || openssl dgst -sha256 -r; } < ${shellQuote(remotePath)}`,
  );
  const m = /^([0-9a-fA-F]{64})\b/.exec(r.stdout.toString('utf8').trim());
  if (!m)
    throw new BoardConnectionError(
      `Hashing ${remotePath} on ${host.label} gave no SHA-256 (no sha256sum, shasum or openssl?)`,
      'remote-failed',
    );
  return m[1].toLowerCase();
}
