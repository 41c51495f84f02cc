// Runs one campaign on an open BoardSession: uploads the network, runs the agent, turns its JSON
// lines into records appended (and fsynced) one by one, and ends with an `end` record saying how it
// went. Every failure becomes a CampaignError with the next step; layers on disk are never lost.
// No `vscode` here: progress, log and "record written" go through hooks.
import * as path from 'path';
import type { ExecResult } from '../board/ssh';
import { BoardConnectionError } from '../board/ssh/errors'; // not the index: it loads ssh2 (client/src/lazy-bundles.ts)
import type { TargetConfig } from '../board/targets';
import {
  CampaignRecordWriter,
  campaignPlatform,
  RECORDS_FORMAT,
  RECORDS_VERSION,
  RecordsWriteError,
  readCampaignFile,
  type CampaignHeader,
  type CampaignRecord,
  type EndStatus,
} from '../../../server/src/measurements';
import { AgentExit, parseAgentLine, type AgentDone, type AgentError, type AgentEvent } from './agent-events';
import { measurementArgs, runArgs, skipListNeedsFile } from './agent-args';
import { BoardSession, type Connect, linkFailure } from './board-session';
import { planCampaign, planNewCampaign, type CampaignPlan, type CampaignRequest, type NewCampaignRequest } from './campaign-plan';
import { badNetwork, CampaignError, noCaffe, noSensor, RESUME_STEP } from './failures';
import { ProgressTracker, type ProgressState } from './progress';
import { DEFAULT_PROGRESS_TIMEOUT_S, ProgressWatchdog } from './progress-watchdog';
import { idleRecord, layerRecord, netRecord, sessionRecord, type RailNames } from './record-mapper';

export interface CampaignHooks {
  /** Connection events, the agent's stderr, warnings: the "Energy Lens" output channel. */
  log(line: string): void;
  /** `plan` is undefined while connecting, before a campaign is planned. */
  onProgress?(state: ProgressState, plan: CampaignPlan | undefined): void;
  /** After each record is on disk (lets the editor refresh measured values). */
  onRecord?(file: string): void;
  /** Every event the agent printed, as parsed (the CLI's `--json` stream). */
  onAgentEvent?(event: AgentEvent): void;
  now?: () => Date;
}

export interface CampaignOutcome {
  status: EndStatus;
  /** The campaign file, when one exists. */
  file?: string;
  plan?: CampaignPlan;
  /** Layers in the campaign file now (all sessions). */
  measured: number;
  /** Layers the campaign plans to measure (0 when unknown). */
  planned: number;
  /** Layers this run added. */
  added: number;
  error?: CampaignError;
  elapsedMs: number;
}

interface RunState {
  writer?: CampaignRecordWriter;
  measuredBefore: Set<string>;
  added: Set<string>;
  planned: string[];
  idle_mW?: number;
  rails: RailNames;
  lastError?: AgentError;
  done?: AgentDone;
  /** Layers the agent finished that could not be recorded (no value), by reason. */
  unusable: string[];
  /** The layer the agent last started or finished, for messages. */
  lastLayer?: { name: string; finished: boolean };
  /** Set when the run was stopped for want of progress events. */
  silentFor_s?: number;
}

