// The phone's fuel gauge through adb: finds the battery under /sys/class/power_supply (type
// "Battery"), refuses it while USB or AC power is online (the phone charges and the gauge no longer
// shows the load), and reads current_now (µA) and voltage_now (µV) together. The sign convention
// and update period differ by vendor: detectGauge() finds both from readings.
import type { AdbDevice } from '../adb-device';
import { AdbError } from '../adb-errors';

const ROOT = '/sys/class/power_supply';

export interface GaugeReading {
  /** Host time (ms) when the reading arrived. */
  at: number;
  microamps: number;
  microvolts: number;
}

export async function findBattery(device: AdbDevice, signal?: AbortSignal): Promise<{ battery: string; externalPower: string[] }> {
  const r = await device
    .shell(`for s in ${ROOT}/*; do echo "$s $(cat $s/type) $(cat $s/online 2>/dev/null)"; done`, { signal })
    .catch(() => undefined);
  // The emulated sh has no loops; fall back to listing and reading each supply.
  const entries: Array<{ name: string; type: string; online?: string }> = [];
  if (r && r.code === 0 && /Battery/.test(r.stdout)) {
    for (const line of r.stdout.split('\n').filter(Boolean)) {
      const [p, type, online] = line.split(' ');
      entries.push({ name: p.split('/').pop()!, type, online });
    }
  } else {
    const ls = await device.shell(`ls ${ROOT}`, { signal });
    for (const name of ls.stdout
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => /^[A-Za-z0-9_.-]+$/.test(s))) {
      const info = await device.shell(`cat ${ROOT}/${name}/type; cat ${ROOT}/${name}/online 2>/dev/null`, { signal });
      const [type, online] = info.stdout.split('\n');
      entries.push({ name, type: type?.trim() ?? '', online: online?.trim() });
    }
  }
  const battery = entries.find((e) => e.type === 'Battery');
  if (!battery) throw new AdbError(`no battery fuel gauge under ${ROOT} on ${device.serial}`, 'adb-failed');
  return {
    battery: `${ROOT}/${battery.name}`,
    externalPower: entries.filter((e) => e.type !== 'Battery' && e.online === '1').map((e) => e.name),
  };
}

export async function readGauge(device: AdbDevice, battery: string, signal?: AbortSignal): Promise<GaugeReading> {
  const r = await device.shell(`cat ${battery}/current_now ${battery}/voltage_now`, { signal, timeoutMs: 10000 });
  const [ua, uv] = r.stdout
    .trim()
    .split('\n')
    .map((s) => Number(s.trim()));
  if (r.code !== 0 || !Number.isFinite(ua) || !Number.isFinite(uv) || uv <= 0) {
    throw new AdbError(
      `the fuel gauge at ${battery} gave no current/voltage (${JSON.stringify(r.stdout.slice(0, 80))} ${r.stderr.trim()})`,
      'adb-failed',
    );
  }
  return { at: Date.now(), microamps: ua, microvolts: uv };
}

/** Reads the gauge as fast as adb allows until `until` resolves. */
export async function pollGauge(
  device: AdbDevice,
  battery: string,
  until: Promise<unknown>,
  signal?: AbortSignal,
): Promise<GaugeReading[]> {
  let done = false;
  void until.finally(() => {
    done = true;
  });
  const out: GaugeReading[] = [];
  while (!done && !signal?.aborted && out.length < 100000) out.push(await readGauge(device, battery, signal));
  return out;
}

/**
 * Update period (ms): the span from the first to the last change of the reading over the changes
 * between them (each change is seen up to one poll late, so single gaps are off by a poll interval;
 * the span averages that out). Undefined with too few changes, or when polling is too slow to see
 * every update (gaps between changes are then irregular multiples).
 */
export function updatePeriodMs(readings: GaugeReading[]): number | undefined {
  const changes: number[] = [];
  for (let k = 1; k < readings.length; k++) if (readings[k].microamps !== readings[k - 1].microamps) changes.push(readings[k].at);
  if (changes.length < 4) return undefined;
  return (changes[changes.length - 1] - changes[0]) / (changes.length - 1);
}

/** Mean battery power (mW) of readings, with `dischargeSign` the sign current_now has while discharging. */
export function meanPowerMw(readings: GaugeReading[], dischargeSign: 1 | -1): number {
  const mw = readings.map((r) => (dischargeSign * r.microamps * r.microvolts) / 1e9);
  return mw.reduce((a, v) => a + v, 0) / mw.length;
}
