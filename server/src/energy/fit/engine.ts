// The fitting engine's entry point: fit one sub-model per layer type with a family and method,
// validate it out of sample (leave-one-network-out, seeded k-fold, held-out split, leave-one-out)
// and report per-layer and whole-network errors, complexity and the log spread for intervals.
import { type Dataset, FitError } from './dataset';
import { buildTypeDesign, carriesNoInformation, typesOf } from './design';
import { type SubModelFit, TypeFitter, complexityOf, isPenalized } from './methods';
import { type LayerMetrics, type NetworkMetrics, layerMetrics, networkMetrics } from './metrics';
import { dealIntoFolds, shuffled } from './rng';
import { type FitSpec, type ResolvedSpec, methodLabel, resolveSpec } from './spec';
import { MEMORY_BOUND_TYPES } from '../layer-kinds';
import { heldOutErrors } from './search/held-out-errors';

export type CvScheme = { kind: 'loo-network' } | { kind: 'kfold'; k: number } | { kind: 'holdout'; fraction: number } | { kind: 'loo' };

export function parseCvScheme(text: string): CvScheme {
  if (text === 'loo-network') return { kind: 'loo-network' };
  if (text === 'loo') return { kind: 'loo' };
  const kfold = /^kfold:(\d+)$/.exec(text);
  if (kfold) {
    const k = Number(kfold[1]);
    if (k < 2) throw new Error(`kfold needs at least 2 folds, got ${k}`);
    return { kind: 'kfold', k };
  }
  const holdout = /^holdout:([0-9.]+)$/.exec(text);
  if (holdout) {
    const fraction = Number(holdout[1]);
    if (!(fraction > 0 && fraction < 1)) throw new Error(`holdout fraction must be between 0 and 1, got ${holdout[1]}`);
    return { kind: 'holdout', fraction };
  }
  throw new Error(`unknown validation '${text}' (use loo-network, kfold:K, holdout:F or loo)`);
}

export function describeCv(scheme: CvScheme, seed: number): string {
  switch (scheme.kind) {
    case 'loo-network':
      return 'leave-one-network-out';
    case 'loo':
      return 'leave-one-out';
    case 'kfold':
      return `kfold:${scheme.k} (seed ${seed})`;
    case 'holdout':
      return `holdout:${scheme.fraction} (seed ${seed})`;
  }
}

export interface FittedTypeModel {
  type: string;
  terms: string[];
  coefficients: number[];
  intercept: number;
  link: 'identity' | 'log';
  lambda?: number;
  /** Log link: Duan's smearing factor, already folded into the intercept. */
  smearing?: number;
  samples: number;
  complexity: number;
  inSample: LayerMetrics;
  /** Out-of-sample errors of this type's rows (when validated). */
  cv?: LayerMetrics;
  /** Log spread used for intervals: out-of-sample when validated, else in-sample with a degrees-of-freedom correction. */
  sigmaLog: number;
  sigmaFrom: string;
}

export interface CvReport {
  scheme: string;
  folds: number;
  /** Rows predicted out of sample / rows that could not be (their type was absent from the training folds). */
  predicted: number;
  unpredicted: number;
  layers: LayerMetrics;
  /** Null when the data has no groups (networks). */
  network: NetworkMetrics | null;
  perType: Record<string, LayerMetrics>;
  /**
   * Measured coverage (0..1) of the 90 % intervals the fit reports (ŷ ×/÷ exp(1.645 σ) with each
   * type's σ) on held-out rows, cross-fitted: each fold's rows judged by a σ computed without them.
   * NaN when nothing could be judged.
   */
  coverage90: number;
  coverage90PerType: Record<string, number>;
  /** Per type, σ such that predicted × exp(±1.645 σ) covers 90 % of its held-out rows (the interval's width). */
  calibratedSigmaLogPerType: Record<string, number>;
  /** Out-of-sample prediction per dataset row (NaN where none). */
  predictions: Float64Array;
}

export interface FitReport {
  spec: ResolvedSpec;
  label: string;
  subModels: FittedTypeModel[];
  /** Sum over sub-models of non-zero coefficients (+1 per intercept). */
  complexity: number;
  cv?: CvReport;
  warnings: string[];
}

