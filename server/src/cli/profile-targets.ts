// Which board `--target` names: an entry of a targets file (the energyLens.targets shape, or a
// VS Code settings.json holding it), else `[user@]host[:port]` or an ~/.ssh/config alias (the SSH
// link reads the config itself). Run options from the command line override the entry's.
import * as fs from 'fs';
import { parseHostAnswer, parseTarget, parseTargets, type TargetConfig } from '../../../client/src/board/targets';

/** Big enough for any settings file; a bigger one is refused, not read. */
const MAX_TARGETS_FILE_BYTES = 4 * 1024 * 1024;

/** The raw target entries of a targets file, or a message naming the file and what is wrong. */
export function readTargetsFile(file: string): unknown[] | string {
  let text: string;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_TARGETS_FILE_BYTES) return `${file}: ${size} bytes is too big for a targets file`;
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return `${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
  let value: unknown;
  try {
    // settings.json may have comments: strip line comments that start a line.
    value = JSON.parse(text.replace(/^\s*\/\/.*$/gm, ''));
  } catch (e) {
    return `${file}: not JSON: ${(e as Error).message}`;
  }
  if (Array.isArray(value)) return value;
  const inSettings = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['energyLens.targets'] : undefined;
  if (Array.isArray(inSettings)) return inSettings;
  return `${file}: expected a list of targets (the energyLens.targets shape) or a settings object with "energyLens.targets"`;
}

/** The target to measure on, with `overrides` applied and checked as a setting entry would be. */
export function resolveProfileTarget(
  spec: string,
  targetsFile: string | undefined,
  overrides: Record<string, unknown>,
): { target: TargetConfig; warnings: string[] } | string {
  const warnings: string[] = [];
  let entry: Record<string, unknown> | undefined;
  if (targetsFile) {
    const raw = readTargetsFile(targetsFile);
    if (typeof raw === 'string') return raw;
    const read = parseTargets(raw);
    warnings.push(...read.problems.map((p) => `${targetsFile}: ${p}`));
    const found = raw.find((t) => typeof t === 'object' && t !== null && (t as Record<string, unknown>).name === spec);
    if (found) {
      if (!read.targets.some((t) => t.name === spec))
        return `${targetsFile}: the target "${spec}" cannot be used (${read.problems.find((p) => p.includes(`"${spec}"`)) ?? 'see above'})`;
      entry = { ...(found as Record<string, unknown>) };
    }
  }
  if (!entry) {
    const host = parseHostAnswer(spec);
    if (typeof host === 'string')
      return `--target ${spec}: ${targetsFile ? `no target of that name in ${targetsFile}, and not a host: ` : ''}${host}`;
    entry = { name: host.host, host: host.host, kind: 'generic-linux', threads: 1 };
    if (host.user) entry.user = host.user;
    if (host.port !== undefined) entry.port = host.port;
  }
  const target = parseTarget({ ...entry, ...overrides });
  if (typeof target === 'string') return `--target ${spec}: ${target}`;
  return { target, warnings };
}
