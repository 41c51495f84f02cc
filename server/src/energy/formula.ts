// Human-readable sub-model formulas for hovers and reports: "E = 5.78 nJ × MACs",
// "E = 0.693 mJ + 43.7 pJ × MACs + 30.7 nJ × input elements", "E = 2.6 µJ × MACs^0.52".
import type { SubModel } from './model';
import { type Term, parseTerm } from './terms';

const DISPLAY: Record<string, string> = {
  macs: 'MACs',
  params: 'params',
  inputElements: 'input elements',
  outputElements: 'output elements',
  weightBytes: 'weight bytes',
  activationBytes: 'activation bytes',
};

/** Energy with an SI prefix chosen so the number is in [1, 1000): 1.54e-6 mJ → "1.54 nJ". */
export function formatEnergyCoefficient(mJ: number): string {
  if (mJ === 0) return '0 mJ';
  const units: Array<[number, string]> = [
    [1e3, 'J'],
    [1, 'mJ'],
    [1e-3, 'µJ'],
    [1e-6, 'nJ'],
    [1e-9, 'pJ'],
    [1e-12, 'fJ'],
  ];
  for (const [scale, unit] of units) {
    if (Math.abs(mJ) >= scale) return `${significant(mJ / scale)} ${unit}`;
  }
  return `${mJ.toExponential(2)} mJ`;
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

/** A coefficient with its unit: "1.54 nJ per MAC", "20.8 nJ per unit of channelsIn × kernelH" (identity link). */
export function coefficientWithUnit(text: string, mJ: number): string {
  const t = parseTerm(text);
  if ('error' in t) return `${formatEnergyCoefficient(mJ)} per unit of ${text}`;
  const only =
    t.factors.length === 1 && !t.factors[0].log && !t.factors[0].tile && t.factors[0].power === 1 ? SINGULAR[t.factors[0].name] : undefined;
  return `${formatEnergyCoefficient(mJ)} per ${only ?? `unit of ${describeTerm(t)}`}`;
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

const memo = new WeakMap<SubModel, string>();

export function formatFormula(sub: SubModel): string {
  let text = memo.get(sub);
  if (text === undefined) {
    text = buildFormula(sub);
    memo.set(sub, text);
  }
  return text;
}

function buildFormula(sub: SubModel): string {
  const terms = sub.features.map((text) => {
    const t = parseTerm(text);
    return 'error' in t ? { text, factors: [{ name: text, log: false, power: 1 }] } : t;
  });
  const pairs = terms.map((t, j) => ({ t, c: sub.coefficients[j] })).filter((p) => p.c !== 0);
  const more = pairs.length > MAX_TERMS_SHOWN ? ` + … (${pairs.length - MAX_TERMS_SHOWN} more terms)` : '';
  const shown = pairs.slice(0, MAX_TERMS_SHOWN);
  if (sub.form === 'smooth-max') {
    // Roofline: the overhead plus a smooth maximum of the costs; p = 1 adds them, a large p takes the largest.
    const costs = pairs.map((p) => `${formatEnergyCoefficient(p.c)} × ${describeTerm(p.t)}`);
    const overhead = sub.intercept !== 0 ? `${formatEnergyCoefficient(sub.intercept)} + ` : '';
    return fixSigns(`E = ${overhead}smooth-max(p=${significant(sub.exponent ?? 1)}; ${costs.join(', ')})`);
  }
  if (sub.link === 'log') {
    // ln E = a + Σ b·ln(x)  ⇔  E = e^a × Π x^b: show the power law when every term is a plain log.
    if (pairs.every((p) => p.t.factors.length === 1 && p.t.factors[0].log && p.t.factors[0].power === 1)) {
      const powers = pairs.map((p) => `${DISPLAY[p.t.factors[0].name] ?? p.t.factors[0].name}^${significant(p.c)}`);
      return `E = ${formatEnergyCoefficient(Math.exp(sub.intercept))} × ${powers.join(' × ')}`;
    }
    const parts = shown.map((p) => `${significant(p.c)} × ${describeTerm(p.t)}`);
    return fixSigns(`ln(E / mJ) = ${[significant(sub.intercept), ...parts].join(' + ')}${more}`);
  }
  const parts = shown.map((p) => `${formatEnergyCoefficient(p.c)} × ${describeTerm(p.t)}`);
  if (sub.intercept !== 0) parts.unshift(formatEnergyCoefficient(sub.intercept));
  return fixSigns(`E = ${parts.length > 0 ? parts.join(' + ') : '0 mJ'}${more}`);
}

/** "a + -b" → "a − b", "= -b" → "= −b". */
function fixSigns(text: string): string {
  return text.replace(/\+ -/g, '− ').replace(/= -/g, '= −');
}
