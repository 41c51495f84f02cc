// Number formatting for the panel: percentages with one decimal, coefficients with 4 significant
// digits (scientific when very small or large, as energy-per-MAC coefficients are).

export function pct(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : `${x.toFixed(1)} %`;
}

export function sig(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e6) return x.toExponential(digits - 1);
  return String(Number(x.toPrecision(digits)));
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** How the panel names what a fit predicts: energy in mJ (E), or latency in ms (t). */
export function quantityWords(quantity: 'energy' | 'latency'): { noun: string; Noun: string; unit: string; symbol: string } {
  return quantity === 'latency'
    ? { noun: 'latency', Noun: 'Latency', unit: 'ms', symbol: 't' }
    : { noun: 'energy', Noun: 'Energy', unit: 'mJ', symbol: 'E' };
}