function header(plan: CampaignPlan, session: BoardSession): CampaignHeader {
  const t = session.target;
  const target: CampaignHeader['target'] = { name: t.name, kind: t.kind, host: t.host, device: t.device };
  if (t.port !== undefined) target.port = t.port;
  if (t.user !== undefined) target.user = t.user;
  if (t.threads !== undefined) target.threads = t.threads;
  const method: CampaignHeader['method'] = {
    requested: 'auto',
    repetitions: t.repetitions,
    minLoop_s: t.minLoopSeconds,
    netCheck: plan.netCheck,
    agentArgs: measurementArgs(t),
  };
  if (t.idleSeconds !== undefined) method.idle_s = t.idleSeconds;
  const nvpmodel = session.probe.raw.nvpmodel as { mode?: unknown } | null | undefined;
  const platform = campaignPlatform({
    kind: t.kind,
    device: t.device,
    threads: t.device === 'cpu' ? t.threads : undefined,
    batch: plan.network.analysis.batch,
    // The mode measured in: the target's (the agent switches to it) or the one the board was found in.
    mode: t.powerMode ?? (typeof nvpmodel?.mode === 'number' && Number.isInteger(nvpmodel.mode) ? nvpmodel.mode : null),
  });
  return {
    type: 'campaign',
    format: RECORDS_FORMAT,
    version: RECORDS_VERSION,
    id: plan.id,
    created: plan.created,
    target,
    probe: session.probe.raw,
    emulated: session.probe.emulated,
    // The scale only the target can state (the agent never reads the emulator's private state).
    ...(session.probe.emulated ? { emulator: { timeScale: t.timeScale ?? null } } : {}),
    platform,
    network: plan.network,
    method,
  };
}

