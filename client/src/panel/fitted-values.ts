// In-sample predictions of a fit for every dataset row (the engine reports only the held-out ones),
// evaluated from the fitted terms with the same term language the model files use.
import type { Dataset } from '../../../server/src/energy/fit/dataset';
import type { FitReport, FittedTypeModel } from '../../../server/src/energy/fit/engine';
import { type Term, evaluateTerm, parseTerm } from '../../../server/src/energy/terms';

export function compileTerms(model: Pick<FittedTypeModel, 'terms' | 'type'>): Term[] {
  return model.terms.map((text) => {
    const term = parseTerm(text);
    if ('error' in term) throw new Error(`${model.type}: ${term.error}`);
    return term;
  });
}

/** E for one sub-model given a feature lookup; NaN when a feature is missing or a log is undefined. */
export function evaluateFitted(model: FittedTypeModel, terms: Term[], lookup: (name: string) => number | undefined): number {
  let v = model.intercept;
  for (let j = 0; j < terms.length; j++) {
    const t = evaluateTerm(terms[j], lookup);
    if (!t.ok) return NaN;
    v += model.coefficients[j] * t.value;
  }
  return model.link === 'log' ? Math.exp(v) : v;
}

/** Fitted (in-sample) energy per dataset row, NaN for rows of a type the fit has no sub-model for. */
export function fittedValues(dataset: Dataset, report: FitReport): Float64Array {
  const out = new Float64Array(dataset.rows.length).fill(NaN);
  const column = new Map(dataset.features.map((f, i) => [f, i] as [string, number]));
  const byType = new Map(report.subModels.map((m) => [m.type, { model: m, terms: compileTerms(m) }]));
  dataset.rows.forEach((row, i) => {
    const sub = byType.get(row.type);
    if (!sub) return;
    const lookup = (name: string) => {
      const c = column.get(name);
      return c === undefined ? undefined : row.values[c];
    };
    out[i] = evaluateFitted(sub.model, sub.terms, lookup);
  });
  return out;
}
