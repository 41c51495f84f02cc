// Agent events -> measurement records (server/src/measurements). Pure: the runner appends what
// this returns. Values the agent could not compute (null: a NaN on the board) make a layer unusable;
// it is then not recorded (a resume measures it again) and the reason is returned instead.
import type {
  IdleCalibration,
  IdleRecord,
  LayerCalibration,
  LayerRecord,
  NetInForward,
  NetRecord,
  SessionRecord,
  Spread,
} from '../../../server/src/measurements';
import type { AgentIdle, AgentLayer, AgentNet, AgentStart } from './agent-events';

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function spreadOf(e: {
  time_ms_spread?: number | null;
  energy_mj_spread?: number | null;
  dynamic_energy_mj_spread?: number | null;
  power_mw_spread?: number | null;
}): Spread {
  const s: Spread = {};
  if (isNum(e.time_ms_spread)) s.time_ms = e.time_ms_spread;
  if (isNum(e.energy_mj_spread)) s.energy_mJ = e.energy_mj_spread;
  if (isNum(e.dynamic_energy_mj_spread)) s.dynamic_energy_mJ = e.dynamic_energy_mj_spread;
  if (isNum(e.power_mw_spread)) s.power_mW = e.power_mw_spread;
  return s;
}

export interface RailNames {
  total?: string | null;
  cpu?: string | null;
  gpu?: string | null;
}

export function sessionRecord(e: AgentStart, session: number, at: string, resumed: boolean): SessionRecord {
  return {
    type: 'session',
    session,
    at,
    resumed,
    agent: String(e.agent ?? '?'),
    method: e.method || 'unknown',
    board: e.board ?? null,
    l4t: e.l4t ?? null,
    rails: Array.isArray(e.rails) ? e.rails.map(String) : [],
    totalRail: e.total_rail ?? null,
    cpuRail: e.cpu_rail ?? null,
    gpuRail: e.gpu_rail ?? null,
    planned: (e.layers ?? []).map((l) => l.name).filter((n) => typeof n === 'string' && n !== ''),
    skipped: (e.skipped_layers ?? []).filter((n) => typeof n === 'string' && n !== ''),
  };
}

export function idleRecord(e: AgentIdle, session: number, at: string): IdleRecord | string {
  if (!isNum(e.power_mw) || e.power_mw < 0) return `the idle power reading is not a number (${String(e.power_mw)})`;
  if (!isNum(e.window_s) || e.window_s <= 0) return `the sensor window is not a positive number (${String(e.window_s)})`;
  const r: IdleRecord = { type: 'idle', session, at, power_mW: e.power_mw, window_s: e.window_s };
  if (isNum(e.duration_s)) r.duration_s = e.duration_s;
  const calibration = idleCalibration(e);
  if (calibration) r.calibration = calibration;
  if (Number.isInteger(e.bracket) && (e.bracket as number) >= 0 && isNum(e.at_s) && isNum(e.drift_mw)) {
    r.bracket = { index: e.bracket as number, at_s: Math.max(0, e.at_s), drift_mW: e.drift_mw };
    if (isNum(e.loop_power_mw) && e.loop_power_mw >= 0) r.bracket.loopPower_mW = e.loop_power_mw;
    if (isNum(e.loop_time_ms) && e.loop_time_ms >= 0) r.bracket.loopTime_ms = e.loop_time_ms;
  }
  return r;
}

const nonNeg = (v: unknown): v is number => isNum(v) && v >= 0;

/** The agent's calibration, kept only where every number is usable (it is for audit, never required). */
function idleCalibration(e: AgentIdle): IdleCalibration | undefined {
  const c = e.calibration;
  if (!c) return undefined;
  const out: IdleCalibration = {};
  const w = c.window;
  if (w && isNum(w.window_s) && w.window_s > 0 && typeof w.window_source === 'string') {
    out.window = { window_s: w.window_s, source: w.window_source, estimates_s: (w.window_estimates_s ?? []).filter(nonNeg) };
    if (nonNeg(w.window_configured_s)) out.window.configured_s = w.window_configured_s;
    if (nonNeg(w.window_spread)) out.window.spread = w.window_spread;
  }
  const h = c.harness;
  if (h && typeof h.noop === 'string' && nonNeg(h.time_ms) && nonNeg(h.power_mw) && nonNeg(h.energy_mj)) {
    const spread: Spread = {};
    if (isNum(h.time_ms_spread)) spread.time_ms = h.time_ms_spread;
    if (isNum(h.energy_mj_spread)) spread.energy_mJ = h.energy_mj_spread;
    out.harness = { noop: h.noop, time_ms: h.time_ms, power_mW: h.power_mw, energy_mJ: h.energy_mj, spread };
    if (Number.isInteger(h.calls) && (h.calls as number) >= 1) out.harness.calls = h.calls;
  }
  return out.window || out.harness ? out : undefined;
}

function layerCalibration(e: AgentLayer): LayerCalibration | undefined {
  const c: LayerCalibration = {};
  if (nonNeg(e.harness?.time_ms)) c.harness_time_ms = e.harness!.time_ms;
  if (nonNeg(e.harness?.energy_mj)) c.harness_energy_mJ = e.harness!.energy_mj;
  if (nonNeg(e.restore?.time_ms)) c.restore_time_ms = e.restore!.time_ms;
  if (nonNeg(e.restore?.energy_mj)) c.restore_energy_mJ = e.restore!.energy_mj;
  if (Number.isInteger(e.tries) && (e.tries as number) >= 1) c.tries = e.tries;
  if (e.below_resolution === true) c.belowResolution = true;
  return Object.keys(c).length > 0 ? c : undefined;
}

