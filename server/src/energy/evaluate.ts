// Evaluates one sub-model on one layer's features: E = intercept + Σ c·term (identity link) or
// E = exp(intercept + Σ c·term) (log link), or E = intercept + smooth-max of the costs c·term (form
// smooth-max, a roofline). Terms are parsed once per sub-model object.
import type { LayerFeatures } from '../net/types';
import type { SubModel } from './model';
import { type Term, evaluateTerm, parseTerm, termNames } from './terms';
import { smoothMax } from './smooth-max';

/** `value` is in the sub-model's unit: mJ for energy, ms for latency. */
export type SubModelValue = { ok: true; value: number } | { ok: false; missing: string[] } | { ok: false; invalid: string };

interface Compiled {
  terms: Term[];
  /** Feature names the sub-model reads, in first-use order (the cache key is built from these). */
  names: string[];
}

const compiled = new WeakMap<SubModel, Compiled>();

export function compileSubModel(sub: SubModel): Compiled {
  let c = compiled.get(sub);
  if (!c) {
    const terms = sub.features.map((text) => {
      const t = parseTerm(text);
      if ('error' in t) throw new Error(t.error); // loaded models were validated; a hand-built one may not be
      return t;
    });
    c = { terms, names: [...new Set(terms.flatMap(termNames))] };
    compiled.set(sub, c);
  }
  return c;
}

export function evaluateSubModel(sub: SubModel, features: LayerFeatures): SubModelValue {
  const { terms } = compileSubModel(sub);
  const lookup = (name: string) => (features as Record<string, number | undefined>)[name];
  const costs = new Float64Array(terms.length);
  const missing: string[] = [];
  for (let j = 0; j < terms.length; j++) {
    const t = evaluateTerm(terms[j], lookup);
    if (!t.ok) {
      if ('invalid' in t) return t;
      for (const m of t.missing) if (!missing.includes(m)) missing.push(m);
      continue;
    }
    costs[j] = sub.coefficients[j] * t.value;
  }
  if (missing.length > 0) return { ok: false, missing };
  let value: number;
  if (sub.form === 'smooth-max') {
    value = sub.intercept + smoothMax(costs, sub.exponent ?? 1);
  } else {
    let v = sub.intercept;
    for (const c of costs) v += c;
    value = sub.link === 'log' ? Math.exp(v) : v;
  }
  if (!Number.isFinite(value)) return { ok: false, invalid: 'the prediction overflows' };
  return { ok: true, value };
}
