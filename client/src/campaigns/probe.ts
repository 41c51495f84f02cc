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
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);

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
  return `${what}; rails ${p.rails.length ? p.rails.join(', ') : 'none'}; ${caffe}; Python ${p.pythonVersion}; agent ${p.agentVersion}`;
}
