// A model picked from a search's frontier, written in the model format: the linear and log families
// as before, the roofline as form "smooth-max"; the spread is the calibrated one (the 90 % interval
// covers 90 % of held-out layers), and the held-out errors go into the metrics.
import type { EnergyModel, SubModel } from '../../model';
import { MODEL_FORMAT_VERSION } from '../../model';
import { FitError } from '../dataset';
import { parseTerm } from '../../terms';
import { DEFAULT_APPLIES_TO, type ToModelOptions, checkLayerFeature, finishModel, round } from '../to-model';
import type { FrontierModel, SearchReport } from './search';

export function frontierSubModel(
  m: FrontierModel,
  type: string,
  report: SearchReport,
  samples: number,
  options: Pick<ToModelOptions, 'data' | 'appliesTo' | 'why'>,
): SubModel {
  for (const text of m.terms) {
    const term = parseTerm(text);
    if ('error' in term) throw new FitError(term.error);
    for (const { name } of term.factors) checkLayerFeature(name);
  }
  const numbers = [...m.coefficients, m.intercept, m.exponent ?? 1, m.errors.sigmaLog];
  if (!numbers.every(Number.isFinite))
    throw new FitError(`${type}: the ${m.label} model has a coefficient or spread that is not finite; pick another model of the frontier`);
  const why = typeof options.why === 'string' ? options.why : options.why?.[type];
  const appliesTo = (options.appliesTo ?? DEFAULT_APPLIES_TO)[type];
  return {
    ...(appliesTo && appliesTo.length > 0 ? { appliesTo } : {}),
    features: m.terms,
    coefficients: m.coefficients.map((c) => round(c)),
    intercept: round(m.intercept),
    ...(m.family === 'log' ? { link: 'log' as const } : {}),
    ...(m.family === 'roofline' ? { form: 'smooth-max' as const, exponent: round(m.exponent!) } : {}),
    ...(m.smearing !== undefined ? { biasCorrection: { method: 'smearing' as const, factor: round(m.smearing) } } : {}),
    sigmaLog: round(m.errors.sigmaLog, 4),
    samples,
    extrapolated: false,
    note: `${m.label}, chosen from the accuracy–complexity frontier of a model search`,
    provenance: {
      family: 'search',
      method: m.family === 'relative' ? 'relative' : m.family === 'log' ? 'log' : 'levenberg-marquardt (relative error)',
      data: options.data,
      spreadFrom: `${report.validation} residuals: the 90th percentile of |ln(measured / predicted)|`,
      ...(why ? { why } : {}),
    },
    metrics: {
      validation: report.validation,
      mape: round(m.errors.mape, 4),
      rmspe: round(m.errors.rmspe, 4),
      complexity: m.complexity,
      medianApe: round(m.errors.medianApe, 4),
      p90Ape: round(m.errors.p90Ape, 4),
      coverage90: round(m.errors.coverage90, 4),
    },
  };
}

/** One sub-model per searched type: `picks[type]` (default the recommended one). */
export function frontierEnergyModel(report: SearchReport, options: ToModelOptions, picks: Record<string, FrontierModel> = {}): EnergyModel {
  const subModels: Record<string, SubModel> = {};
  for (const t of report.types) {
    const m = picks[t.type] ?? t.front[t.recommended];
    if (!m) continue;
    subModels[t.type] = frontierSubModel(m, t.type, report, t.rows, options);
  }
  if (Object.keys(subModels).length === 0) throw new FitError('the search found no model to save');
  return finishModel({
    formatVersion: MODEL_FORMAT_VERSION,
    platform: options.platform,
    energyUnit: 'mJ',
    subModels,
    provenance: { generator: options.generator, notes: [...report.notes, ...(options.notes ?? [])] },
  });
}