export interface FitOptions {
  cv?: CvScheme;
  /** Seed of the folds / split (default 1). */
  seed?: number;
}

interface TypeState {
  type: string;
  fitter: TypeFitter;
  /** Dataset row index → design row index. */
  local: Map<number, number>;
}

/** Types that do no MACs but move bytes: with features that say nothing about them, fitted on their traffic. */
const TRAFFIC_TYPES: ReadonlySet<string> = new Set(['Pooling', ...MEMORY_BOUND_TYPES]);

/**
 * Pooling and the memory-bound types (ReLU, Concat, BatchNorm, ...) are fitted on `activationBytes`
 * (energy per byte read and written) when the chosen features carry nothing for them (0 MACs in every
 * row) and the user gave them no features of their own; otherwise they would be left unmodelled.
 */
function withTrafficDefaults(dataset: Dataset, spec: ResolvedSpec, notes: string[]): ResolvedSpec {
  if (spec.family !== 'layer-type' || !dataset.features.includes('activationBytes')) return spec;
  const typeFeatures = { ...spec.typeFeatures };
  for (const type of typesOf(dataset)) {
    if (!TRAFFIC_TYPES.has(type) || spec.typeFeatures[type]) continue;
    let silent: boolean;
    try {
      silent = carriesNoInformation(buildTypeDesign(dataset, spec, type));
    } catch (e) {
      if (!(e instanceof FitError)) throw e;
      silent = true; // e.g. the log of 0 MACs
    }
    if (!silent) continue;
    typeFeatures[type] = ['activationBytes'];
    notes.push(`${type}: fitted on activationBytes (energy per byte read and written): ${spec.features.join(', ')} say nothing about it`);
  }
  return { ...spec, typeFeatures };
}

export function fitDataset(dataset: Dataset, fitSpec: FitSpec, options: FitOptions = {}): FitReport {
  if (dataset.rows.length === 0) throw new FitError('no data rows to fit');
  const seed = options.seed ?? 1;
  const warnings: string[] = [];
  const spec = withTrafficDefaults(dataset, resolveSpec(fitSpec), warnings);
  const states: TypeState[] = [];
  for (const type of typesOf(dataset)) {
    let design: ReturnType<typeof buildTypeDesign>;
    try {
      design = buildTypeDesign(dataset, spec, type);
    } catch (e) {
      // One type this method cannot take (log of a zero feature) leaves that type out, not the whole fit.
      if (!(e instanceof FitError)) throw e;
      warnings.push(`${type}: not modelled by ${methodLabel(spec)}: ${e.message}`);
      continue;
    }
    warnings.push(...design.warnings);
    if (carriesNoInformation(design)) {
      // e.g. pooling rows in a MACs-only fit: leave the type unmodelled rather than fail the whole fit.
      const why =
        design.terms.length === 0
          ? 'no feature varies'
          : `${design.terms.map((t) => `'${t.text}'`).join(', ')} ${design.terms.length === 1 ? 'is' : 'are'} 0`;
      warnings.push(
        `${type}: ${why} in all ${design.rows.length} rows, so ${type} is not modelled; give it its own features (CLI: --type-features ${type}=...; refit panel: Type features, ${type}=...), or search model structures (CLI: --search; refit panel: Search models), which picks features per layer type`,
      );
      continue;
    }
    states.push({ type, fitter: new TypeFitter(design, spec), local: new Map(design.rows.map((ri, k) => [ri, k] as [number, number])) });
  }
  if (states.length === 0) throw new FitError(`no layer type can be fitted: ${warnings.join('; ')}`);

  const folds = options.cv ? makeFolds(dataset, options.cv, seed) : undefined;
  // Per type, each fold's rows as design indexes; the same arrays are reused so penalty statistics are cached.
  const typeFolds = folds
    ? states.map((s) => folds.map((f) => f.filter((ri) => s.local.has(ri)).map((ri) => s.local.get(ri)!)))
    : undefined;

  let cv: CvReport | undefined;
  // Ridge/lasso fits whose folds were the validation folds are already the final fits.
  const finalFits = new Map<string, SubModelFit>();
  if (options.cv && folds && typeFolds) {
    cv = crossValidate(dataset, states, folds, typeFolds, options.cv, seed, warnings, finalFits);
  }

  const subModels = states.map((s, t): FittedTypeModel => {
    const n = s.fitter.design.rows.length;
    const blocks =
      typeFolds && options.cv?.kind !== 'holdout' ? typeFolds[t].filter((b) => b.length > 0) : [Array.from({ length: n }, (_, i) => i)];
    const fit = finalFits.get(s.type) ?? s.fitter.fit(blocks);
    if (!finalFits.has(s.type)) warnings.push(...fit.warnings);
    const predicted = Float64Array.from({ length: n }, (_, i) => s.fitter.predict(fit, i));
    const inSample = layerMetrics(s.fitter.design.y, predicted);
    const complexity = complexityOf(fit, spec);
    const typeCv = cv?.perType[s.type];
    const calibrated = cv?.calibratedSigmaLogPerType[s.type];
    const sigma =
      typeCv && typeCv.n - typeCv.nonPositive >= 2 && calibrated !== undefined
        ? { sigmaLog: calibrated, sigmaFrom: `90th percentile of ${cv!.scheme} residuals` }
        : {
            sigmaLog: inSample.sigmaLog * (n > complexity ? Math.sqrt(n / (n - complexity)) : 1),
            sigmaFrom: 'in-sample residuals (degrees-of-freedom corrected)',
          };
    return {
      type: s.type,
      terms: s.fitter.design.terms.map((x) => x.text),
      coefficients: fit.coefficients,
      intercept: fit.intercept,
      link: spec.link,
      lambda: fit.lambda,
      ...(fit.smearing !== undefined ? { smearing: fit.smearing } : {}),
      samples: n,
      complexity,
      inSample,
      cv: typeCv,
      ...sigma,
    };
  });
  return {
    spec,
    label: methodLabel(spec),
    subModels,
    complexity: subModels.reduce((s, m) => s + m.complexity, 0),
    cv,
    warnings: [...new Set(warnings)],
  };
}