/** Measures one planned campaign on an open session. Never throws for board or agent failures. */
export async function measureOnBoard(
  session: BoardSession,
  plan: CampaignPlan,
  hooks: CampaignHooks,
  signal?: AbortSignal,
): Promise<CampaignOutcome> {
  const now = hooks.now ?? (() => new Date());
  const started = Date.now();
  const tracker = new ProgressTracker(session.target.repetitions, plan.netCheck);
  const report = (): void => hooks.onProgress?.(tracker.state(), plan);
  const state: RunState = {
    measuredBefore: new Set(plan.skip),
    added: new Set(),
    planned: [...plan.plannedBefore],
    rails: {},
    unusable: [],
  };
  const outcome = (status: EndStatus, error?: CampaignError): CampaignOutcome => ({
    status,
    error,
    plan,
    file: state.writer || plan.resume ? plan.recordsFile : undefined,
    measured: state.measuredBefore.size + state.added.size,
    planned: state.planned.length,
    added: state.added.size,
    elapsedMs: Date.now() - started,
  });
  if (signal?.aborted) return outcome('cancelled', new CampaignError('Cancelled.', 'cancelled'));

  const append = (record: CampaignRecord): void => {
    state.writer!.append(record);
    hooks.onRecord?.(plan.recordsFile);
  };
  const onEvent = (e: AgentEvent): void => {
    const at = now().toISOString();
    switch (e.event) {
      case 'start': {
        if (!state.writer) {
          if (plan.resume) {
            const { writer, repaired } = CampaignRecordWriter.reopen(plan.recordsFile);
            if (repaired) hooks.log(`${path.basename(plan.recordsFile)}: ${repaired}.`);
            state.writer = writer;
          } else {
            state.writer = CampaignRecordWriter.create(plan.recordsFile, header(plan, session));
            hooks.log(`Recording to ${plan.recordsFile}`);
            hooks.onRecord?.(plan.recordsFile);
          }
        }
        const s = sessionRecord(e, plan.session, at, plan.resume);
        for (const n of [...s.skipped, ...s.planned]) if (!state.planned.includes(n)) state.planned.push(n);
        state.rails = { total: s.totalRail, cpu: s.cpuRail, gpu: s.gpuRail };
        if (e.unknown_layers?.length) hooks.log(`The board's net has no layers named ${e.unknown_layers.join(', ')} (left out).`);
        append(s);
        tracker.setPhase('measuring idle power');
        break;
      }
      case 'idle': {
        const r = idleRecord(e, plan.session, at);
        if (typeof r === 'string') throw new CampaignError(`The agent's idle measurement is unusable: ${r}.`, 'agent-error');
        state.idle_mW = r.power_mW;
        if (state.writer) append(r);
        hooks.log(`Idle power ${r.power_mW.toFixed(0)} mW (sensor window ${(r.window_s * 1000).toFixed(1)} ms).`);
        tracker.setPhase('preparing the first layer');
        break;
      }
      case 'layer-start':
        tracker.layerStarted(e.name, e.position, e.of, e.loop_s);
        state.lastLayer = { name: e.name, finished: false };
        break;
      case 'layer': {
        state.lastLayer = { name: e.name, finished: true };
        if (e.partial) {
          hooks.log(
            `Layer ${e.name}: stopped after ${Array.isArray(e.repetitions) ? e.repetitions.length : 0} repetition(s); not recorded (a resume measures it again).`,
          );
          break;
        }
        tracker.layerFinished();
        if (!state.writer || state.idle_mW === undefined) {
          hooks.log(`Layer ${e.name} arrived before the agent's start/idle events: ignored.`);
          break;
        }
        const r = layerRecord(e, plan.session, at, state.idle_mW, state.rails);
        if (typeof r === 'string') {
          state.unusable.push(r);
          hooks.log(`${r}: not recorded.`);
          break;
        }
        append(r);
        state.added.add(r.name);
        break;
      }
      case 'net': {
        const r = netRecord(e, plan.session, at);
        if (typeof r === 'string') hooks.log(`${r}: not recorded.`);
        else if (state.writer) {
          append(r);
          hooks.log(`Whole net: ${r.energy_mJ.toPrecision(4)} mJ per forward (${r.time_ms.toPrecision(4)} ms).`);
        }
        break;
      }
      case 'power-mode': {
        const mode = (id: number | undefined, name: string | null | undefined): string => `${String(id)}${name ? ` (${name})` : ''}`;
        hooks.log(
          e.restored
            ? `Power mode ${mode(e.mode, e.name)} restored after the run (it measured in mode ${String(e.from)}).`
            : e.switched
              ? `Measuring in power mode ${mode(e.mode, e.name)}; the board was in ${mode(e.original, e.original_name)} and goes back to it after the run.`
              : `Measuring in power mode ${mode(e.mode, e.name)}, the board's own.`,
        );
        tracker.setPhase(e.restored ? 'restoring the power mode' : `power mode ${mode(e.mode, e.name)}`);
        break;
      }
      case 'error':
        state.lastError = e;
        hooks.log(`Agent error (${e.code}): ${e.message}${e.hint ? `\n  ${e.hint}` : ''}`);
        break;
      case 'done':
        state.done = e;
        break;
    }
    report();
  };

  let result: ExecResult | undefined;
  let failure: unknown;
  const ticker = setInterval(report, 1000);
  // The agent run is stopped by the user's signal or by the watchdog, whichever comes first.
  const stopRun = new AbortController();
  const forwardAbort = (): void => stopRun.abort();
  signal?.addEventListener('abort', forwardAbort, { once: true });
  let watchdog: ProgressWatchdog | undefined;
  try {
    const folder = session.campaignFolder(plan.id);
    tracker.setPhase('uploading the network');
    report();
    const remoteModel = `${folder}/${path.basename(plan.networkFile)}`;
    await session.uploadIfChanged(plan.networkFile, remoteModel);
    let remoteWeights: string | undefined;
    if (plan.weightsFile) {
      remoteWeights = `${folder}/${path.basename(plan.weightsFile)}`;
      await session.uploadIfChanged(plan.weightsFile, remoteWeights);
    }
    tracker.setPhase('starting the agent');
    report();
    let skipFile: string | undefined;
    if (skipListNeedsFile(plan.skip)) {
      skipFile = `${folder}/skip-layers-${plan.session}.json`;
      await session.connection.upload(Buffer.from(JSON.stringify(plan.skip)), skipFile);
    }
    const args = runArgs({
      target: session.target,
      remoteModel,
      remoteWeights,
      skip: plan.skip,
      skipFile,
      netCheck: plan.netCheck,
      batch: plan.network.analysis.batch,
    });
    hooks.log(`Running the agent: ${args.join(' ')}`);
    const timeout_s = session.target.progressTimeoutSeconds ?? DEFAULT_PROGRESS_TIMEOUT_S;
    watchdog = new ProgressWatchdog(timeout_s * 1000, () => {
      state.silentFor_s = timeout_s;
      stopRun.abort();
    });
    result = await session.runAgent(
      args,
      {
        onStdout: (line) => {
          const { event, ignored } = parseAgentLine(line);
          if (ignored) hooks.log(`[agent stdout] ${ignored}`);
          if (event) {
            watchdog?.touch();
            hooks.onAgentEvent?.(event);
            onEvent(event);
          }
        },
        onStderr: (line) => hooks.log(`[agent] ${line}`),
        onWarning: hooks.log,
      },
      stopRun.signal,
    );
  } catch (err) {
    failure = err;
  } finally {
    clearInterval(ticker);
    watchdog?.stop();
    signal?.removeEventListener('abort', forwardAbort);
  }

  const { status, error } = judge(session, plan, state, result, failure, signal);
  if (state.writer) {
    try {
      state.writer.append({
        type: 'end',
        session: plan.session,
        at: now().toISOString(),
        status,
        ...(error ? { message: error.message } : {}),
        layersMeasured: state.measuredBefore.size + state.added.size,
      });
      hooks.onRecord?.(plan.recordsFile);
    } catch (err) {
      hooks.log(`Could not write the end record: ${(err as Error).message}`);
    } finally {
      state.writer.close();
    }
  }
  if (error) hooks.log(`${error.message}${error.nextStep ? `\n  Next: ${error.nextStep}` : ''}`);
  return outcome(status, error);
}

