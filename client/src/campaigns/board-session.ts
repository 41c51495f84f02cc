// One connection to a board for one or more campaigns: connect, find $HOME, put the agent in
// ~/.energy-lens/agent/ (checked by SHA-256, uploaded only when it changed), probe the board, upload
// campaign files, run the agent. No `vscode` here: the connection comes from an injected function.
import * as crypto from 'crypto';
import * as fs from 'fs';
// Not '../board/ssh' (its index loads ssh2): the SSH link is a bundle of its own, loaded at the first connection.
import type { BoardConnection, ExecResult } from '../board/ssh';
import { BoardConnectionError } from '../board/ssh/errors';
import { buildCommand } from '../board/ssh/shell-quote';
import type { TargetConfig } from '../board/targets';
import { CampaignError } from './failures';
import { describeProbe, parseProbe, probeBlocker, type ProbeInfo } from './probe';
import { DEFAULT_PROGRESS_TIMEOUT_S, ProgressWatchdog } from './progress-watchdog';

/** What a session needs of a link to a board: the SSH BoardConnection, or a local one (emulated board, no SSH). */
export type BoardLink = Pick<
  BoardConnection,
  'hostKeyFingerprint' | 'isOpen' | 'onClose' | 'exec' | 'upload' | 'mkdirp' | 'sha256' | 'close'
> & {
  readonly target: { readonly name: string };
};

export type Connect = (target: TargetConfig, signal?: AbortSignal) => Promise<BoardLink>;

export interface BoardSessionOptions {
  target: TargetConfig;
  connect: Connect;
  /** The agent file on this machine (client/board/agent/energy_lens_agent.py). */
  agentLocalPath: string;
  log: (line: string) => void;
  signal?: AbortSignal;
  /** Reports steps ("connecting", "probing the board") for the progress message. */
  onPhase?: (phase: string) => void;
}

export const AGENT_FILE_NAME = 'energy_lens_agent.py';

/** `python3` or `/opt/py/bin/python3 -u` -> argv words. */
export function pythonArgv(python: string): string[] {
  const words = python.trim().split(/\s+/).filter(Boolean);
  return words.length > 0 ? words : ['python3'];
}

/** A BoardConnectionError (or anything) from the link as a CampaignError. */
export function linkFailure(err: unknown, what: string): CampaignError {
  if (err instanceof CampaignError) return err;
  if (err instanceof BoardConnectionError) {
    if (err.code === 'cancelled') return new CampaignError('Cancelled.', 'cancelled');
    if (err.code === 'connection-lost')
      return new CampaignError(err.message, 'connection-lost', 'Check that the board is on and reachable, then try again.', { cause: err });
    return new CampaignError(err.message, 'connect', connectStep(err), { cause: err });
  }
  return new CampaignError(`${what} failed: ${(err as Error)?.message ?? String(err)}`, 'connect', undefined, { cause: err });
}

function connectStep(err: BoardConnectionError): string | undefined {
  switch (err.code) {
    case 'auth-failed':
      return 'Set "identityFile" (or "user") on this target in energyLens.targets, or add the key to your ssh-agent.';
    case 'host-not-found':
    case 'refused':
    case 'timeout':
    case 'unreachable':
      return 'Check the board is on and reachable (ping it, or `ssh` to it from a terminal), and its host/port in energyLens.targets.';
    case 'host-key-changed':
      return 'If the board was reinstalled, remove its old line from known_hosts and connect again.';
    default:
      return undefined;
  }
}

export class BoardSession {
  private constructor(
    readonly target: TargetConfig,
    readonly connection: BoardLink,
    readonly home: string,
    readonly agentRemotePath: string,
    readonly probe: ProbeInfo,
    private readonly log: (line: string) => void,
  ) {}

  /** `board "tx1"`. */
  get label(): string {
    return `board "${this.target.name}"`;
  }

