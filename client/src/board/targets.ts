// The `energyLens.targets` setting: the boards a user can profile on. Read and checked here (no
// `vscode` import), so the runner and its tests get the same defaults and messages as the extension.
import type { BoardTarget } from './ssh';
import { isAdbEntry } from './adb-targets';

export const TARGET_KINDS = ['jetson-tx1', 'jetson-tx2', 'jetson-nano', 'jetson-xavier', 'jetson-orin', 'generic-linux'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const TARGET_KIND_LABELS: Record<TargetKind, string> = {
  'jetson-tx1': 'Jetson TX1',
  'jetson-tx2': 'Jetson TX2',
  'jetson-nano': 'Jetson Nano',
  'jetson-xavier': 'Jetson Xavier',
  'jetson-orin': 'Jetson Orin',
  'generic-linux': 'Linux board',
};

export interface TargetConfig {
  name: string;
  /** Host name, address or ~/.ssh/config alias. */
  host: string;
  port?: number;
  user?: string;
  identityFile?: string;
  proxyJump?: string;
  kind: TargetKind;
  device: 'cpu' | 'gpu';
  /** CUDA device for device = gpu. */
  gpuDevice: number;
  /** OMP/OpenBLAS threads (SyNERGY used 1). */
  threads?: number;
  /** Python on the board: a program name or path, optionally with arguments (`python3`, `/usr/bin/python3.5`). */
  python: string;
  /** Extra environment of the agent, e.g. PYTHONPATH for pycaffe. */
  env: Record<string, string>;
  /** Extra known_hosts file, read-only (tests and demos with a throw-away board). */
  knownHostsFile?: string;
  /** Loops per layer (the spread is over these). */
  repetitions: number;
  /** Minimum seconds per loop. */
  minLoopSeconds: number;
  /** Minimum seconds of idle measurement (agent default when unset). */
  idleSeconds?: number;
  /** Run the whole-net cross-check after the layers. */
  netCheck: boolean;
  /** Seconds the agent may go without a progress event before the run is stopped (runner default when unset). */
  progressTimeoutSeconds?: number;
  /** Sensor windows discarded before each loop is averaged (agent default when unset). */
  settleWindows?: number;
  /** Sensor windows averaged per loop (agent default when unset). */
  minWindows?: number;
  /** An emulated board's time scale (its durations and energies are this fraction of the real board's). */
  timeScale?: number;
  /** Jetson nvpmodel mode to measure in (the agent switches, and always switches back); unset: as the board is. */
  powerMode?: number;
}

export const TARGET_DEFAULTS = {
  device: 'cpu',
  gpuDevice: 0,
  python: 'python3',
  repetitions: 3,
  minLoopSeconds: 2,
  netCheck: true,
} as const;

export interface TargetsRead {
  targets: TargetConfig[];
  /** One line per entry left out, saying which entry and why. */
  problems: string[];
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks one entry; a string is the reason it cannot be used. */
export function parseTarget(raw: unknown): TargetConfig | string {
  if (!isRecord(raw)) return 'must be an object';
  const str = (key: string): string | undefined =>
    typeof raw[key] === 'string' && (raw[key] as string).trim() !== '' ? (raw[key] as string).trim() : undefined;
  const name = str('name');
  const host = str('host');
  if (!name) return '"name" is missing';
  if (!host) return `"${name}": "host" is missing`;
  if (/\s/.test(host)) return `"${name}": "host" cannot contain spaces`;
  const kind = raw.kind ?? 'generic-linux';
  if (!TARGET_KINDS.includes(kind as TargetKind)) return `"${name}": "kind" must be one of ${TARGET_KINDS.join(', ')}`;
  const device = raw.device ?? TARGET_DEFAULTS.device;
  if (device !== 'cpu' && device !== 'gpu') return `"${name}": "device" must be "cpu" or "gpu"`;
  const int = (key: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined | string => {
    const v = raw[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      return `"${name}": "${key}" must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}`;
    return v;
  };
  const num = (key: string): number | undefined | string => {
    const v = raw[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return `"${name}": "${key}" must be a number >= 0`;
    return v;
  };
  const port = int('port', 1, 65535);
  const threads = int('threads', 1, 1024);
  const gpuDevice = int('gpuDevice', 0, 64);
  const repetitions = int('repetitions', 1, 100);
  const minLoop = num('minLoopSeconds');
  const idle = num('idleSeconds');
  const progressTimeout = int('progressTimeoutSeconds', 1);
  const settle = num('settleWindows');
  const windows = num('minWindows');
  const timeScale = num('timeScale');
  const powerMode = int('powerMode', 0, 99);
  for (const v of [port, threads, gpuDevice, repetitions, minLoop, idle, progressTimeout, settle, windows, timeScale, powerMode])
    if (typeof v === 'string') return v;
  if (timeScale === 0) return `"${name}": "timeScale" must be > 0`;
  const env: Record<string, string> = {};
  if (raw.env !== undefined) {
    if (!isRecord(raw.env)) return `"${name}": "env" must be an object of NAME: "value"`;
    for (const [k, v] of Object.entries(raw.env)) {
      if (!ENV_NAME.test(k)) return `"${name}": "env" has an invalid variable name ${JSON.stringify(k)}`;
      if (typeof v !== 'string') return `"${name}": "env.${k}" must be a string`;
      env[k] = v;
    }
  }
  const python = str('python') ?? TARGET_DEFAULTS.python;
  if (raw.netCheck !== undefined && typeof raw.netCheck !== 'boolean') return `"${name}": "netCheck" must be true or false`;
  return {
    name,
    host,
    kind: kind as TargetKind,
    device,
    python,
    env,
    port: port as number | undefined,
    user: str('user'),
    identityFile: str('identityFile'),
    proxyJump: str('proxyJump'),
    knownHostsFile: str('knownHostsFile'),
    threads: threads as number | undefined,
    gpuDevice: (gpuDevice as number | undefined) ?? TARGET_DEFAULTS.gpuDevice,
    repetitions: (repetitions as number | undefined) ?? TARGET_DEFAULTS.repetitions,
    minLoopSeconds: (minLoop as number | undefined) ?? TARGET_DEFAULTS.minLoopSeconds,
    idleSeconds: idle as number | undefined,
    netCheck: (raw.netCheck as boolean | undefined) ?? TARGET_DEFAULTS.netCheck,
    ...(progressTimeout === undefined ? {} : { progressTimeoutSeconds: progressTimeout as number }),
    ...(settle !== undefined ? { settleWindows: settle as number } : {}),
    ...(windows !== undefined ? { minWindows: windows as number } : {}),
    ...(timeScale !== undefined ? { timeScale: timeScale as number } : {}),
    ...(powerMode !== undefined ? { powerMode: powerMode as number } : {}),
  };
}

/** Reads the setting's value; bad entries are left out and explained, duplicate names too. */
export function parseTargets(raw: unknown): TargetsRead {
  if (raw === undefined || raw === null) return { targets: [], problems: [] };
  if (!Array.isArray(raw)) return { targets: [], problems: ['energyLens.targets must be a list of boards'] };
  const targets: TargetConfig[] = [];
  const problems: string[] = [];
  raw.forEach((entry, i) => {
    if (isAdbEntry(entry)) return; // Android phones: adb-targets.ts
    const t = parseTarget(entry);
    if (typeof t === 'string') problems.push(`energyLens.targets[${i}]: ${t}`);
    else if (targets.some((o) => o.name === t.name))
      problems.push(`energyLens.targets[${i}]: a second target named "${t.name}" (names must be unique): left out`);
    else targets.push(t);
  });
  return { targets, problems };
}

/** What the SSH link needs (fields set here win over ~/.ssh/config). */
export function toBoardTarget(t: TargetConfig): BoardTarget {
  return { name: t.name, host: t.host, port: t.port, user: t.user, identityFile: t.identityFile, proxyJump: t.proxyJump };
}

export function firstTargetOfKind(targets: readonly TargetConfig[], kind: TargetKind): TargetConfig | undefined {
  return targets.find((t) => t.kind === kind);
}

/** `tx1 (ubuntu@192.168.1.42:22, Jetson TX1, cpu 1 thread)` for pickers and logs. */
export function describeTarget(t: TargetConfig): string {
  const where = `${t.user ? `${t.user}@` : ''}${t.host}${t.port ? `:${t.port}` : ''}`;
  const mode = t.device === 'gpu' ? `gpu ${t.gpuDevice}` : `cpu${t.threads ? ` ${t.threads} thread${t.threads > 1 ? 's' : ''}` : ''}`;
  return `${where}, ${TARGET_KIND_LABELS[t.kind]}, ${mode}`;
}

/** The setting entry for a new target from the "add a board" walk-through (only what was asked). */
export function newTargetEntry(answers: {
  name: string;
  host: string;
  user?: string;
  port?: number;
  kind: TargetKind;
}): Record<string, unknown> {
  const entry: Record<string, unknown> = { name: answers.name, host: answers.host };
  if (answers.port !== undefined && answers.port !== 22) entry.port = answers.port;
  if (answers.user) entry.user = answers.user;
  entry.kind = answers.kind;
  entry.device = 'cpu';
  entry.threads = 1;
  return entry;
}

/** `host`, `host:port`, `user@host`, `user@host:port` as typed in the walk-through. */
export function parseHostAnswer(text: string): { host: string; user?: string; port?: number } | string {
  const t = text.trim();
  const m = /^(?:([^@\s]+)@)?(\[[^\]]+\]|[^:@\s]+)(?::(\d+))?$/.exec(t);
  if (!m) return 'Type a host name, an address or an ~/.ssh/config alias (optionally user@host:port).';
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && (port < 1 || port > 65535)) return 'The port must be from 1 to 65535.';
  return { user: m[1], host: m[2].replace(/^\[|\]$/g, ''), port };
}
