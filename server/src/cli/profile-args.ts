// `energy-lens profile` options: parsed and checked here, each bad value named in the message.
export const EMULATED_KINDS = { tx1: 'jetson-tx1', tx2: 'jetson-tx2', orin: 'jetson-orin' } as const;
export type EmulatedKindName = keyof typeof EMULATED_KINDS;

export interface ProfileArgs {
  networks: string[];
  /** Target names from --targets, or `[user@]host[:port]` / ~/.ssh/config aliases (one queue each, in parallel). */
  targets: string[];
  targetsFile?: string;
  /** Emulated boards to run at once (one queue each). */
  emulated: EmulatedKindName[];
  /** Retries of a campaign whose link failed (with back-off), and the first delay. */
  retries: number;
  retryDelayS: number;
  /** The emulated board's speed-up (records carry it; energies are rescaled where compared). */
  timeScale: number;
  out?: string;
  resume: boolean;
  acceptNew: boolean;
  json: boolean;
  /** A power-mode sweep (--modes): every network in each mode, one campaign each. */
  powerModes?: number[];
  /** Run options that override the target's (undefined: the target's own or the default). */
  overrides: Record<string, unknown>;
  help: boolean;
}

export const PROFILE_USAGE = `usage: energy-lens profile NET.prototxt... (--target NAME|user@host[:port]... | --emulated [tx1|tx2|orin][,...]) [options]

Measures every layer of each network on each board (the extension's campaign runner, SSH link and records)
and writes campaign records (JSON lines, fsynced) to .energy-lens/measurements/ of the current folder.
Several boards run at once, one queue each (never two measurements at once on one board).

  --target NAME|user@host[:port]   a target named in --targets, or a host / ~/.ssh/config alias (repeat or comma-separate for several)
  --targets FILE                   JSON: a list of targets in the energyLens.targets shape, or a settings.json
  --emulated [tx1|tx2|orin][,...]  emulated Jetsons on this machine (no SSH, no board needed); default tx1
  --retries N                      retries of a campaign whose link failed, resuming it (default 3)
  --retry-delay S                  first wait before a retry, doubled each time up to 30 s (default 2)
  --time-scale X                   emulated board speed (default 0.1: 10x faster than real time)
  --out DIR                        write the records to DIR instead
  --resume                         continue the newest unfinished campaign of each network on this target
  --accept-new                     trust an unknown host key and add it to ~/.ssh/known_hosts (a changed key is always refused)
  --json                           stream the agent's events as JSON lines on stdout
  run options (override the target's): --kind KIND --device cpu|gpu --gpu N --threads N --repetitions N
    --min-loop S --idle-time S --settle-windows N --min-windows N --no-net-check --python CMD --batch N
    --power-mode ID (a Jetson nvpmodel mode: switched to as root or with sudo -n, always switched back)
  --modes ID,ID,...                a power-mode sweep: every network measured in each mode (one campaign each)

Exit codes: 0 complete, 1 failed (agent or records), 2 usage, 3 bad network, 4 no power sensor,
5 no Caffe on the board, 6 board unreachable (connect, login or connection lost), 7 host key unknown or
changed, 130 cancelled (Ctrl-C; what was measured is kept, --resume finishes it).`;

const VALUE_FLAGS = new Set([
  '--targets',
  '--time-scale',
  '--retries',
  '--retry-delay',
  '--out',
  '--kind',
  '--device',
  '--gpu',
  '--threads',
  '--repetitions',
  '--min-loop',
  '--idle-time',
  '--settle-windows',
  '--min-windows',
  '--python',
  '--batch',
  '--power-mode',
  '--modes',
]);
const BOOLEAN_FLAGS = new Set(['--resume', '--accept-new', '--json', '--no-net-check', '--help', '-h']);

/** Target fields each numeric run option sets, with its bounds. */
const NUMERIC: Record<string, { key: string; min: number; max: number; integer: boolean }> = {
  '--gpu': { key: 'gpuDevice', min: 0, max: 64, integer: true },
  '--threads': { key: 'threads', min: 1, max: 1024, integer: true },
  '--repetitions': { key: 'repetitions', min: 1, max: 100, integer: true },
  '--min-loop': { key: 'minLoopSeconds', min: 0, max: 3600, integer: false },
  '--idle-time': { key: 'idleSeconds', min: 0, max: 3600, integer: false },
  '--settle-windows': { key: 'settleWindows', min: 0, max: 100, integer: false },
  '--min-windows': { key: 'minWindows', min: 1, max: 1000, integer: false },
  '--batch': { key: 'batch', min: 1, max: 4096, integer: true },
  '--power-mode': { key: 'powerMode', min: 0, max: 99, integer: true },
};