  /** Connects, installs the agent if needed and probes. Throws CampaignError (the connection is closed then). */
  static async open(o: BoardSessionOptions): Promise<BoardSession> {
    const label = `board "${o.target.name}"`;
    o.onPhase?.(`connecting to ${o.target.name}`);
    let connection: BoardLink;
    try {
      connection = await o.connect(o.target, o.signal);
    } catch (err) {
      throw linkFailure(err, `Connecting to ${label}`);
    }
    o.log(`Connected to ${label} (host key ${connection.hostKeyFingerprint}).`);
    connection.onClose((error) => {
      if (error) o.log(error.message);
    });
    try {
      const home = await BoardSession.remoteHome(connection, o.log);
      const agentRemotePath = `${home}/.energy-lens/agent/${AGENT_FILE_NAME}`;
      o.onPhase?.('installing the agent');
      await installAgent(connection, o.agentLocalPath, agentRemotePath, o.log);
      o.onPhase?.('probing the board');
      let probe = await runProbe(connection, o.target, agentRemotePath, o.log, o.signal);
      if (probe.powerModes?.pendingRestore !== undefined) {
        o.onPhase?.('restoring the power mode');
        await restorePowerMode(connection, o.target, agentRemotePath, o.log, o.signal);
        probe = await runProbe(connection, o.target, agentRemotePath, o.log, o.signal);
      }
      o.log(`${label}: ${describeProbe(probe)}`);
      const blocker = probeBlocker(probe, label);
      if (blocker) throw blocker;
      return new BoardSession(o.target, connection, home, agentRemotePath, probe, o.log);
    } catch (err) {
      await connection.close().catch(() => undefined);
      throw linkFailure(err, `Preparing ${label}`);
    }
  }

  private static async remoteHome(connection: BoardLink, log: (l: string) => void): Promise<string> {
    const out: string[] = [];
    const r = await connection.exec('printf "%s\\n" "$HOME"', { onStdout: (l) => out.push(l), onStderr: log });
    const home = out.join('').trim();
    if (r.code !== 0 || !home.startsWith('/')) {
      throw new CampaignError(`Could not find the home folder on board "${connection.target.name}" (got "${home}").`, 'probe-failed');
    }
    return home.replace(/\/+$/, '');
  }

  /** `~/.energy-lens/campaigns/<id>` on the board. */
  campaignFolder(id: string): string {
    return `${this.home}/.energy-lens/campaigns/${id}`;
  }

  /** Uploads `local` to `remote` unless the board already has these exact bytes. */
  async uploadIfChanged(local: string, remote: string): Promise<'uploaded' | 'unchanged'> {
    return uploadIfChanged(this.connection, local, remote, this.log);
  }

  /** Runs the agent with `args` after the script path; stdout lines and stderr lines go to the handlers. */
  runAgent(
    args: string[],
    handlers: { onStdout(line: string): void; onStderr(line: string): void; onWarning?(message: string): void },
    signal?: AbortSignal,
  ): Promise<ExecResult> {
    const argv = [...pythonArgv(this.target.python), this.agentRemotePath, ...args];
    return this.connection.exec(buildCommand(argv), { env: this.target.env, signal, ...handlers });
  }