/** How the run went, from the agent's exit status and last events, or the link's error. */
function judge(
  session: BoardSession,
  plan: CampaignPlan,
  state: RunState,
  result: ExecResult | undefined,
  failure: unknown,
  signal?: AbortSignal,
): { status: EndStatus; error?: CampaignError } {
  const board = session.label;
  const net = path.basename(plan.networkFile);
  const resumable = (message: string, code: CampaignError['code']): CampaignError =>
    new CampaignError(message, code, state.writer ? RESUME_STEP : 'Try again.');
  if (failure !== undefined) {
    if (failure instanceof RecordsWriteError)
      return {
        status: 'failed',
        error: new CampaignError(
          `Could not write the measurements: ${failure.message}`,
          'records',
          'Check the disk has space and the workspace is writable; then resume.',
        ),
      };
    if (failure instanceof CampaignError) return { status: failure.code === 'cancelled' ? 'cancelled' : 'failed', error: failure };
    if (failure instanceof BoardConnectionError && failure.code === 'connection-lost') {
      return {
        status: 'interrupted',
        error: resumable(`${failure.message}. ${state.added.size} layer(s) measured in this run are saved.`, 'connection-lost'),
      };
    }
    const e = linkFailure(failure, `Running the agent on ${board}`);
    return { status: e.code === 'cancelled' ? 'cancelled' : 'failed', error: e };
  }
  const r = result!;
  if (state.silentFor_s !== undefined && !signal?.aborted) {
    const last = state.lastLayer
      ? `; last layer ${state.lastLayer.name} (${state.lastLayer.finished ? 'measured' : 'being measured'})`
      : '; no layer started';
    return {
      status: 'interrupted',
      error: new CampaignError(
        `The agent on ${board} reported no progress for ${state.silentFor_s} s${last}; stopped it. ${state.added.size} layer(s) measured in this run are saved.`,
        'agent-died',
        `${state.writer ? RESUME_STEP : 'Try again.'} If a layer or the whole-net check legitimately takes longer on this board, raise "progressTimeoutSeconds" on this target in energyLens.targets.`,
      ),
    };
  }
  const agentSaid = state.lastError ? `${state.lastError.message}` : undefined;
  if (r.cancelled || (signal?.aborted && r.code === AgentExit.cancelled)) {
    return {
      status: 'cancelled',
      error: new CampaignError(
        `Cancelled. ${state.added.size} layer(s) measured in this run are saved.`,
        'cancelled',
        state.writer ? RESUME_STEP : undefined,
      ),
    };
  }
  switch (r.code) {
    case AgentExit.ok: {
      if (state.done?.status !== 'ok')
        return { status: 'failed', error: resumable(`The agent on ${board} exited without reporting the end of the run.`, 'agent-error') };
      const measured = new Set([...state.measuredBefore, ...state.added]);
      const missing = state.planned.filter((n) => !measured.has(n));
      if (missing.length > 0) {
        return {
          status: 'failed',
          error: resumable(
            `${missing.length} layer(s) gave no usable measurement (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}).`,
            'agent-error',
          ),
        };
      }
      return { status: 'complete' };
    }
    case AgentExit.cancelled:
      return {
        status: 'interrupted',
        error: resumable(`The agent on ${board} was stopped (SIGTERM or SIGHUP on the board).`, 'agent-died'),
      };
    case AgentExit.noSensor:
      return { status: 'failed', error: noSensor(board, state.lastError?.hint) };
    case AgentExit.noCaffe:
      return { status: 'failed', error: noCaffe(board, agentSaid, state.lastError?.hint) };
    case AgentExit.badNetwork:
      return { status: 'failed', error: badNetwork(net, agentSaid ?? 'the agent gave no reason', state.lastError?.location) };
    case AgentExit.internal:
    case AgentExit.usage:
      return {
        status: 'failed',
        error: resumable(`The agent failed on ${board}: ${agentSaid ?? `exit ${r.code}`}. See the "Energy Lens" output.`, 'agent-error'),
      };
    default: {
      const how =
        r.code === null
          ? `the session ended${r.signal ? ` by ${r.signal}` : ''}`
          : r.code > 128
            ? `killed by signal ${r.code - 128}`
            : `exit ${r.code}`;
      return {
        status: 'failed',
        error: resumable(
          `The agent on ${board} stopped without finishing (${how}). ${state.added.size} layer(s) measured in this run are saved.`,
          'agent-died',
        ),
      };
    }
  }
}

