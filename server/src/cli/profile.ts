// `energy-lens profile NET... --target T | --emulated [kind]`: a campaign per network from the
// terminal, with the extension's own runner, SSH link and records (nothing here measures, connects
// or writes records itself). Progress on stderr, `--json` events on stdout, Ctrl-C stops the agent
// on the board and keeps what was measured; the exit code says what went wrong (see PROFILE_USAGE).
import * as fs from 'fs';
import * as path from 'path';
import { agentPath } from '../../../client/src/board/emulator';
import { BoardConnection, BoardConnectionError } from '../../../client/src/board/ssh';
import { toBoardTarget, type TargetConfig } from '../../../client/src/board/targets';
import type { Connect } from '../../../client/src/campaigns/board-session';
import { runCampaign, type CampaignOutcome } from '../../../client/src/campaigns/campaign-runner';
import type { CampaignRequest } from '../../../client/src/campaigns/campaign-plan';
import { measurementsFolder, readCampaignFile } from '../measurements';
import { analyzeText } from '../net';
import { startEmulatedTarget } from './emulated-target';
import type { CliCommand, CliIo } from './io';
import { ProgressBar, renderProgressLine, type LayerLabel } from './progress-bar';
import { parseProfileArgs, PROFILE_USAGE, type ProfileArgs } from './profile-args';
import { resolveProfileTarget } from './profile-targets';
import { terminalSshEnvironment } from './terminal-ssh';

/** Documented in PROFILE_USAGE and the README. */
export const PROFILE_EXIT = {
  complete: 0, failed: 1, usage: 2, badNetwork: 3, noSensor: 4, noCaffe: 5, unreachable: 6, hostKey: 7, cancelled: 130,
} as const;

const HOST_KEY_CODES = new Set(['host-key-unknown', 'host-key-rejected', 'host-key-changed', 'host-key-revoked']);

/** The exit code for one campaign's outcome. */
export function exitCodeOf(o: CampaignOutcome): number {
  if (o.status === 'complete') return PROFILE_EXIT.complete;
  if (o.status === 'cancelled') return PROFILE_EXIT.cancelled;
  const e = o.error;
  const cause = e?.cause;
  if (cause instanceof BoardConnectionError && HOST_KEY_CODES.has(cause.code)) return PROFILE_EXIT.hostKey;
  switch (e?.code) {
    case 'bad-network':
    case 'network-changed':
      return PROFILE_EXIT.badNetwork;
    case 'no-sensor':
      return PROFILE_EXIT.noSensor;
    case 'no-caffe':
      return PROFILE_EXIT.noCaffe;
    case 'connect':
    case 'connection-lost':
      return PROFILE_EXIT.unreachable;
    default:
      return PROFILE_EXIT.failed;
  }
}

/** "split of <blob>" for the Split layers Caffe inserts, from the net as analysed here. */
function layerLabels(networkFile: string): LayerLabel {
  const names = new Map<string, string>();
  try {
    for (const l of analyzeText(fs.readFileSync(networkFile, 'utf8')).layers) {
      if (l.isSplit && l.bottoms[0]) names.set(l.name, `split of ${l.bottoms[0]}`);
    }
  } catch {
    // the label is a nicety; the runner reports unreadable networks
  }
  return (layer) => names.get(layer) ?? layer;
}

/** The newest unfinished campaign of `networkFile` on `target` in `folder`, or a finished one when that is all there is. */
export function findResumable(folder: string, cwd: string, networkFile: string, target: string): { file: string; complete: boolean } | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(folder).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return undefined;
  }
  const wanted = path.resolve(networkFile);
  const matches = names.map((n) => readCampaignFile(path.join(folder, n))).filter((r) => {
    const c = r.campaign;
    return c && c.target.name === target && path.resolve(cwd, c.network.path) === wanted;
  }).sort((a, b) => a.campaign!.created.localeCompare(b.campaign!.created));
  const open = matches.filter((r) => r.status !== 'complete');
  const pick = open[open.length - 1] ?? matches[matches.length - 1];
  return pick ? { file: pick.file, complete: pick.status === 'complete' } : undefined;
}

interface Board {
  target: TargetConfig;
  connect: Connect;
  agentPath: string;
  dispose(): Promise<void>;
}

async function openBoard(a: ProfileArgs, io: CliIo, log: (l: string) => void): Promise<Board | string> {
  const overrides = { ...a.overrides };
  delete overrides.batch;
  if (a.emulated) return startEmulatedTarget(a.emulated, a.timeScale, overrides);
  const resolved = resolveProfileTarget(a.target!, a.targetsFile && path.resolve(io.cwd, a.targetsFile), overrides);
  if (typeof resolved === 'string') return resolved;
  resolved.warnings.forEach(log);
  const connect: Connect = (t, signal) => BoardConnection.connect(toBoardTarget(t), terminalSshEnvironment(t, { acceptNew: a.acceptNew, log }), { signal });
  return { target: resolved.target, connect, agentPath: agentPath(), dispose: async () => undefined };
}