  get isOpen(): boolean {
    return this.connection.isOpen;
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

function sha256OfFile(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

async function remoteSha256(connection: BoardLink, remote: string): Promise<string | undefined> {
  try {
    return await connection.sha256(remote);
  } catch (err) {
    if (err instanceof BoardConnectionError && err.code === 'remote-failed') return undefined; // missing file
    throw err;
  }
}

async function uploadIfChanged(
  connection: BoardLink,
  local: string,
  remote: string,
  log: (l: string) => void,
): Promise<'uploaded' | 'unchanged'> {
  const want = sha256OfFile(local);
  if ((await remoteSha256(connection, remote)) === want) return 'unchanged';
  const folder = remote.slice(0, remote.lastIndexOf('/'));
  await connection.mkdirp(folder);
  // Upload beside it, then rename: a half-copied file never sits under the real name.
  const temporary = `${remote}.part-${crypto.randomBytes(4).toString('hex')}`;
  const up = await connection.upload(local, temporary);
  const mv = await connection.exec(buildCommand(['mv', '-f', temporary, remote]), { onStderr: log });
  if (mv.code !== 0)
    throw new CampaignError(`Could not put ${remote} in place on board "${connection.target.name}" (mv exit ${mv.code}).`, 'probe-failed');
  if ((await remoteSha256(connection, remote)) !== want) {
    throw new CampaignError(
      `The copy of ${remote} on board "${connection.target.name}" does not match the local file (disk full?).`,
      'probe-failed',
    );
  }
  log(`Uploaded ${remote} (${up.bytes} bytes, ${up.method}).`);
  return 'uploaded';
}

async function installAgent(connection: BoardLink, local: string, remote: string, log: (l: string) => void): Promise<void> {
  if (!fs.existsSync(local))
    throw new CampaignError(`The board agent ${local} is missing from the extension.`, 'probe-failed', 'Reinstall Energy Lens.');
  const result = await uploadIfChanged(connection, local, remote, log);
  if (result === 'unchanged') log(`The agent on board "${connection.target.name}" is up to date.`);
}

async function runProbe(
  connection: BoardLink,
  target: TargetConfig,
  agent: string,
  log: (l: string) => void,
  signal?: AbortSignal,
): Promise<ProbeInfo> {
  const out = await runAgentCommand(connection, target, agent, 'probe', log, signal);
  return parseProbe(out, `board "${target.name}"`);
}

const AGENT_EXIT_POWER_MODE = 7;

/**
 * A run that lost its connection (or was killed) left the board in the mode it measured in: switch back
 * before anything else is measured, and say so; a board that cannot be switched back is not measured on.
 */
async function restorePowerMode(
  connection: BoardLink,
  target: TargetConfig,
  agent: string,
  log: (l: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  // Exit 7 (the agent's "power mode" code) comes with a JSON answer saying why it could not switch back.
  const out = await runAgentCommand(connection, target, agent, 'restore-power-mode', log, signal, [0, AGENT_EXIT_POWER_MODE]);
  const label = `board "${target.name}"`;
  let result: { restored?: unknown; mode?: unknown; from?: unknown; error?: { message?: unknown; hint?: unknown } };
  try {
    result = JSON.parse(out.slice(0, 64 * 1024)) as typeof result;
  } catch {
    throw new CampaignError(`The agent's power-mode restore on ${label} did not answer with JSON.`, 'probe-failed');
  }
  if (result.error) {
    throw new CampaignError(
      `An earlier run left ${label} in another power mode, and switching it back failed: ${String(result.error.message).slice(0, 400)}`,
      'probe-failed',
      typeof result.error.hint === 'string' ? result.error.hint.slice(0, 400) : undefined,
    );
  }
  if (result.restored === true)
    log(`${label}: power mode ${String(result.mode)} restored (an earlier run had left it in mode ${String(result.from)}).`);
}

/** Runs one of the agent's one-object commands (probe, restore-power-mode) and returns its stdout. */
async function runAgentCommand(
  connection: BoardLink,
  target: TargetConfig,
  agent: string,
  command: 'probe' | 'restore-power-mode',
  log: (l: string) => void,
  signal?: AbortSignal,
  okCodes: readonly number[] = [0],
): Promise<string> {
  const out: string[] = [];
  const argv = [...pythonArgv(target.python), agent, command];
  // A command that never answers (a hung board) is stopped like a silent agent run.
  const timeout_s = target.progressTimeoutSeconds ?? DEFAULT_PROGRESS_TIMEOUT_S;
  const stop = new AbortController();
  const forwardAbort = (): void => stop.abort();
  signal?.addEventListener('abort', forwardAbort, { once: true });
  const watchdog = new ProgressWatchdog(timeout_s * 1000, () => stop.abort());
  let r: ExecResult;
  try {
    r = await connection.exec(buildCommand(argv), {
      env: target.env,
      signal: stop.signal,
      onStdout: (l) => out.push(l),
      onStderr: (l) => log(`[${command}] ${l}`),
    });
  } finally {
    watchdog.stop();
    signal?.removeEventListener('abort', forwardAbort);
  }
  const label = `board "${target.name}"`;
  if (watchdog.fired && !signal?.aborted) {
    throw new CampaignError(
      `The agent's ${command} on ${label} gave no answer in ${timeout_s} s; stopped it.`,
      'probe-failed',
      `Check that the board is not hung or overloaded (log in with ssh and run the agent's ${command} by hand); "progressTimeoutSeconds" on this target sets how long to wait.`,
    );
  }
  if (r.cancelled) throw new CampaignError('Cancelled.', 'cancelled');
  if (r.code === 127) {
    throw new CampaignError(
      `"${pythonArgv(target.python)[0]}" was not found on ${label}.`,
      'no-python',
      'Install Python 3 on the board, or set "python" on this target in energyLens.targets to its path.',
    );
  }
  if (r.code === null || !okCodes.includes(r.code)) {
    throw new CampaignError(
      `The agent's ${command} failed on ${label} (exit ${r.code ?? r.signal}). The agent needs Python 3.5 or later.`,
      'probe-failed',
      'See the "Energy Lens" output for the agent\'s messages; set "python" on this target if the default python3 is too old.',
    );
  }
  return out.join('\n');
}