/** Fold membership as dataset row indexes; for holdout, fold 0 is the test set and fold 1 the training set. */
export function makeFolds(dataset: Dataset, scheme: CvScheme, seed: number): number[][] {
  const all = dataset.rows.map((_, i) => i);
  switch (scheme.kind) {
    case 'loo':
      return all.map((i) => [i]);
    case 'kfold':
      if (scheme.k > all.length) throw new FitError(`kfold:${scheme.k} needs at least ${scheme.k} rows, the data has ${all.length}`);
      return dealIntoFolds(all, scheme.k, seed).map((f) => f.sort((a, b) => a - b));
    case 'holdout': {
      const order = shuffled(all, seed);
      const nTest = Math.min(all.length - 1, Math.max(1, Math.round(scheme.fraction * all.length)));
      if (all.length < 2) throw new FitError('a held-out split needs at least 2 rows');
      return [order.slice(0, nTest).sort((a, b) => a - b), order.slice(nTest).sort((a, b) => a - b)];
    }
    case 'loo-network': {
      const missing = dataset.rows.filter((r) => r.group === undefined).length;
      if (missing > 0)
        throw new FitError(
          `leave-one-network-out needs a network (group) for every row; ${missing} rows have none (CLI: give --group-column; refit panel: import the CSV again and pick the column that names the network)`,
        );
      const groups = [...new Set(dataset.rows.map((r) => r.group!))].sort();
      if (groups.length < 2) throw new FitError(`leave-one-network-out needs at least 2 networks, the data has ${groups.length}`);
      return groups.map((g) => all.filter((i) => dataset.rows[i].group === g));
    }
  }
}

