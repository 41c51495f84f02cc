// The agent's `probe`: what the board is (model, L4T, emulated), whether it has power rails, Caffe
// and which Python. Read once per connection; the campaign header keeps it as is.
import { CampaignError, noCaffe, noSensor } from './failures';

export interface ProbeInfo {
  /** The probe object minus its `v`/`event` envelope (kept in the campaign header). */
  raw: Record<string, unknown>;
  agentVersion: string;
  boardModel: string | null;
  l4t: string | null;
  emulated: boolean;
  sensorFound: boolean;
  sensorHint: string | null;
  rails: string[];
  caffePython: boolean;
  caffePythonError?: string;
  caffeBinary: string | null;
  pythonVersion: string;
  /** The CPU's and GPU's clock ranges (kHz, Hz), where the board says. */
  clocks: { cpuKhz?: [number, number]; gpuHz?: [number, number] };
  /** nvpmodel's power modes, where the board has them. */
  powerModes?: PowerModes;
}

export interface PowerMode {
  id: number;
  name: string | null;
  cpuOnline: number | null;
  /** Undefined: no cap (nvpmodel.conf's -1). */
  cpuMaxKhz?: number;
  gpuMaxHz?: number;
}

export interface PowerModes {
  current: number;
  modes: PowerMode[];
  /** Whether the agent may switch modes (nvpmodel on PATH; root, or sudo without a password). */
  mayChange: boolean;
  whyNot?: string;
  /** The mode a run switched from and could not switch back to (killed, connection lost): restore it first. */
  pendingRestore?: number;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const range = (lo: unknown, hi: unknown): [number, number] | undefined => {
  const [a, b] = [num(lo), num(hi)];
  return a !== undefined && b !== undefined && a > 0 && a <= b ? [a, b] : undefined;
};
/** At most this many modes are kept from a probe (a broken board cannot flood the header). */
const MAX_MODES = 64;

function powerModesOf(v: unknown): PowerModes | undefined {
  const nv = obj(v);
  const current = num(nv.mode);
  if (current === undefined) return undefined;
  const control = obj(nv.control);
  const modes = (Array.isArray(nv.modes) ? nv.modes : []).slice(0, MAX_MODES).flatMap((m): PowerMode[] => {
    const o = obj(m);
    const id = num(o.id);
    if (id === undefined) return [];
    return [
      { id, name: strOrNull(o.name), cpuOnline: num(o.cpu_online) ?? null, cpuMaxKhz: num(o.cpu_max_khz), gpuMaxHz: num(o.gpu_max_hz) },
    ];
  });
  if (!modes.some((m) => m.id === current)) modes.unshift({ id: current, name: strOrNull(nv.name), cpuOnline: null });
  const pending = num(obj(nv.pending_restore).original);
  return {
    current,
    modes,
    mayChange: control.may_change === true,
    whyNot: strOrNull(control.why_not) ?? undefined,
    ...(pending !== undefined && Number.isInteger(pending) ? { pendingRestore: pending } : {}),
  };
}

/** The probe's stdout (one JSON object) -> ProbeInfo; throws a CampaignError when it is not one. */
export function parseProbe(stdout: string, board: string): ProbeInfo {
  const line = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{'))
    .pop();
  let value: Obj | undefined;
  try {
    value = line ? obj(JSON.parse(line)) : undefined;
  } catch {
    value = undefined;
  }
  if (!value || value.event !== 'probe') {
    throw new CampaignError(
      `The agent's probe on ${board} printed no probe result${stdout.trim() ? `: ${stdout.trim().slice(0, 300)}` : ''}.`,
      'probe-failed',
      'See the "Energy Lens" output for the agent\'s messages.',
    );
  }
  const { v: _v, event: _e, ...raw } = value;
  const boardInfo = obj(value.board);
  const sensor = obj(value.sensor);
  const caffe = obj(value.caffe);
  const py = obj(caffe.python);
  const l4t = obj(boardInfo.l4t);
  return {
    raw,
    agentVersion: strOrNull(value.agent) ?? '?',
    boardModel: strOrNull(boardInfo.model),
    l4t: strOrNull(l4t.l4t) ?? strOrNull(l4t.raw),
    emulated: boardInfo.emulated === true,
    sensorFound: sensor.found === true,
    sensorHint: strOrNull(sensor.hint),
    rails: Array.isArray(sensor.rails) ? sensor.rails.map((r) => strOrNull(obj(r).name)).filter((n): n is string => n !== null) : [],
    caffePython: py.importable === true,
    caffePythonError: strOrNull(py.error) ?? undefined,
    caffeBinary: strOrNull(caffe.binary),
    pythonVersion: strOrNull(obj(value.python).version) ?? '?',
    clocks: {
      cpuKhz: range(obj(obj(value.cpu).range).min_khz, obj(obj(value.cpu).range).max_khz),
      gpuHz: range(obj(value.gpu).min_hz, obj(value.gpu).max_hz),
    },
    powerModes: powerModesOf(value.nvpmodel),
  };
}

/** The reason this board cannot run a campaign, if any (checked before anything is uploaded). */
export function probeBlocker(probe: ProbeInfo, board: string): CampaignError | undefined {
  if (!probe.sensorFound) return noSensor(board, probe.sensorHint);
  if (!probe.caffePython && !probe.caffeBinary) return noCaffe(board, probe.caffePythonError, undefined);
  return undefined;
}

/** `Jetson TX1 (L4T 28.2.0, emulated), rails VDD_IN, VDD_CPU, VDD_GPU, pycaffe, Python 3.5.2` for the log. */
export function describeProbe(p: ProbeInfo): string {
  const what = [p.boardModel ?? 'unknown board', p.l4t ? `L4T ${p.l4t}` : undefined, p.emulated ? 'emulated' : undefined]
    .filter(Boolean)
    .join(', ');
  const caffe = p.caffePython ? 'pycaffe' : p.caffeBinary ? `caffe binary ${p.caffeBinary}` : 'no Caffe';
  const mhz = ([lo, hi]: [number, number], perMhz: number) => `${Math.round(lo / perMhz)}–${Math.round(hi / perMhz)} MHz`;
  const clocks = [
    p.clocks.cpuKhz ? `CPU ${mhz(p.clocks.cpuKhz, 1e3)}` : undefined,
    p.clocks.gpuHz ? `GPU ${mhz(p.clocks.gpuHz, 1e6)}` : undefined,
  ].filter(Boolean);
  return [
    `${what}; rails ${p.rails.length ? p.rails.join(', ') : 'none'}; ${caffe}; Python ${p.pythonVersion}; agent ${p.agentVersion}`,
    ...(clocks.length ? [clocks.join(', ')] : []),
    ...(p.powerModes ? [describePowerModes(p.powerModes)] : []),
  ].join('; ');
}

/** `power mode 0 (MAXN) of 5: MAXN, MAXQ, …; the agent cannot change it (sudo needs a password)`. */
export function describePowerModes(m: PowerModes): string {
  const current = m.modes.find((x) => x.id === m.current);
  const names = m.modes.map((x) => `${x.id} ${x.name ?? '?'}`).join(', ');
  const change = m.mayChange ? 'the agent can change it' : `the agent cannot change it (${m.whyNot ?? 'not allowed'})`;
  return `power mode ${m.current}${current?.name ? ` (${current.name})` : ''} of ${m.modes.length}: ${names}; ${change}`;
}
