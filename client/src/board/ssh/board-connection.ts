// One live SSH link to a board: resolve the target, connect through its jump hosts, then run
// commands and move files. No `vscode` here; UI comes in through SshEnvironment callbacks.
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { connectChain, describeRoute } from './connect-chain';
import { BoardConnectionError, describeSocketError } from './errors';
import { watchExit } from './exit-status';
import { runStreaming, shortCommand, type ChannelHost, type ExecOptions, type ExecResult } from './remote-exec';
import {
  mkdirpOnBoard,
  readBoardFile,
  sha256OnBoard,
  uploadToBoard,
  type FileHost,
  type UploadOptions,
  type UploadResult,
} from './remote-files';
import { resolveTarget } from './ssh-config-resolve';
import type { BoardTarget, ResolvedTarget, SshEnvironment } from './types';

export interface ConnectOptions {
  /** Cancels connecting (including a pending prompt's effect). */
  signal?: AbortSignal;
}

export class BoardConnection implements FileHost {
  private closedBy: 'user' | 'lost' | undefined;
  private lostReason: string | undefined;
  private readonly closeListeners = new Set<(error?: BoardConnectionError) => void>();
  private sftpSession: Promise<SFTPWrapper | undefined> | undefined;
  private readonly boardClosed: Promise<void>;

  private constructor(
    readonly target: ResolvedTarget,
    private readonly clients: Client[],
    /** SHA256 fingerprint of the board's host key. */
    readonly hostKeyFingerprint: string,
    /** Where output problems go when the caller gives no `onWarning` (the environment's log). */
    private readonly log: ((line: string) => void) | undefined,
  ) {
    const board = clients[clients.length - 1];
    this.boardClosed = new Promise((resolve) => board.once('close', () => resolve()));
    clients.forEach((client) => {
      client.on('error', (err: Error) => {
        this.lostReason ??= describeSocketError(err).reason;
      });
      // Any hop closing ends the route to the board.
      client.once('close', () => this.onTransportClosed());
    });
  }

  /** Resolves `target` through the SSH config and connects. Throws BoardConnectionError. */
  static async connect(target: BoardTarget, env: SshEnvironment, options: ConnectOptions = {}): Promise<BoardConnection> {
    let resolved: ResolvedTarget;
    try {
      resolved = resolveTarget(target, { homeDir: env.homeDir, sshConfigPath: env.sshConfigPath, localUser: env.localUser });
    } catch (err) {
      throw new BoardConnectionError(`Could not connect to board "${target?.name ?? '?'}": ${(err as Error).message}`, 'config', {
        cause: err,
      });
    }
    resolved.warnings.forEach((w) => env.log?.(`SSH config: ${w}`));
    const chain = await connectChain(resolved, env, options.signal);
    return new BoardConnection(resolved, chain.clients, chain.hostKeyFingerprint, env.log);
  }

  /** `board "tx1"`. */
  get label(): string {
    return `board "${this.target.name}"`;
  }

  get isOpen(): boolean {
    return this.closedBy === undefined;
  }

  /** Called once when the link closes: without an error after close(), with one when it was lost. */
  onClose(listener: (error?: BoardConnectionError) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Runs a shell command (build it with buildCommand), streaming its output line by line. */
  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return runStreaming(this.channelHost, command, { ...options, onWarning: options.onWarning ?? this.log });
  }

  /** Copies a local file or a buffer to the board, via SFTP when offered, else `cat > file`. */
  upload(source: string | Buffer, remotePath: string, options?: UploadOptions): Promise<UploadResult> {
    return uploadToBoard(this, source, remotePath, options);
  }

  /** A whole remote file; one over `maxBytes` (default 64 MiB) is refused. */
  readFile(remotePath: string, maxBytes?: number): Promise<Buffer> {
    return readBoardFile(this, remotePath, maxBytes);
  }

  mkdirp(remotePath: string): Promise<void> {
    return mkdirpOnBoard(this, remotePath);
  }

  /** Lower-case hex SHA-256 of a file on the board. */
  sha256(remotePath: string): Promise<string> {
    return sha256OnBoard(this, remotePath);
  }

  /** Closes every hop; resolves once the board's connection is closed (at most ~2 s). */
  async close(): Promise<void> {
    if (this.closedBy === undefined) this.closedBy = 'user';
    const sftp = this.sftpSession ? await this.sftpSession.catch(() => undefined) : undefined;
    sftp?.end();
    for (const c of [...this.clients].reverse()) c.end();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.boardClosed, new Promise<void>((r) => (timer = setTimeout(r, 2000)))]);
    clearTimeout(timer);
    for (const c of this.clients) c.destroy();
  }

  // --- FileHost / ChannelHost ---

  sftp(): Promise<SFTPWrapper | undefined> {
    this.sftpSession ??= new Promise((resolve) => {
      try {
        this.board.sftp((err, sftp) => resolve(err ? undefined : sftp));
      } catch {
        resolve(undefined);
      }
    });
    return this.sftpSession;
  }

  openExec(command: string): Promise<ClientChannel> {
    if (this.closedBy !== undefined) return Promise.reject(this.notOpenError(command));
    return new Promise((resolve, reject) => {
      try {
        this.board.exec(command, (err, channel) => {
          if (!err) return resolve(watchExit(channel));
          reject(
            this.closedBy !== undefined
              ? this.notOpenError(command)
              : new BoardConnectionError(`Could not start "${shortCommand(command)}" on ${this.label}: ${err.message}`, 'remote-failed', {
                  cause: err,
                }),
          );
        });
      } catch (err) {
        reject(this.notOpenError(command));
      }
    });
  }

  lostError(command: string): BoardConnectionError {
    const reason = this.lostReason ?? 'the connection closed unexpectedly';
    return new BoardConnectionError(
      `Lost the connection to ${this.label} (${describeRoute(this.target)}) while running "${shortCommand(command)}": ${reason}`,
      'connection-lost',
    );
  }

  private get channelHost(): ChannelHost {
    return this;
  }

  private get board(): Client {
    return this.clients[this.clients.length - 1];
  }

  private notOpenError(command: string): BoardConnectionError {
    if (this.closedBy === 'lost') return this.lostError(command);
    return new BoardConnectionError(`The connection to ${this.label} is closed`, 'connection-lost');
  }

  private onTransportClosed(): void {
    const wasOpen = this.closedBy === undefined;
    if (wasOpen) this.closedBy = 'lost';
    for (const c of this.clients) c.end();
    const listeners = [...this.closeListeners];
    this.closeListeners.clear();
    const error = wasOpen
      ? new BoardConnectionError(
          `Lost the connection to ${this.label} (${describeRoute(this.target)}): ${this.lostReason ?? 'the connection closed unexpectedly'}`,
          'connection-lost',
        )
      : undefined;
    for (const l of listeners) l(error);
  }
}
