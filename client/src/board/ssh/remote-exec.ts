// Running commands on the board: streamed line by line, or collected as bytes.
//
// Cancelling. ssh2's `stream.signal()` is ignored by OpenSSH before 7.9 (a Jetson TX1 on Ubuntu
// 16.04 has 7.2) and refused by the 9.2 used in tests for root logins ("session signalling
// requires privilege separation" in its log); a pty would merge stderr into stdout (Caffe logs on stderr); killing from a
// second exec channel pays a whole login-shell start (seconds on a busy board). So every streamed
// command runs under a small POSIX sh wrapper that starts the command with stdin from /dev/null
// and keeps the channel's stdin as a "cancel pipe": a watcher blocks reading it, and EOF (we
// close stdin to cancel; sshd closes it if the connection drops) makes it `kill -TERM` the
// session's process group. sshd starts every session with setsid(), so the wrapper's PID is the
// group id and the whole pipeline goes. Works on any sshd and needs no extra round trip.
import type { ClientChannel } from 'ssh2';
import type { Readable } from 'stream';
import { BoardConnectionError } from './errors';
import { exitStatusOf } from './exit-status';
import { DEFAULT_MAX_LINE_LENGTH, LineSplitter, type OverlongLine } from './line-splitter';
import { isValidEnvName, shellQuote } from './shell-quote';

/** The command's stdin is /dev/null (the channel's stdin is the cancel pipe). */
export interface ExecOptions {
  onStdout?(line: string): void;
  onStderr?(line: string): void;
  signal?: AbortSignal;
  /** Set inline for the command (names validated, values quoted). */
  env?: Readonly<Record<string, string>>;
  /** Longest line delivered (characters); longer lines are dropped and reported. Default 1 Mi. */
  maxLineLength?: number;
  /** Problems with the output that do not stop the command (a dropped over-long line). */
  onWarning?(message: string): void;
}

export interface ExecResult {
  /**
   * Exit status as the wrapper shell reports it: a command killed by a signal it did not get from
   * a cancel shows as 128+n (e.g. 134 for a Caffe abort). Null when the session itself was killed.
   */
  code: number | null;
  /** The signal that ended the session as ssh2 names it ("SIGTERM" after a cancel), or null. */
  signal: string | null;
  /** True when `signal` (the AbortSignal) fired and the remote process was stopped. */
  cancelled: boolean;
}

export interface CollectOptions {
  /** Bytes of stdout kept; past it the command is stopped with an error. Default 64 MiB. */
  maxStdoutBytes?: number;
  /** Bytes of stderr kept (only its tail goes into messages). Default 1 MiB; the rest is dropped. */
  maxStderrBytes?: number;
}

export const DEFAULT_MAX_COLLECT_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_COLLECT_STDERR_BYTES = 1024 * 1024;

export interface CollectResult {
  code: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: string;
}

/** What the exec helpers need from the connection. */
export interface ChannelHost {
  /** Opens an exec channel; must call `watchExit` on it inside ssh2's callback (see exit-status.ts). */
  openExec(command: string): Promise<ClientChannel>;
  /** Error for a channel that closed without an exit status (the connection went away). */
  lostError(command: string): BoardConnectionError;
  /** `board "tx1"` for messages. */
  readonly label: string;
}

/** A command as messages show it: one line, at most 80 characters. */
export function shortCommand(command: string): string {
  const line = command.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? line.slice(0, 77) + '...' : line;
}

function mib(bytes: number): string {
  return `${+(bytes / (1024 * 1024)).toFixed(2)} MiB`;
}

/** If the channel has not closed this long after cancelling, stop waiting for it. */
const GIVE_UP_AFTER_MS = 5000;

/**
 * The wrapper, run by /bin/sh with the command as $1. fd 3 keeps the channel's stdin for the
 * watcher (an asynchronous list gets /dev/null as stdin in a non-interactive shell). On EOF the
 * watcher, immune to its own TERM, terminates the group and KILLs it 2 s later if something
 * ignored the TERM. The command's exit status is passed through.
 */
const CANCEL_WRAPPER = [
  'exec 3<&0',
  '/bin/sh -c "$1" </dev/null 3<&- &',
  'c=$!',
  '{ read -r _ <&3; trap "" TERM; kill -TERM -$$ || kill -TERM $c; sleep 2; kill -0 $c && { kill -KILL -$$ || kill -KILL $c; }; } >/dev/null 2>&1 &',
  'w=$!',
  'exec 3<&-',
  'wait $c',
  's=$?',
  'kill $w 2>/dev/null',
  'exit $s',
].join('\n');

/** The remote command line for `command` under the cancel wrapper, with env set inline. */
export function wrapForCancel(command: string, env?: Readonly<Record<string, string>>): string {
  const assignments = Object.entries(env ?? {}).map(([name, value]) => {
    if (!isValidEnvName(name)) throw new Error(`Invalid environment variable name: ${JSON.stringify(name)}`);
    return `${name}=${shellQuote(String(value))}`;
  });
  const envPart = assignments.length > 0 ? `env ${assignments.join(' ')} ` : '';
  return `exec ${envPart}/bin/sh -c ${shellQuote(CANCEL_WRAPPER)} sh ${shellQuote(command)}`;
}

