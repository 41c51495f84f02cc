// Turns a fit into the model file format (see ../model.ts), provenance filled in. Numbers are
// rounded to 6 significant digits (metrics to 4): well inside the data's precision, readable, and
// the same bytes on every re-run.
import type { DataSource, EnergyModel, Platform, SubModel } from '../model';
import { MODEL_FORMAT_VERSION, isLayerFeatureName } from '../model';
import { validateModel } from '../load-model';
import { formatVersionFor } from '../format-version';
import { parseTerm } from '../terms';
import type { FitReport } from './engine';
import { type Dataset, FitError } from './dataset';
import { type TrainingDomain, trainingDomain } from '../domain';

/** Types each fitted type also predicts unless told otherwise (their per-MAC cost is the same kind of work). */
export const DEFAULT_APPLIES_TO: Record<string, string[]> = {
  Convolution: ['ConvolutionDepthwise', 'DepthwiseConvolution'],
};

export interface ToModelOptions {
  platform: Platform;
  /** What produced the file, e.g. `energy-lens fit` or `scripts/fit-builtin-models.ts`. */
  generator: string;
  /** Data files the rows came from (names, hashes and row counts; never the rows). */
  data: DataSource[];
  appliesTo?: Record<string, string[]>;
  /** Why this method/feature set, per type or for all. */
  why?: string | Record<string, string>;
  notes?: string[];
  /** Training domain per layer type (see `datasetDomains`), recorded so layers outside it are flagged. */
  domains?: Record<string, TrainingDomain>;
}

/** The training domain of each layer type's rows, over the dataset's features. */
export function datasetDomains(dataset: Dataset): Record<string, TrainingDomain> {
  const byType = new Map<string, { rows: Array<Record<string, number>>; networks: Set<string> }>();
  for (const row of dataset.rows) {
    const entry = byType.get(row.type) ?? { rows: [], networks: new Set<string>() };
    entry.rows.push(Object.fromEntries(dataset.features.map((name, i) => [name, row.values[i]])));
    if (row.group) entry.networks.add(row.group);
    byType.set(row.type, entry);
  }
  const out: Record<string, TrainingDomain> = {};
  for (const [type, { rows, networks }] of byType) {
    const domain = trainingDomain(rows);
    if (domain) out[type] = networks.size ? { ...domain, networks: [...networks].sort() } : domain;
  }
  return out;
}

export const round = (x: number, digits = 6): number => (x === 0 ? 0 : Number(x.toPrecision(digits)));

export function fittedSubModel(
  report: FitReport,
  type: string,
  options: Pick<ToModelOptions, 'data' | 'appliesTo' | 'why'> & { domain?: TrainingDomain },
): SubModel {
  const m = report.subModels.find((s) => s.type === type);
  if (!m) throw new FitError(`the fit has no ${type} sub-model`);
  for (const text of m.terms) {
    const term = parseTerm(text);
    if ('error' in term) throw new FitError(term.error);
    for (const f of term.factors) checkLayerFeature(f.name);
  }
  if (!Number.isFinite(m.sigmaLog)) {
    throw new FitError(`${type}: the fit predicts ≤ 0 mJ for every row, so it has no usable spread; try the relative or log method`);
  }
  const metrics = m.cv ?? m.inSample;
  const why = typeof options.why === 'string' ? options.why : options.why?.[type];
  const appliesTo = (options.appliesTo ?? DEFAULT_APPLIES_TO)[type];
  return {
    ...(appliesTo && appliesTo.length > 0 ? { appliesTo } : {}),
    features: m.terms,
    coefficients: m.coefficients.map((c) => round(c)),
    intercept: round(m.intercept),
    ...(m.link === 'log' ? { link: 'log' as const } : {}),
    sigmaLog: round(m.sigmaLog, 4),
    samples: m.samples,
    extrapolated: false,
    provenance: {
      family: report.spec.family,
      method: report.label,
      data: options.data,
      spreadFrom: m.sigmaFrom,
      ...(why ? { why } : {}),
    },
    metrics: {
      validation: m.cv && report.cv ? report.cv.scheme : 'in-sample',
      mape: round(metrics.mape, 4),
      rmspe: round(metrics.rmspe, 4),
      complexity: m.complexity,
    },
    ...(options.domain ? { domain: options.domain } : {}),
  };
}

export function toEnergyModel(report: FitReport, options: ToModelOptions): EnergyModel {
  const subModels: Record<string, SubModel> = {};
  for (const m of report.subModels) subModels[m.type] = fittedSubModel(report, m.type, { ...options, domain: options.domains?.[m.type] });
  return finishModel({
    formatVersion: MODEL_FORMAT_VERSION,
    platform: options.platform,
    energyUnit: 'mJ',
    subModels,
    provenance: { generator: options.generator, ...(options.notes ? { notes: options.notes } : {}) },
  });
}

/**
 * A sub-model for a type without data, copied from one with data (e.g. InnerProduct from
 * Convolution: an FC layer is a 1×1 convolution over a 1×1 map, so MACs and element counts carry over).
 */
export function extrapolatedCopy(from: SubModel, fromType: string, note: string): SubModel {
  // The copy's type was never measured, so the source's training domain says nothing about it.
  const { appliesTo: _ignored, metrics: _none, domain: _unknown, ...rest } = from;
  return {
    ...rest,
    samples: 0,
    extrapolated: true,
    note,
    provenance: {
      family: 'copied',
      method: `copy of the ${fromType} sub-model (${from.provenance.method})`,
      ...(from.provenance.data ? { data: from.provenance.data } : {}),
      ...(from.provenance.source ? { source: from.provenance.source } : {}),
      spreadFrom: `${fromType}'s spread (${from.provenance.spreadFrom}); the true spread for this type is unknown and likely larger`,
    },
  };
}

/** A saved model reads layer features only; the error says how to rename a data column, in the CLI and the panel. */
export function checkLayerFeature(name: string): void {
  if (isLayerFeatureName(name)) return;
  throw new FitError(
    `feature '${name}' is not a layer feature, so the editor could not evaluate the model; rename the data column to a layer feature (CLI: --features ${name}:channelsIn; refit panel: Import CSV again and write ${name}:channelsIn in its feature names step)`,
  );
}

/** Validates a model built in code against the same schema as files, so built-ins can never be malformed. */
export function finishModel(model: EnergyModel): EnergyModel {
  // The lowest version that expresses the model, so older readers keep reading models without version-2 features.
  model = { ...model, formatVersion: formatVersionFor(model) };
  const checked = validateModel(model, `model ${model.platform.id}`);
  if ('error' in checked) throw new FitError(checked.error);
  return checked.model;
}
