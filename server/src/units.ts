// How numbers are shown to people, in one place so the hover, inlay hints, CodeLens, status bar
// and CLI agree: three significant figures, SI prefixes, thin units.

/**
 * A value given in milli-units of `unit` (mJ, ms): the unit itself from 1000 up, micro below 0.01,
 * milli between, so energies and times read alike.
 */
function formatMilli(value: number, unit: string): string {
  if (!Number.isFinite(value)) return `? m${unit}`;
  const abs = Math.abs(value);
  if (abs >= 1000) return `${significant(value / 1000)} ${unit}`;
  if (abs > 0 && abs < 0.01) return `${significant(value * 1000)} µ${unit}`;
  return `${significant(value)} m${unit}`;
}

/** Energy given in millijoules: `0.84 mJ`, `268 mJ`, `1.52 J`. */
export function formatEnergy(mJ: number): string {
  return formatMilli(mJ, 'J');
}

/** Latency given in milliseconds: `0.84 ms`, `173 ms`, `1.52 s`, `12.5 µs`. */
export function formatLatency(ms: number): string {
  return formatMilli(ms, 's');
}

/** Mean power given in milliwatts: `850 mW`, `1.39 W`. */
export function formatPower(mW: number): string {
  if (!Number.isFinite(mW)) return '? W';
  return Math.abs(mW) >= 1000 ? `${significant(mW / 1000)} W` : `${significant(mW)} mW`;
}

/** Mean power of an energy spent over a time: mJ / ms is W. */
export function formatMeanPower(mJ: number, ms: number): string {
  return ms > 0 ? formatPower((mJ / ms) * 1000) : '? W';
}

/** A total that leaves layers out is a lower bound: `≥ 5.45 J`; a complete one is `5.45 J`. */
export function formatTotal(mJ: number, lowerBound: boolean): string {
  return `${lowerBound ? '≥ ' : ''}${formatEnergy(mJ)}`;
}

/** The same for a latency total: `≥ 173 ms`. */
export function formatLatencyTotal(ms: number, lowerBound: boolean): string {
  return `${lowerBound ? '≥ ' : ''}${formatLatency(ms)}`;
}

/** Counts such as MACs and parameters: `724.4 M`, `15.47 G`, `1,248,424` when exact is asked. */
export function formatCount(n: number, exact = false): string {
  if (!Number.isFinite(n)) return '?';
  if (exact || Math.abs(n) < 1e4) return Math.round(n).toLocaleString('en-US');
  const units: Array<[number, string]> = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [scale, suffix] of units) {
    if (Math.abs(n) >= scale) return `${significant(n / scale, 4)} ${suffix}`;
  }
  return String(n);
}

export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '? %';
  const pct = fraction * 100;
  return `${pct === 0 ? '0' : pct >= 1 ? pct.toFixed(1) : pct.toFixed(2)} %`;
}

/** A relative change given in percent: `−12.0 %`, `+8.0 %`, `±0 %` (a true minus sign). */
export function formatChange(pct: number): string {
  if (!Number.isFinite(pct)) return '? %';
  const rounded = Math.abs(pct) >= 10 ? pct.toFixed(0) : pct.toFixed(1);
  if (Number(rounded) === 0) return '±0 %';
  return `${pct < 0 ? '−' : '+'}${rounded.replace('-', '')} %`;
}

export function formatShape(shape: readonly number[] | undefined | null): string {
  return shape ? shape.join('×') : 'unknown';
}

function significant(x: number, digits = 3): string {
  if (x === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(x)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  return x.toFixed(decimals);
}
