// `energyLens.targets` entries of kind "adb": Android phones reached by the real adb client
// (a USB serial, or host:port for adb over Wi-Fi) and the power source their campaigns use. Read
// and checked here (no `vscode` import); the SSH targets are parsed by targets.ts, which leaves
// these entries to this file.
import type { AdbPowerSource } from '../campaigns/adb-steady-state';

export interface AdbTargetConfig {
  name: string;
  kind: 'adb';
  /** `adb devices` serial, or host:port (adb connect) for a phone on Wi-Fi. */
  serial: string;
  power: AdbPowerSource;
  adbPath?: string;
  adbServerPort?: number;
  /** Length of each layer's steady-state run (default 3 s). */
  steadySeconds: number;
  /** Idle gap before the marker burst (default 2 s). */
  idleSeconds: number;
}

/** The setting's fields only adb entries have (the SSH fields name, host, idleSeconds are shared). */
export const ADB_ONLY_FIELDS = ['powerSource', 'probeCommand', 'probeColumns', 'adbPath', 'adbServerPort', 'steadySeconds'] as const;

export function isAdbEntry(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { kind?: unknown }).kind === 'adb';
}

/** Checks one adb entry; a string is the reason it cannot be used. */
export function parseAdbTarget(raw: Record<string, unknown>): AdbTargetConfig | string {
  const str = (k: string) => (typeof raw[k] === 'string' && (raw[k] as string).trim() !== '' ? (raw[k] as string).trim() : undefined);
  const name = str('name');
  if (!name) return '"name" is missing';
  const serial = str('serial') ?? str('host');
  if (!serial) return `"${name}": "serial" is missing (an adb devices serial, or host:port for adb over Wi-Fi)`;
  if (/\s/.test(serial)) return `"${name}": "serial" cannot contain spaces`;
  const source = raw.powerSource ?? 'external-probe';
  let power: AdbPowerSource;
  if (source === 'external-probe') {
    const command = str('probeCommand');
    if (!command)
      return `"${name}": "probeCommand" is missing: the host command that prints the probe's CSV samples (or set "powerSource": "fuel-gauge")`;
    const columns = raw.probeColumns;
    if (
      columns !== undefined &&
      (typeof columns !== 'object' || columns === null || Object.values(columns).some((v) => typeof v !== 'string'))
    ) {
      return `"${name}": "probeColumns" must map time/power/voltage/current to CSV header names`;
    }
    power = { kind: 'external-probe', command, columns: columns as Record<string, string> | undefined };
  } else if (source === 'fuel-gauge') {
    power = { kind: 'fuel-gauge' };
  } else {
    return `"${name}": "powerSource" must be "external-probe" or "fuel-gauge"`;
  }
  const positive = (k: string, fallback: number): number | string => {
    const v = raw[k];
    if (v === undefined) return fallback;
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : `"${name}": "${k}" must be a number > 0`;
  };
  const steady = positive('steadySeconds', 3);
  const idle = positive('idleSeconds', 2);
  if (typeof steady === 'string') return steady;
  if (typeof idle === 'string') return idle;
  const port = raw.adbServerPort;
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535))
    return `"${name}": "adbServerPort" must be an integer from 1 to 65535`;
  return {
    name,
    kind: 'adb',
    serial,
    power,
    adbPath: str('adbPath'),
    adbServerPort: port as number | undefined,
    steadySeconds: steady,
    idleSeconds: idle,
  };
}

/** The adb entries of the setting; bad ones are explained. */
export function parseAdbTargets(raw: unknown): { targets: AdbTargetConfig[]; problems: string[] } {
  const targets: AdbTargetConfig[] = [];
  const problems: string[] = [];
  if (!Array.isArray(raw)) return { targets, problems };
  raw.forEach((entry, i) => {
    if (!isAdbEntry(entry)) return;
    const t = parseAdbTarget(entry as Record<string, unknown>);
    if (typeof t === 'string') problems.push(`energyLens.targets[${i}]: ${t}`);
    else targets.push(t);
  });
  return { targets, problems };
}

export function describeAdbTarget(t: AdbTargetConfig): string {
  return `${t.serial}, Snapdragon 820 over adb, Caffe2 + Eigen, ${t.power.kind === 'fuel-gauge' ? 'fuel gauge (USB power must be off)' : 'external probe'}`;
}
