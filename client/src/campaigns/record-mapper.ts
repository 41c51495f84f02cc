// Agent events -> measurement records (server/src/measurements). Pure: the runner appends what
// this returns. Values the agent could not compute (null: a NaN on the board) make a layer unusable;
// it is then not recorded (a resume measures it again) and the reason is returned instead.
import type { IdleRecord, LayerRecord, NetRecord, SessionRecord, Spread } from '../../../server/src/measurements';
import type { AgentIdle, AgentLayer, AgentNet, AgentStart } from './agent-events';

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function spreadOf(e: { time_ms_spread?: number | null; energy_mj_spread?: number | null; dynamic_energy_mj_spread?: number | null; power_mw_spread?: number | null }): Spread {
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
    type: 'session', session, at, resumed, agent: String(e.agent ?? '?'), method: e.method || 'unknown',
    board: e.board ?? null, l4t: e.l4t ?? null, rails: Array.isArray(e.rails) ? e.rails.map(String) : [],
    totalRail: e.total_rail ?? null, cpuRail: e.cpu_rail ?? null, gpuRail: e.gpu_rail ?? null,
    planned: (e.layers ?? []).map((l) => l.name).filter((n) => typeof n === 'string' && n !== ''),
    skipped: (e.skipped_layers ?? []).filter((n) => typeof n === 'string' && n !== ''),
  };
}

export function idleRecord(e: AgentIdle, session: number, at: string): IdleRecord | string {
  if (!isNum(e.power_mw) || e.power_mw < 0) return `the idle power reading is not a number (${String(e.power_mw)})`;
  if (!isNum(e.window_s) || e.window_s <= 0) return `the sensor window is not a positive number (${String(e.window_s)})`;
  const r: IdleRecord = { type: 'idle', session, at, power_mW: e.power_mw, window_s: e.window_s };
  if (isNum(e.duration_s)) r.duration_s = e.duration_s;
  return r;
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
  if ((e.energy_mj as number) < 0 || (e.time_ms as number) < 0 || (e.power_mw as number) < 0) return `layer "${e.name}": negative time, power or energy`;
  const reps = Array.isArray(e.repetitions) ? e.repetitions.length : 0;
  return {
    type: 'layer', session, at, name: e.name, layerType: e.type ?? null, index: Number.isInteger(e.index) ? e.index : 0,
    method: e.method || 'unknown', time_ms: e.time_ms as number, power_mW: e.power_mw as number, rails_mW: railPowers(e, rails),
    idle_power_mW: idle_mW, energy_mJ: e.energy_mj as number, dynamic_energy_mJ: e.dynamic_energy_mj as number,
    spread: spreadOf(e), repetitions: Math.max(1, reps), calls: Math.max(1, Math.round(isNum(e.calls) ? e.calls : 1)),
    settled: e.settled === true, inPlace: e.in_place === true,
  };
}

export function netRecord(e: AgentNet, session: number, at: string): NetRecord | string {
  const missing = (['time_ms', 'power_mw', 'energy_mj', 'dynamic_energy_mj'] as const).filter((k) => !isNum(e[k]));
  if (missing.length > 0) return `whole-net check: the agent gave no value for ${missing.join(', ')}`;
  return {
    type: 'net', session, at, method: e.method || 'unknown', time_ms: e.time_ms as number, power_mW: e.power_mw as number,
    energy_mJ: e.energy_mj as number, dynamic_energy_mJ: e.dynamic_energy_mj as number, spread: spreadOf(e),
    iterations: Math.max(1, Math.round(isNum(e.iterations) ? e.iterations : 1)),
  };
}