function crossValidate(
  dataset: Dataset,
  states: TypeState[],
  folds: number[][],
  typeFolds: number[][][],
  scheme: CvScheme,
  seed: number,
  warnings: string[],
  finalFits: Map<string, SubModelFit>,
): CvReport {
  const predictions = new Float64Array(dataset.rows.length).fill(NaN);
  const testFolds = scheme.kind === 'holdout' ? [0] : folds.map((_, f) => f);
  const groupNames = scheme.kind === 'loo-network' ? folds.map((f) => dataset.rows[f[0]].group!) : undefined;
  const where = (f: number) =>
    groupNames
      ? `leaving out network ${groupNames[f]}`
      : scheme.kind === 'holdout'
        ? 'on the training split'
        : `in fold ${f + 1} of ${folds.length}`;
  const fitOrExplain = (s: TypeState, blocks: number[][], f: number | undefined): SubModelFit => {
    try {
      const fit = s.fitter.fit(blocks);
      warnings.push(...fit.warnings);
      return fit;
    } catch (e) {
      if (!(e instanceof FitError) || f === undefined) throw e;
      throw new FitError(`${where(f)}: ${e.message}`);
    }
  };
  states.forEach((s, t) => {
    if (isPenalized(s.fitter.spec.method) && scheme.kind !== 'holdout' && typeFolds[t].filter((b) => b.length > 0).length >= 3) {
      // The folds pick the penalty (as cv.glmnet): each fold is predicted by the fit without it, at the chosen penalty.
      const fit = fitOrExplain(s, typeFolds[t], undefined);
      finalFits.set(s.type, fit);
      typeFolds[t].forEach((test, f) => {
        const held = fit.heldOut?.[f];
        if (held) for (const k of test) predictions[s.fitter.design.rows[k]] = s.fitter.predict(held, k);
      });
      return;
    }
    for (const f of testFolds) {
      const test = typeFolds[t][f];
      if (test.length === 0) continue;
      const train = typeFolds[t].filter((b, g) => g !== f && b.length > 0);
      if (train.length === 0) continue; // type unseen in training: reported as unpredicted
      const fit = fitOrExplain(s, train, f);
      for (const k of test) predictions[s.fitter.design.rows[k]] = s.fitter.predict(fit, k);
    }
  });
  const predictedRows = dataset.rows.map((_, i) => i).filter((i) => !Number.isNaN(predictions[i]));
  const tested = new Set(testFolds.flatMap((f) => folds[f]));
  const measured = predictedRows.map((i) => dataset.rows[i].target);
  const predicted = predictedRows.map((i) => predictions[i]);
  const perType: Record<string, LayerMetrics> = {};
  for (const s of states) {
    const rows = predictedRows.filter((i) => dataset.rows[i].type === s.type);
    if (rows.length > 0)
      perType[s.type] = layerMetrics(
        rows.map((i) => dataset.rows[i].target),
        rows.map((i) => predictions[i]),
      );
  }
  const foldOfRow = new Int32Array(dataset.rows.length).fill(-1);
  testFolds.forEach((f, k) => {
    for (const i of folds[f]) foldOfRow[i] = k;
  });
  // Intervals are calibrated as the search's are: the width is the 90th percentile of held-out
  // |ln(y/ŷ)|, not a Gaussian σ of them (the residuals are heavy-tailed, so an RMS σ under-covers),
  // and each fold is judged by the width calibrated on the other folds.
  let covered = 0,
    judged = 0;
  const coverage90PerType: Record<string, number> = {};
  const calibratedSigmaLogPerType: Record<string, number> = {};
  for (const s of states) {
    const rows = predictedRows.filter((i) => dataset.rows[i].type === s.type);
    const errors = heldOutErrors(
      rows.map((i) => dataset.rows[i].target),
      rows.map((i) => predictions[i]),
      rows.map((i) => foldOfRow[i]),
      testFolds.length,
    );
    if (Number.isFinite(errors.sigmaLog)) calibratedSigmaLogPerType[s.type] = errors.sigmaLog;
    if (Number.isNaN(errors.coverage90)) continue;
    coverage90PerType[s.type] = errors.coverage90;
    covered += errors.coverage90 * errors.judged;
    judged += errors.judged;
  }
  return {
    scheme: describeCv(scheme, seed),
    folds: testFolds.length,
    predicted: predictedRows.length,
    unpredicted: tested.size - predictedRows.length,
    layers: layerMetrics(measured, predicted),
    network: networkMetrics(
      predictedRows.map((i) => dataset.rows[i].group),
      measured,
      predicted,
    ),
    perType,
    coverage90: judged > 0 ? covered / judged : NaN,
    coverage90PerType,
    calibratedSigmaLogPerType,
    predictions,
  };
}
