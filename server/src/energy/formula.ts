// Human-readable sub-model formulas for hovers and reports: "E = 5.78 nJ × MACs",
// "E = 0.693 mJ + 43.7 pJ × MACs + 30.7 nJ × input elements", "E = 2.6 µJ × MACs^0.52"; latency
// sub-models the same in seconds: "t = 0.12 ms + 1.9 ns × MACs".
import type { Quantity, SubModel } from './model';
import { type Term, parseTerm } from './terms';

const DISPLAY: Record<string, string> = {
  macs: 'MACs',
  params: 'params',
  inputElements: 'input elements',
  outputElements: 'output elements',
  weightBytes: 'weight bytes',
  activationBytes: 'activation bytes',
};

/** SI prefixes by their scale against the milli-unit the models use (mJ, ms). */
const PREFIXES: Array<[number, string]> = [
  [1e3, ''],
  [1, 'm'],
  [1e-3, 'µ'],
  [1e-6, 'n'],
  [1e-9, 'p'],
  [1e-12, 'f'],
];
const PREFIXED: Record<Quantity, Array<[number, string]>> = {
  energy: PREFIXES.map(([scale, prefix]) => [scale, `${prefix}J`]),
  latency: PREFIXES.map(([scale, prefix]) => [scale, `${prefix}s`]),
};

/** A coefficient (mJ or ms) with an SI prefix chosen so the number is in [1, 1000): 1.54e-6 mJ → "1.54 nJ". */
export function formatCoefficient(value: number, quantity: Quantity = 'energy'): string {
  const base = quantity === 'energy' ? 'mJ' : 'ms';
  if (value === 0) return `0 ${base}`;
  for (const [scale, unit] of PREFIXED[quantity]) {
    if (Math.abs(value) >= scale) return `${significant(value / scale)} ${unit}`;
  }
  return `${value.toExponential(2)} ${base}`;
}

/** Energy with an SI prefix chosen so the number is in [1, 1000): 1.54e-6 mJ → "1.54 nJ". */
export function formatEnergyCoefficient(mJ: number): string {
  return formatCoefficient(mJ, 'energy');
}

function significant(x: number): string {
  return Number(x.toPrecision(3)).toString();
}

const SINGULAR: Record<string, string> = {
  macs: 'MAC',
  params: 'parameter',
  inputElements: 'input element',
  outputElements: 'output element',
  weightBytes: 'weight byte',
  activationBytes: 'activation byte',
};

/**
 * A coefficient with its unit (identity link): "1.54 nJ per MAC", "20.8 nJ per unit of channelsIn ×
 * kernelH"; of a latency model (the value in ms), "3.1 ns per MAC".
 */
export function coefficientWithUnit(text: string, value: number, quantity: Quantity = 'energy'): string {
  const t = parseTerm(text);
  if ('error' in t) return `${formatCoefficient(value, quantity)} per unit of ${text}`;
  const only =
    t.factors.length === 1 && !t.factors[0].log && !t.factors[0].tile && t.factors[0].power === 1 ? SINGULAR[t.factors[0].name] : undefined;
  return `${formatCoefficient(value, quantity)} per ${only ?? `unit of ${describeTerm(t)}`}`;
}

function describeTerm(term: Term): string {
  return term.factors
    .map((f) => {
      const name = DISPLAY[f.name] ?? f.name;
      const base = f.log ? `ln(${name})` : f.tile ? `${name}↑${f.tile}` : name;
      return f.power > 1 ? `${base}^${f.power}` : base;
    })
    .join(' × ');
}

const MAX_TERMS_SHOWN = 4;

const memo: Record<Quantity, WeakMap<SubModel, string>> = { energy: new WeakMap(), latency: new WeakMap() };

/** The sub-model as a formula: `E = …` for energy (mJ), `t = …` for latency (ms). */
export function formatFormula(sub: SubModel, quantity: Quantity = 'energy'): string {
  let text = memo[quantity].get(sub);
  if (text === undefined) {
    text = buildFormula(sub, quantity);
    memo[quantity].set(sub, text);
  }
  return text;
}

function buildFormula(sub: SubModel, quantity: Quantity): string {
  const symbol = quantity === 'energy' ? 'E' : 't';
  const unit = quantity === 'energy' ? 'mJ' : 'ms';
  const coefficient = (x: number) => formatCoefficient(x, quantity);
  const terms = sub.features.map((text) => {
    const t = parseTerm(text);
    return 'error' in t ? { text, factors: [{ name: text, log: false, power: 1 }] } : t;
  });
  const pairs = terms.map((t, j) => ({ t, c: sub.coefficients[j] })).filter((p) => p.c !== 0);
  const more = pairs.length > MAX_TERMS_SHOWN ? ` + … (${pairs.length - MAX_TERMS_SHOWN} more terms)` : '';
  const shown = pairs.slice(0, MAX_TERMS_SHOWN);
  if (sub.form === 'smooth-max') {
    // Roofline: the overhead plus a smooth maximum of the costs; p = 1 adds them, a large p takes the largest.
    const costs = pairs.map((p) => `${coefficient(p.c)} × ${describeTerm(p.t)}`);
    const overhead = sub.intercept !== 0 ? `${coefficient(sub.intercept)} + ` : '';
    return fixSigns(`${symbol} = ${overhead}smooth-max(p=${significant(sub.exponent ?? 1)}; ${costs.join(', ')})`);
  }
  if (sub.link === 'log') {
    // ln E = a + Σ b·ln(x)  ⇔  E = e^a × Π x^b: show the power law when every term is a plain log.
    if (pairs.every((p) => p.t.factors.length === 1 && p.t.factors[0].log && p.t.factors[0].power === 1)) {
      const powers = pairs.map((p) => `${DISPLAY[p.t.factors[0].name] ?? p.t.factors[0].name}^${significant(p.c)}`);
      return `${symbol} = ${coefficient(Math.exp(sub.intercept))} × ${powers.join(' × ')}`;
    }
    const parts = shown.map((p) => `${significant(p.c)} × ${describeTerm(p.t)}`);
    return fixSigns(`ln(${symbol} / ${unit}) = ${[significant(sub.intercept), ...parts].join(' + ')}${more}`);
  }
  const parts = shown.map((p) => `${coefficient(p.c)} × ${describeTerm(p.t)}`);
  if (sub.intercept !== 0) parts.unshift(coefficient(sub.intercept));
  return fixSigns(`${symbol} = ${parts.length > 0 ? parts.join(' + ') : `0 ${unit}`}${more}`);
}

/** "a + -b" → "a − b", "= -b" → "= −b". */
function fixSigns(text: string): string {
  return text.replace(/\+ -/g, '− ').replace(/= -/g, '= −');
}
