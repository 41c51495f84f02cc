// The board agent's stdout: one JSON object per line, schema version 1 (see the header of
// client/board/agent/energy_lens_agent.py). Only the fields the campaign runner uses are typed.

export const AGENT_SCHEMA_VERSION = 1;

/** The agent's exit codes. */
export const AgentExit = {
  ok: 0,
  internal: 1,
  usage: 2,
  noSensor: 3,
  noCaffe: 4,
  badNetwork: 5,
  cancelled: 6,
} as const;

export interface AgentStart {
  event: 'start';
  agent: string;
  method: string;
  board?: string | null;
  l4t?: string | null;
  rails: string[];
  total_rail?: string | null;
  cpu_rail?: string | null;
  gpu_rail?: string | null;
  layers: Array<{ index: number; name: string; type: string | null }>;
  skipped_layers: string[];
  unknown_layers: string[];
}

export interface AgentIdle {
  event: 'idle';
  power_mw: number;
  window_s: number;
  duration_s?: number;
  /** 0 for the first idle of a run, then one per bracket (between layers every few minutes, after them). */
  bracket?: number;
  at_s?: number;
  drift_mw?: number;
  loop_power_mw?: number | null;
  loop_time_ms?: number | null;
  /** First idle only: the sensor-period and harness calibration. */
  calibration?: {
    window?: {
      window_s?: number;
      window_source?: string;
      window_configured_s?: number;
      window_estimates_s?: number[];
      window_spread?: number | null;
    };
    harness?: {
      noop?: string;
      time_ms?: number;
      power_mw?: number;
      energy_mj?: number;
      time_ms_spread?: number;
      energy_mj_spread?: number;
      calls?: number;
    } | null;
  };
}

export interface AgentLayerStart {
  event: 'layer-start';
  index: number;
  name: string;
  type: string | null;
  position: number;
  of: number;
  loop_s?: number;
}

/** Medians over repetitions and their spreads (`*_spread`: standard deviation). */
export interface AgentLayer {
  event: 'layer';
  index: number;
  name: string;
  type: string | null;
  method: string;
  in_place: boolean;
  repetitions: unknown[];
  time_ms: number | null;
  power_mw: number | null;
  energy_mj: number | null;
  dynamic_energy_mj: number | null;
  cpu_power_mw?: number | null;
  gpu_power_mw?: number | null;
  time_ms_spread?: number | null;
  power_mw_spread?: number | null;
  energy_mj_spread?: number | null;
  dynamic_energy_mj_spread?: number | null;
  calls: number;
  settled: boolean;
  partial?: boolean;
  /** Idle power this layer's dynamic energy is relative to (the latest idle bracket). */
  idle_power_mw?: number;
  /** Subtracted per call: the harness (a no-op call) and, for in-place layers, the measured restore. */
  harness?: { time_ms?: number; energy_mj?: number };
  restore?: { time_ms?: number; energy_mj?: number; power_mw?: number; restores?: number };
  tries?: number;
  below_resolution?: boolean;
}

export interface AgentNet {
  event: 'net';
  method: string;
  time_ms: number | null;
  power_mw: number | null;
  energy_mj: number | null;
  dynamic_energy_mj: number | null;
  time_ms_spread?: number | null;
  power_mw_spread?: number | null;
  energy_mj_spread?: number | null;
  dynamic_energy_mj_spread?: number | null;
  iterations: number;
  sum_layers_energy_mj?: number;
  layers_in_sum?: number;
  residual_pct?: number | null;
  /** Each layer's time inside whole forwards, and its energy there (isolated power x in-forward time). */
  in_forward?: {
    method?: string;
    forwards?: number;
    callback_ms?: number;
    sum_layers_energy_mj?: number;
    residual_pct?: number | null;
    layers?: Array<{ name: string; time_ms?: number | null; energy_mj?: number | null; dynamic_energy_mj?: number | null }>;
    error?: string;
  };
  idle_drift?: { brackets?: number; drift_mw?: number | null; range_mw?: number | null };
}

export interface AgentError {
  event: 'error';
  code: string;
  message: string;
  hint?: string | null;
  /** Where Caffe's text-format parser stopped in the network file (libprotobuf's LINE:COL, 1-based). */
  location?: ErrorLocation;
}

export interface ErrorLocation {
  line: number;
  column: number;
  message: string;
}

/** Before the run: the mode switched to (from `original`); after it, with `restored`, the mode switched back to. */
export interface AgentPowerMode {
  event: 'power-mode';
  mode: number;
  name?: string | null;
  original?: number;
  original_name?: string | null;
  switched?: boolean;
  settle_s?: number;
  restored?: boolean;
  from?: number;
}

export interface AgentDone {
  event: 'done';
  status: 'ok' | 'cancelled' | 'error';
  exit_code: number;
  elapsed_s: number;
  layers_measured: string[];
  partial_layers: string[];
}

export type AgentEvent = AgentPowerMode | AgentStart | AgentIdle | AgentLayerStart | AgentLayer | AgentNet | AgentError | AgentDone;

const KNOWN = new Set(['power-mode', 'start', 'idle', 'layer-start', 'layer', 'net', 'error', 'done']);

/**
 * One stdout line -> an event; undefined for lines that are not agent events (a stray print from a
 * site-customize script), with the reason so it can be logged. Throws nothing.
 */
export function parseAgentLine(line: string): { event?: AgentEvent; ignored?: string } {
  const text = line.trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ignored: `not JSON: ${text.slice(0, 200)}` };
  }
  const v = value as { v?: unknown; event?: unknown };
  if (typeof v !== 'object' || v === null || typeof v.event !== 'string') return { ignored: `not an agent event: ${text.slice(0, 200)}` };
  if (v.v !== AGENT_SCHEMA_VERSION)
    return { ignored: `agent event of schema version ${String(v.v)} (this client reads ${AGENT_SCHEMA_VERSION}): ${v.event}` };
  if (!KNOWN.has(v.event)) return { ignored: `unknown agent event "${v.event}"` };
  return { event: value as AgentEvent };
}
