// How C++ iostreams print numbers, for reading and writing Caffe2's benchmark output exactly:
// `operator<<` on a float/double uses %g with precision 6; `std::to_string(double)` uses %f.

function stripZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** printf("%g", x): 6 significant digits, exponent form when the exponent is < -4 or >= 6. */
export function formatCppDefault(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa, e] = x.toExponential(5).split('e');
  const exponent = Number(e);
  if (exponent < -4 || exponent >= 6) {
    return `${stripZeros(mantissa)}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return stripZeros(x.toFixed(5 - exponent));
}

/** std::to_string(double): printf("%f", x). */
export function formatCppToString(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return x.toFixed(6);
}

/** Reads a number printed by either: decimal, exponent form, inf/nan. Undefined if it is not one. */
export function parseCppNumber(text: string): number | undefined {
  if (/^[-+]?inf$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^[-+]?nan$/i.test(text)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) return undefined;
  return Number(text);
}