/** Per-rail mean power under the rails' own names (the total rail as `total` when it has no name). */
function railPowers(e: AgentLayer, rails: RailNames): Record<string, number> {
  const out: Record<string, number> = {};
  if (isNum(e.power_mw)) out[rails.total || 'total'] = e.power_mw;
  if (isNum(e.cpu_power_mw)) out[rails.cpu || 'cpu'] = e.cpu_power_mw;
  if (isNum(e.gpu_power_mw)) out[rails.gpu || 'gpu'] = e.gpu_power_mw;
  return out;
}

export function layerRecord(e: AgentLayer, session: number, at: string, idle_mW: number, rails: RailNames): LayerRecord | string {
  const missing = (['time_ms', 'power_mw', 'energy_mj', 'dynamic_energy_mj'] as const).filter((k) => !isNum(e[k]));
  if (missing.length > 0) return `layer "${e.name}": the agent gave no value for ${missing.join(', ')}`;
  if ((e.energy_mj as number) < 0 || (e.time_ms as number) < 0 || (e.power_mw as number) < 0)
    return `layer "${e.name}": negative time, power or energy`;
  const reps = Array.isArray(e.repetitions) ? e.repetitions.length : 0;
  const r: LayerRecord = {
    type: 'layer',
    session,
    at,
    name: e.name,
    layerType: e.type ?? null,
    index: Number.isInteger(e.index) ? e.index : 0,
    method: e.method || 'unknown',
    time_ms: e.time_ms as number,
    power_mW: e.power_mw as number,
    rails_mW: railPowers(e, rails),
    idle_power_mW: nonNeg(e.idle_power_mw) ? e.idle_power_mw : idle_mW,
    energy_mJ: e.energy_mj as number,
    dynamic_energy_mJ: e.dynamic_energy_mj as number,
    spread: spreadOf(e),
    repetitions: Math.max(1, reps),
    calls: Math.max(1, Math.round(isNum(e.calls) ? e.calls : 1)),
    settled: e.settled === true,
    inPlace: e.in_place === true,
  };
  const calibration = layerCalibration(e);
  if (calibration) r.calibration = calibration;
  return r;
}

export function netRecord(e: AgentNet, session: number, at: string): NetRecord | string {
  const missing = (['time_ms', 'power_mw', 'energy_mj', 'dynamic_energy_mj'] as const).filter((k) => !isNum(e[k]));
  if (missing.length > 0) return `whole-net check: the agent gave no value for ${missing.join(', ')}`;
  const r: NetRecord = {
    type: 'net',
    session,
    at,
    method: e.method || 'unknown',
    time_ms: e.time_ms as number,
    power_mW: e.power_mw as number,
    energy_mJ: e.energy_mj as number,
    dynamic_energy_mJ: e.dynamic_energy_mj as number,
    spread: spreadOf(e),
    iterations: Math.max(1, Math.round(isNum(e.iterations) ? e.iterations : 1)),
  };
  if (nonNeg(e.sum_layers_energy_mj) && Number.isInteger(e.layers_in_sum)) {
    r.isolated = { sum_energy_mJ: e.sum_layers_energy_mj, layers: Math.max(0, e.layers_in_sum as number) };
    if (isNum(e.residual_pct)) r.isolated.residual_pct = e.residual_pct;
  }
  const inForward = netInForward(e);
  if (inForward) r.inForward = inForward;
  const d = e.idle_drift;
  if (d && Number.isInteger(d.brackets) && (d.brackets as number) >= 1 && isNum(d.drift_mw) && nonNeg(d.range_mw)) {
    r.idleDrift = { brackets: d.brackets as number, drift_mW: d.drift_mw, range_mW: d.range_mw };
  }
  return r;
}

/** Per-layer in-forward values, by layer name (layers without a usable time are left out). */
function netInForward(e: AgentNet): NetInForward | undefined {
  const f = e.in_forward;
  if (!f || !Array.isArray(f.layers) || !Number.isInteger(f.forwards) || (f.forwards as number) < 1 || !nonNeg(f.sum_layers_energy_mj))
    return undefined;
  const layers: NetInForward['layers'] = {};
  for (const l of f.layers) {
    if (!l || typeof l.name !== 'string' || !nonNeg(l.time_ms)) continue;
    const entry: NetInForward['layers'][string] = { time_ms: l.time_ms };
    if (nonNeg(l.energy_mj)) entry.energy_mJ = l.energy_mj;
    if (isNum(l.dynamic_energy_mj)) entry.dynamic_energy_mJ = l.dynamic_energy_mj;
    layers[l.name] = entry;
  }
  const out: NetInForward = {
    method: typeof f.method === 'string' ? f.method : 'unknown',
    forwards: f.forwards as number,
    layers,
    sum_energy_mJ: f.sum_layers_energy_mj,
  };
  if (nonNeg(f.callback_ms)) out.callback_ms = f.callback_ms;
  if (isNum(f.residual_pct)) out.residual_pct = f.residual_pct;
  return out;
}