export const profile: CliCommand = async (args, io) => {
  const parsed = parseProfileArgs(args);
  if (typeof parsed === 'string') {
    io.stderr(`energy-lens profile: ${parsed}\n${PROFILE_USAGE}\n`);
    return PROFILE_EXIT.usage;
  }
  if (parsed.help) {
    io.stdout(`${PROFILE_USAGE}\n`);
    return 0;
  }
  const a = parsed;
  const networks = a.networks.map((n) => path.resolve(io.cwd, n));
  for (const [i, n] of networks.entries()) {
    if (!fs.existsSync(n) || !fs.statSync(n).isFile()) {
      io.stderr(`${a.networks[i]}: error: no such network file\n`);
      return PROFILE_EXIT.badNetwork;
    }
  }
  const folder = a.out ? path.resolve(io.cwd, a.out) : measurementsFolder(io.cwd);
  const tty = !a.json && io.stderrIsTTY === true;
  const bar = new ProgressBar(io.stderr, tty, process.stderr.columns ?? 100);
  const log = (line: string): void => bar.note(line);

  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) return;
    log('Stopping the agent on the board (measured layers are kept; --resume finishes the campaign)...');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);

  const board = await openBoard(a, io, log);
  if (typeof board === 'string') {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    io.stderr(`energy-lens profile: ${board}\n`);
    return PROFILE_EXIT.usage;
  }
  let exit: number = PROFILE_EXIT.complete;
  try {
    for (const network of networks) {
      if (controller.signal.aborted) break;
      const rel = path.relative(io.cwd, network) || network;
      let request: CampaignRequest = {
        kind: 'new', workspaceRoot: io.cwd, networkFile: network, recordsFolder: folder,
        ...(a.overrides.batch !== undefined ? { analysis: { phase: 'TEST', batch: a.overrides.batch as number } } : {}),
      };
      if (a.resume) {
        const found = findResumable(folder, io.cwd, network, board.target.name);
        if (found?.complete) {
          log(`${rel} on ${board.target.name}: already complete in ${found.file}; nothing to resume.`);
          if (a.json) io.stdout(`${JSON.stringify({ event: 'campaign-end', network: rel, target: board.target.name, status: 'complete', file: found.file, added: 0 })}\n`);
          continue;
        }
        if (found) request = { kind: 'resume', workspaceRoot: io.cwd, recordsFile: found.file };
        else log(`${rel} on ${board.target.name}: no campaign to resume in ${folder}; starting a new one.`);
      }
      const outcome = await runOne(a, io, bar, board, request, rel, network, controller.signal);
      const code = exitCodeOf(outcome);
      if (exit === PROFILE_EXIT.complete || code === PROFILE_EXIT.cancelled) exit = code;
    }
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await board.dispose().catch(() => undefined);
  }
  return controller.signal.aborted ? PROFILE_EXIT.cancelled : exit;
};

async function runOne(a: ProfileArgs, io: CliIo, bar: ProgressBar, board: Board, request: CampaignRequest, rel: string, network: string, signal: AbortSignal): Promise<CampaignOutcome> {
  const labels = layerLabels(network);
  const label = `${path.basename(network)} on ${board.target.name}`;
  const outcome = await runCampaign({
    target: board.target, connect: board.connect, agentLocalPath: board.agentPath, request, signal,
    hooks: {
      log: (line) => bar.note(line),
      onProgress: (state, plan) => {
        const before = plan?.skip.length ?? 0;
        const planned = plan && plan.plannedBefore.length > 0 ? plan.plannedBefore.length : undefined;
        bar.update((eta) => renderProgressLine(state, label, eta, labels, before, planned), state.remainingMs);
      },
      onAgentEvent: a.json ? (event) => io.stdout(`${JSON.stringify({ network: rel, target: board.target.name, ...event })}\n`) : undefined,
    },
  });
  bar.clear();
  const where = outcome.file ? ` -> ${path.relative(io.cwd, outcome.file) || outcome.file}` : '';
  io.stderr(`${label}: ${outcome.status}, ${outcome.measured}/${outcome.planned || '?'} layers (${outcome.added} this run)${where}\n`);
  if (outcome.error && outcome.status !== 'complete') io.stderr(`  ${outcome.error.message}${outcome.error.nextStep ? `\n  Next: ${cliStep(outcome.error.nextStep)}` : ''}\n`);
  if (a.json) {
    io.stdout(`${JSON.stringify({
      event: 'campaign-end', network: rel, target: board.target.name, status: outcome.status, file: outcome.file ?? null,
      measured: outcome.measured, planned: outcome.planned, added: outcome.added, exitCode: exitCodeOf(outcome),
      ...(outcome.error ? { error: { code: outcome.error.code, message: outcome.error.message } } : {}),
    })}\n`);
  }
  return outcome;
}

/** The runner's next steps name the extension's commands; in a terminal the same step is --resume. */
function cliStep(step: string): string {
  return step.startsWith('Run "Energy Lens: Resume Campaign"') ? 'run the same command again with --resume; the layers measured so far are kept.' : step;
}