export function parseProfileArgs(args: string[]): ProfileArgs | string {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const networks: string[] = [];
  const targets: string[] = [];
  let emulated: EmulatedKindName[] = [];
  const isKinds = (v: string | undefined): v is string => v !== undefined && v.split(',').every((k) => k in EMULATED_KINDS);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (name === '--emulated') {
      // The board kind is optional: take the next word only when it is one.
      const next = eq > 0 ? a.slice(eq + 1) : args[i + 1];
      if (isKinds(next)) {
        emulated = [...emulated, ...(next.split(',') as EmulatedKindName[])];
        if (eq < 0) i++;
      } else if (eq > 0) {
        return `--emulated must be one of ${Object.keys(EMULATED_KINDS).join(', ')} (got '${next}')`;
      } else {
        emulated = [...emulated, 'tx1'];
      }
    } else if (name === '--target') {
      const value = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (!value) return '--target needs a value';
      targets.push(
        ...value
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      );
    } else if (VALUE_FLAGS.has(name)) {
      const value = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (value === undefined || value === '') return `${name} needs a value`;
      values.set(name, value);
    } else if (BOOLEAN_FLAGS.has(a)) {
      flags.add(a);
    } else if (a.startsWith('-')) {
      return `unknown option ${a}`;
    } else {
      networks.push(a);
    }
  }
  const help = flags.has('--help') || flags.has('-h');
  if (help)
    return {
      networks,
      targets,
      emulated,
      retries: 0,
      retryDelayS: 0,
      timeScale: 0.1,
      resume: false,
      acceptNew: false,
      json: false,
      overrides: {},
      help,
    };
  if (networks.length === 0) return 'no network given (NET.prototxt...)';
  if (targets.length === 0 && emulated.length === 0)
    return 'say where to measure: --target NAME|user@host[:port] or --emulated [tx1|tx2|orin]';
  if (targets.length > 0 && emulated.length > 0) return 'give --target or --emulated, not both';
  const dup = targets.find((t, k) => targets.indexOf(t) !== k);
  if (dup) return `--target ${dup} is given twice (one queue per board)`;
  const timeScale = Number(values.get('--time-scale') ?? 0.1);
  if (!(timeScale > 0 && timeScale <= 1000)) return `--time-scale must be a number > 0 (got '${values.get('--time-scale')}')`;
  if (values.has('--time-scale') && emulated.length === 0) return '--time-scale is for --emulated boards only';
  const retries = Number(values.get('--retries') ?? 3);
  if (!Number.isInteger(retries) || retries < 0 || retries > 100)
    return `--retries must be an integer from 0 to 100 (got '${values.get('--retries')}')`;
  const retryDelayS = Number(values.get('--retry-delay') ?? 2);
  if (!(retryDelayS >= 0 && retryDelayS <= 3600))
    return `--retry-delay must be seconds from 0 to 3600 (got '${values.get('--retry-delay')}')`;

  const powerModes = parseModes(values.get('--modes'));
  if (typeof powerModes === 'string') return powerModes;
  if (powerModes && values.has('--power-mode')) return 'give --power-mode or --modes, not both';
  const overrides: Record<string, unknown> = {};
  for (const [flag, spec] of Object.entries(NUMERIC)) {
    const text = values.get(flag);
    if (text === undefined) continue;
    const v = Number(text);
    if (!Number.isFinite(v) || v < spec.min || v > spec.max || (spec.integer && !Number.isInteger(v))) {
      return `${flag} must be ${spec.integer ? 'an integer' : 'a number'} from ${spec.min} to ${spec.max} (got '${text}')`;
    }
    overrides[spec.key] = v;
  }
  const device = values.get('--device');
  if (device !== undefined && device !== 'cpu' && device !== 'gpu') return `--device must be cpu or gpu (got '${device}')`;
  if (device) overrides.device = device;
  if (values.has('--gpu')) overrides.device = 'gpu';
  if (values.has('--kind')) overrides.kind = values.get('--kind');
  if (values.has('--python')) overrides.python = values.get('--python');
  if (flags.has('--no-net-check')) overrides.netCheck = false;
  return {
    networks,
    targets,
    targetsFile: values.get('--targets'),
    emulated,
    retries,
    retryDelayS,
    timeScale,
    out: values.get('--out'),
    resume: flags.has('--resume'),
    acceptNew: flags.has('--accept-new'),
    json: flags.has('--json'),
    ...(powerModes ? { powerModes } : {}),
    overrides,
    help,
  };
}

/** `--modes 0,1,2`: distinct nvpmodel mode ids; undefined without the flag. */
export function parseModes(text: string | undefined): number[] | undefined | string {
  if (text === undefined) return undefined;
  const ids = text.split(',').map((t) => t.trim());
  const bad = ids.find((t) => !/^\d{1,2}$/.test(t));
  if (bad !== undefined) return `--modes takes mode ids from 0 to 99, comma-separated (got '${text}')`;
  const modes = ids.map(Number);
  if (new Set(modes).size !== modes.length) return `--modes lists a mode twice (got '${text}')`;
  return modes;
}
