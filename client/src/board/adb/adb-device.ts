// One Android device as the real `adb` client reaches it: connect (adb over Wi-Fi / TCP), check its
// state, run shell commands with streamed output, exit status and cancellation, push and pull.
//
// Exit status and lost links. `adb shell` passes the remote status through only with the shell v2
// protocol, and when the link drops mid-command adb 29 exits 0 with no message. So every command
// ends with an echo of `$?` behind a per-call nonce: a command whose marker never arrives was cut
// off, whatever adb's exit code says.
import { randomBytes } from 'crypto';
import { LineSplitter } from '../ssh/line-splitter';
import { shellQuote } from '../ssh/shell-quote';
import { AdbRunOptions, AdbClientOptions, runAdb } from './adb-command';
import { AdbError, classifyAdbFailure } from './adb-errors';
import { AdbDeviceEntry, parseDeviceList } from './device-list';

export interface AdbShellOptions {
  onStdout?(line: string): void;
  onStderr?(line: string): void;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Longest line passed on; longer ones are cut with a note (default 64 KiB). */
  maxLineChars?: number;
}

export interface AdbShellResult {
  code: number;
  stdout: string;
  stderr: string;
}

const DEFAULT_MAX_LINE = 64 * 1024;
const COLLECT_LIMIT = 8 * 1024 * 1024;

/** `host:port` serials are TCP devices adb has to be told to connect to. */
export function isTcpSerial(serial: string): boolean {
  return /^[^\s:]+:\d{1,5}$/.test(serial);
}

/** Builds one remote command line from an argv, each word quoted for the device's sh. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

export class AdbDevice {
  constructor(
    readonly serial: string,
    private readonly client: AdbClientOptions = {},
  ) {
    if (!/^\S+$/.test(serial)) throw new AdbError(`Invalid adb serial ${JSON.stringify(serial)}`, 'no-device');
  }

  private adb(args: string[], opts?: AdbRunOptions) {
    return runAdb(this.client, args, opts);
  }

  async listDevices(signal?: AbortSignal): Promise<AdbDeviceEntry[]> {
    const r = await this.adb(['devices', '-l'], { signal, timeoutMs: 30000 });
    if (r.code !== 0) throw new AdbError(`adb devices failed: ${r.stderr.trim()}`, 'adb-failed');
    return parseDeviceList(r.stdout.toString());
  }

  /**
   * Makes the device usable: `adb connect` for host:port serials, then its state from
   * `adb devices -l`. Resolves to its entry (model, product) when it is in state "device".
   */
  async ensureReady(signal?: AbortSignal): Promise<AdbDeviceEntry> {
    if (isTcpSerial(this.serial)) {
      // A TCP device whose link dropped stays "offline" in adb's list; forget it and connect afresh.
      const known = (await this.listDevices(signal)).find((d) => d.serial === this.serial);
      if (known?.state === 'offline') await this.adb(['disconnect', this.serial], { signal, timeoutMs: 30000 });
      const r = await this.adb(['connect', this.serial], { signal, timeoutMs: 30000 });
      const said = `${r.stdout.toString()}${r.stderr}`.trim();
      if (/failed to authenticate/.test(said)) return this.stateError({ serial: this.serial, state: 'unauthorized' });
      if (!/^(already )?connected to /m.test(said)) {
        throw new AdbError(
          `adb could not connect to ${this.serial}: ${said || `exit ${r.code}`}. Check that the phone is on the network and wireless debugging (adb tcpip) is on.`,
          'connect-failed',
        );
      }
    }
    const entry = (await this.listDevices(signal)).find((d) => d.serial === this.serial);
    if (!entry) throw new AdbError(`Android device ${this.serial} is not connected (adb devices does not list it).`, 'no-device');
    if (entry.state !== 'device') return this.stateError(entry);
    return entry;
  }

  private stateError(entry: AdbDeviceEntry): never {
    if (entry.state === 'unauthorized') throw classifyAdbFailure(this.serial, 'unauthorized');
    if (entry.state === 'offline') throw classifyAdbFailure(this.serial, 'device offline');
    throw new AdbError(`Android device ${this.serial} is in state "${entry.state}", not "device".`, 'adb-failed');
  }

  /**
   * Runs `command` (one sh command line; build it with shellCommand) and resolves to its exit
   * status. Output lines stream to the callbacks and are also collected (bounded).
   */
  async shell(command: string, opts: AdbShellOptions = {}): Promise<AdbShellResult> {
    const nonce = randomBytes(6).toString('hex');
    const marker = new RegExp(`^(.*)__energy_lens_exit_${nonce}=(\\d+)$`);
    const maxLine = opts.maxLineChars ?? DEFAULT_MAX_LINE;
    let status: number | undefined;
    let collected = '';
    const lineOut = (line: string) => {
      const m = marker.exec(line);
      if (m) {
        status = Number(m[2]);
        if (m[1] === '') return;
        line = m[1];
      }
      if (line.length > maxLine) line = `${line.slice(0, maxLine)}… [line of ${line.length} characters cut]`;
      if (collected.length < COLLECT_LIMIT) collected += `${line}\n`;
      opts.onStdout?.(line);
    };
    const splitter = new LineSplitter(lineOut);
    // sh -c keeps the marker alive through an `exit` in the command.
    const wrapped = `sh -c ${shellQuote(command)}; echo "__energy_lens_exit_${nonce}=$?"`;
    const r = await this.adb(['-s', this.serial, 'shell', wrapped], {
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      maxStdoutBytes: Number.MAX_SAFE_INTEGER,
      onStdout: (d) => splitter.push(d),
    });
    splitter.end();
    const stderr = r.stderr;
    if (stderr && opts.onStderr) for (const line of stderr.split('\n').filter(Boolean)) opts.onStderr(line);
    if (status === undefined) {
      if (r.code !== 0 || /^error: |^adb: error/m.test(stderr)) throw this.failure(stderr);
      throw new AdbError(
        `Lost the adb connection to ${this.serial} while running ${JSON.stringify(command.slice(0, 80))} (the command's end never arrived).`,
        'connection-lost',
      );
    }
    return { code: status, stdout: collected, stderr };
  }

  private failure(stderr: string): AdbError {
    const e = classifyAdbFailure(this.serial, stderr);
    return e;
  }

  async push(localPath: string, remotePath: string, signal?: AbortSignal): Promise<void> {
    const r = await this.adb(['-s', this.serial, 'push', localPath, remotePath], { signal, timeoutMs: 10 * 60000 });
    if (r.code !== 0) throw this.transferError('push', localPath, remotePath, `${r.stdout.toString()}\n${r.stderr}`);
  }

  async pull(remotePath: string, localPath: string, signal?: AbortSignal): Promise<void> {
    const r = await this.adb(['-s', this.serial, 'pull', remotePath, localPath], { signal, timeoutMs: 10 * 60000 });
    if (r.code !== 0) throw this.transferError('pull', remotePath, localPath, `${r.stdout.toString()}\n${r.stderr}`);
  }

  /** adb 29 prints transfer errors on stdout (through its progress printer), device-state ones on stderr. */
  private transferError(what: string, from: string, to: string, output: string): AdbError {
    const e = this.failure(output);
    if (e.code !== 'adb-failed') return e;
    const lines = output
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const reason = (lines.find((l) => /error:/.test(l)) ?? lines[lines.length - 1] ?? `exit status without a message`).replace(
      /^adb: error: /,
      '',
    );
    return new AdbError(`adb ${what} ${from} → ${to} on ${this.serial} failed: ${reason}`, 'transfer-failed');
  }
}
