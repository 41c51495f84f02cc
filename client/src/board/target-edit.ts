// Adding, editing and removing entries of the `energyLens.targets` setting, as pure functions on the
// setting's raw list: the answers of the "Add a Board…" / "Edit" flows are checked here (each check
// returns the message the input box shows, or undefined), an edit keeps every field the flow did not
// ask about (python, env, repetitions…), and the result is checked by the same parser the campaigns
// use, so a board the flow writes is a board a campaign can use. No `vscode` here.
import { isAdbEntry, parseAdbTarget } from './adb-targets';
import { parseHostAnswer, parseTarget, TARGET_KINDS, type TargetKind } from './targets';

export type EditableKind = TargetKind | 'adb';

export interface TargetAnswers {
  name: string;
  kind: EditableKind;
  /** Host (SSH) or adb serial (`adb devices` serial, or host:port for adb over Wi-Fi). */
  host: string;
  user?: string;
  port?: number;
  /** Undefined: the SSH agent or ~/.ssh/config. */
  identityFile?: string;
  /** adb only. */
  powerSource?: 'external-probe' | 'fuel-gauge';
  probeCommand?: string;
}

const MAX_NAME = 64;

/** A new target's name: not empty, unique, printable and short (it names records files and tree nodes). */
export function checkTargetName(name: string, taken: ReadonlySet<string>): string | undefined {
  const n = name.trim();
  if (n === '') return 'Type a name for the board (it is stored in the campaign records).';
  if (n.length > MAX_NAME) return `A name of at most ${MAX_NAME} characters.`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(n)) return 'Letters, digits, ".", "_" and "-" only, starting with a letter or digit.';
  if (taken.has(n)) return `A target named "${n}" already exists; names must be unique.`;
  return undefined;
}

/** `host`, `user@host`, `host:port` (SSH) or an adb serial. */
export function checkHost(text: string, kind: EditableKind): string | undefined {
  const t = text.trim();
  if (t === '') return kind === 'adb' ? "Type the phone's adb serial (adb devices) or host:port." : "Type the board's host.";
  if (/\s/.test(t)) return 'No spaces, please.';
  if (kind === 'adb') return /^[A-Za-z0-9._:[\]-]+$/.test(t) ? undefined : 'An adb serial is letters, digits, ".", ":", "-" and "_".';
  const h = parseHostAnswer(t);
  return typeof h === 'string' ? h : undefined;
}

export function checkUser(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return /^[a-z_A-Z0-9][A-Za-z0-9._-]*\$?$/.test(t) && t.length <= 64
    ? undefined
    : 'A user name has letters, digits, ".", "_" and "-" only.';
}

export function checkPort(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (!/^\d+$/.test(t)) return 'A port is a number from 1 to 65535 (empty: ~/.ssh/config or 22).';
  const p = Number(t);
  return p >= 1 && p <= 65535 ? undefined : 'The port must be from 1 to 65535.';
}

/** A key file must exist and be a file (`exists` injected: the check stays pure). */
export function checkKeyFile(text: string, isFile: (path: string) => boolean): string | undefined {
  const t = text.trim();
  if (t === '') return 'Type the path of the private key file, or go back and choose the SSH agent.';
  return isFile(t) ? undefined : `No such file: ${t}`;
}

/** The setting entry for `answers`, keeping the fields of `previous` that the flow does not ask about. */
export function targetEntry(answers: TargetAnswers, previous?: Record<string, unknown>): Record<string, unknown> | string {
  const base: Record<string, unknown> = { ...(previous ?? {}) };
  for (const k of ['name', 'host', 'user', 'port', 'identityFile', 'serial', 'kind', 'powerSource', 'probeCommand']) delete base[k];
  const entry: Record<string, unknown> = { name: answers.name.trim(), host: answers.host.trim(), kind: answers.kind };
  if (answers.kind === 'adb') {
    entry.powerSource = answers.powerSource ?? 'fuel-gauge';
    if (entry.powerSource === 'external-probe') entry.probeCommand = answers.probeCommand?.trim() ?? '';
    for (const k of ['device', 'threads', 'gpuDevice', 'python', 'env', 'identityFile', 'proxyJump', 'knownHostsFile']) delete base[k];
  } else {
    if (answers.user?.trim()) entry.user = answers.user.trim();
    if (answers.port !== undefined && answers.port !== 22) entry.port = answers.port;
    if (answers.identityFile?.trim()) entry.identityFile = answers.identityFile.trim();
    if (previous === undefined) Object.assign(entry, { device: 'cpu', threads: 1 });
    delete base.probeColumns;
  }
  const out = { ...entry, ...base };
  // Same checks as the campaigns: what the flow writes is usable.
  const parsed = answers.kind === 'adb' ? parseAdbTarget(out) : parseTarget(out);
  return typeof parsed === 'string' ? parsed : out;
}

/** What the flow starts from when editing an entry. */
export function answersOf(entry: Record<string, unknown>): TargetAnswers {
  const str = (k: string): string | undefined => (typeof entry[k] === 'string' ? (entry[k] as string) : undefined);
  const kind: EditableKind = isAdbEntry(entry)
    ? 'adb'
    : TARGET_KINDS.includes(entry.kind as TargetKind)
      ? (entry.kind as TargetKind)
      : 'generic-linux';
  return {
    name: str('name') ?? '',
    kind,
    host: (kind === 'adb' ? (str('serial') ?? str('host')) : str('host')) ?? '',
    user: str('user'),
    port: typeof entry.port === 'number' ? entry.port : undefined,
    identityFile: str('identityFile'),
    powerSource: entry.powerSource === 'external-probe' ? 'external-probe' : entry.powerSource === 'fuel-gauge' ? 'fuel-gauge' : undefined,
    probeCommand: str('probeCommand'),
  };
}

function nameOf(e: unknown): string | undefined {
  const n = typeof e === 'object' && e !== null ? (e as { name?: unknown }).name : undefined;
  return typeof n === 'string' ? n.trim() : undefined;
}

/** Index of the entry named `name` in a raw setting list (-1 if none). */
export function indexOfTarget(list: unknown, name: string): number {
  return Array.isArray(list) ? list.findIndex((e) => nameOf(e) === name) : -1;
}

/** The list with the entry named `name` replaced by `entry` (appended when there is none). */
export function withTargetReplaced(list: unknown, name: string, entry: Record<string, unknown>): unknown[] {
  const current = Array.isArray(list) ? [...(list as unknown[])] : [];
  const i = indexOfTarget(current, name);
  if (i < 0) current.push(entry);
  else current[i] = entry;
  return current;
}

/** The list without the entry named `name`. */
export function withTargetRemoved(list: unknown, name: string): unknown[] {
  return Array.isArray(list) ? (list as unknown[]).filter((e) => nameOf(e) !== name) : [];
}

/** The names in a raw list (for uniqueness checks across scopes). */
export function targetNames(list: unknown): string[] {
  return Array.isArray(list) ? (list as unknown[]).map(nameOf).filter((n): n is string => n !== undefined) : [];
}