export interface RunCampaignOptions {
  target: TargetConfig;
  connect: Connect;
  agentLocalPath: string;
  request: CampaignRequest;
  hooks: CampaignHooks;
  signal?: AbortSignal;
}

/** Plans, connects, measures and disconnects: one campaign start to end. Never throws for expected failures. */
export async function runCampaign(o: RunCampaignOptions): Promise<CampaignOutcome> {
  const started = Date.now();
  const failed = (err: unknown, plan?: CampaignPlan): CampaignOutcome => {
    const error = err instanceof CampaignError ? err : linkFailure(err, 'The campaign');
    return {
      status: error.code === 'cancelled' ? 'cancelled' : 'failed',
      error,
      plan,
      file: plan?.resume ? plan.recordsFile : undefined,
      measured: plan?.skip.length ?? 0,
      planned: plan?.plannedBefore.length ?? 0,
      added: 0,
      elapsedMs: Date.now() - started,
    };
  };
  let plan: CampaignPlan;
  try {
    plan = planCampaign(o.request, o.target, (o.hooks.now ?? (() => new Date()))());
  } catch (err) {
    o.hooks.log((err as Error).message);
    return failed(err);
  }
  if (plan.alreadyComplete) return finishComplete(plan, o.hooks, started);
  let session: BoardSession;
  try {
    session = await BoardSession.open({
      target: o.target,
      connect: o.connect,
      agentLocalPath: o.agentLocalPath,
      log: o.hooks.log,
      signal: o.signal,
      onPhase: (phase) => o.hooks.onProgress?.({ phase, done: 0, elapsedMs: Date.now() - started, fraction: 0 }, plan),
    });
  } catch (err) {
    const outcome = failed(err, plan);
    o.hooks.log(`${outcome.error!.message}${outcome.error!.nextStep ? `\n  Next: ${outcome.error!.nextStep}` : ''}`);
    return outcome;
  }
  try {
    return await measureOnBoard(session, plan, o.hooks, o.signal);
  } finally {
    await session.close().catch(() => undefined);
  }
}