/**
 * Runs a command and collects its output as bytes (for file contents and short queries). Stdout
 * is bounded: past `maxStdoutBytes` the channel is closed (the command dies of SIGPIPE or SIGHUP)
 * and the promise rejects with an error naming the command, the board and the bound.
 */
export function runCollect(
  host: ChannelHost,
  command: string,
  stdin?: Buffer | Readable,
  options: CollectOptions = {},
): Promise<CollectResult> {
  const maxStdout = options.maxStdoutBytes ?? DEFAULT_MAX_COLLECT_BYTES;
  const maxStderr = options.maxStderrBytes ?? DEFAULT_MAX_COLLECT_STDERR_BYTES;
  return host.openExec(command).then(
    (channel) =>
      new Promise<CollectResult>((resolve, reject) => {
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let outBytes = 0;
        let errBytes = 0;
        let overflow: BoardConnectionError | undefined;
        channel.on('data', (c: Buffer) => {
          if (overflow) return;
          outBytes += c.length;
          if (outBytes > maxStdout) {
            overflow = new BoardConnectionError(
              `"${shortCommand(command)}" on ${host.label} printed more than ${mib(maxStdout)}; stopped it (the output is not kept)`,
              'remote-failed',
            );
            out.length = 0;
            channel.close();
            return;
          }
          out.push(c);
        });
        channel.stderr.on('data', (c: Buffer) => {
          if (errBytes >= maxStderr) return;
          const kept = c.subarray(0, maxStderr - errBytes);
          errBytes += kept.length;
          err.push(kept);
        });
        channel.on('close', () => {
          if (overflow) return reject(overflow);
          const exit = exitStatusOf(channel);
          if (!exit) return reject(host.lostError(command));
          resolve({ ...exit, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
        });
        if (stdin === undefined) channel.end();
        else if (Buffer.isBuffer(stdin)) channel.end(stdin);
        else {
          stdin.on('error', (e) => {
            channel.close();
            reject(new BoardConnectionError(`Cannot read the data to send: ${e.message}`, 'other', { cause: e }));
          });
          stdin.pipe(channel);
        }
      }),
  );
}

/** Runs a command, streaming stdout/stderr line by line; the AbortSignal stops the remote process. */
export async function runStreaming(host: ChannelHost, command: string, options: ExecOptions = {}): Promise<ExecResult> {
  if (typeof command !== 'string' || command.trim() === '') throw new BoardConnectionError('Cannot run an empty command', 'other');
  const { signal } = options;
  if (signal?.aborted) return { code: null, signal: null, cancelled: true };
  const channel = await host.openExec(wrapForCancel(command, options.env));

  return new Promise<ExecResult>((resolve, reject) => {
    let cancelled = false;
    let closed = false;
    let giveUp: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      if (cancelled || closed) return;
      cancelled = true;
      channel.end(); // EOF on the cancel pipe: the wrapper's watcher TERMs the process group
      // sshd only closes the channel once the process is gone; do not wait for ever.
      giveUp = setTimeout(() => {
        channel.close();
        finish();
      }, GIVE_UP_AFTER_MS);
    };
    // A throwing line callback must not escape into the event emitter: it fails this exec instead.
    let callbackError: unknown;
    const guard =
      (fn: ((line: string) => void) | undefined) =>
      (line: string): void => {
        if (!fn || callbackError !== undefined) return;
        try {
          fn(line);
        } catch (err) {
          callbackError = err;
          onAbort();
        }
      };
    // An over-long line is dropped and named (which stream, which command, which board), never delivered cut.
    const splitter = (stream: 'stdout' | 'stderr', onLine: ((line: string) => void) | undefined): LineSplitter =>
      new LineSplitter(guard(onLine), {
        maxLineLength: options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH,
        onOverlong: (info: OverlongLine) =>
          guard(options.onWarning)(overlongMessage(stream, command, host.label, info, options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH)),
      });
    const stdout = splitter('stdout', options.onStdout);
    const stderr = splitter('stderr', options.onStderr);

    channel.on('data', (c: Buffer) => closed || stdout.push(c));
    channel.stderr.on('data', (c: Buffer) => closed || stderr.push(c));
    const finish = (): void => {
      if (closed) return;
      closed = true;
      clearTimeout(giveUp);
      signal?.removeEventListener('abort', onAbort);
      stdout.end();
      stderr.end();
      const exit = exitStatusOf(channel);
      if (callbackError !== undefined) reject(callbackError);
      else if (exit) resolve({ ...exit, cancelled });
      else if (cancelled) resolve({ code: null, signal: null, cancelled });
      else reject(host.lostError(command));
    };
    channel.on('close', finish);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function overlongMessage(stream: string, command: string, board: string, info: OverlongLine, max: number): string {
  return (
    `Dropped line ${info.line} of the ${stream} of "${shortCommand(command)}" on ${board}: ` +
    `${info.length.toLocaleString('en-US')} characters, over the ${max.toLocaleString('en-US')}-character limit (it began ${JSON.stringify(info.head)})`
  );
}