/** A resume where every layer is already on disk: only the missing end record is added. */
function finishComplete(plan: CampaignPlan, hooks: CampaignHooks, started: number): CampaignOutcome {
  if (readCampaignFile(plan.recordsFile).status !== 'complete') {
    const { writer } = CampaignRecordWriter.reopen(plan.recordsFile);
    try {
      writer.append({
        type: 'end',
        session: plan.session,
        at: (hooks.now ?? (() => new Date()))().toISOString(),
        status: 'complete',
        layersMeasured: plan.skip.length,
      });
    } finally {
      writer.close();
    }
    hooks.onRecord?.(plan.recordsFile);
  }
  hooks.log(`${path.basename(plan.recordsFile)}: every layer is already measured.`);
  return {
    status: 'complete',
    plan,
    file: plan.recordsFile,
    measured: plan.skip.length,
    planned: plan.plannedBefore.length,
    added: 0,
    elapsedMs: Date.now() - started,
  };
}

export interface SeriesHooks extends CampaignHooks {
  /** Before each network (0-based). */
  onNetwork?(index: number, request: NewCampaignRequest): void;
}

/**
 * Several networks one after another over one connection (connect, agent check and probe once).
 * Stops at a cancel or a lost connection; a network that fails on its own (e.g. Caffe rejects it)
 * does not stop the others. Returns one outcome per network attempted.
 */
export async function runCampaignSeries(
  o: Omit<RunCampaignOptions, 'request' | 'hooks'> & { requests: NewCampaignRequest[]; hooks: SeriesHooks },
): Promise<CampaignOutcome[]> {
  const outcomes: CampaignOutcome[] = [];
  if (o.requests.length === 0) return outcomes;
  const started = Date.now();
  let session: BoardSession;
  try {
    session = await BoardSession.open({
      target: o.target,
      connect: o.connect,
      agentLocalPath: o.agentLocalPath,
      log: o.hooks.log,
      signal: o.signal,
      onPhase: (phase) => o.hooks.onProgress?.({ phase, done: 0, elapsedMs: Date.now() - started, fraction: 0 }, undefined),
    });
  } catch (err) {
    const error = linkFailure(err, 'Connecting');
    o.hooks.log(`${error.message}${error.nextStep ? `\n  Next: ${error.nextStep}` : ''}`);
    return [
      {
        status: error.code === 'cancelled' ? 'cancelled' : 'failed',
        error,
        measured: 0,
        planned: 0,
        added: 0,
        elapsedMs: Date.now() - started,
      },
    ];
  }
  try {
    for (const [i, request] of o.requests.entries()) {
      if (o.signal?.aborted) break;
      o.hooks.onNetwork?.(i, request);
      let plan: CampaignPlan;
      try {
        plan = planNewCampaign(request, o.target, (o.hooks.now ?? (() => new Date()))());
      } catch (err) {
        const error = err instanceof CampaignError ? err : new CampaignError((err as Error).message, 'records');
        o.hooks.log(error.message);
        outcomes.push({ status: 'failed', error, measured: 0, planned: 0, added: 0, elapsedMs: 0 });
        continue;
      }
      const outcome = await measureOnBoard(session, plan, o.hooks, o.signal);
      outcomes.push(outcome);
      if (outcome.status === 'cancelled' || outcome.error?.code === 'connection-lost' || !session.isOpen) break;
    }
  } finally {
    await session.close().catch(() => undefined);
  }
  return outcomes;
}
