// What to fit: the model family, the regression method and their options, with the defaults each
// method implies (the papers' zero intercept for OLS/NNLS/relative, a free scale for log space).
import { FitError } from './dataset';

export const FAMILIES = ['layer-type', 'individual'] as const;
export type Family = (typeof FAMILIES)[number];

export const METHODS = ['ols', 'ols-intercept', 'nnls', 'relative', 'log', 'ridge', 'lasso'] as const;
export type Method = (typeof METHODS)[number];

export type Weighting = 'none' | 'relative';

export interface FitSpec {
  family: Family;
  method: Method;
  /**
   * layer-type: terms (e.g. `macs`, `inputElements*kernelH*kernelW`), one coefficient each.
   * individual: base feature names; the family expands them into products, powers and logs.
   */
  features: string[];
  /** Features for particular layer types, replacing `features` for them (e.g. Pooling: ['activationBytes'], which has no MACs). */
  typeFeatures?: Record<string, string[]>;
  /** individual family: highest total degree of the products (default 2). */
  degree?: number;
  /** Fit an intercept (fixed energy per layer). Defaults: no for ols/nnls/relative, yes for the others. */
  intercept?: boolean;
  /** `relative` weights rows by 1/y² (minimises relative error); implied by the `relative` method. */
  weighting?: Weighting;
  /** Seed of the inner folds that pick the ridge/lasso penalty. */
  seed?: number;
  /** Inner folds for the penalty when there are no natural blocks (default 5). */
  innerFolds?: number;
}

export interface ResolvedSpec {
  family: Family;
  method: Method;
  features: string[];
  typeFeatures: Record<string, string[]>;
  degree: number;
  intercept: boolean;
  weighting: Weighting;
  /** Log space: ln E is linear in the terms (the terms are logs of features). */
  link: 'identity' | 'log';
  seed: number;
  innerFolds: number;
}

export function resolveSpec(spec: FitSpec): ResolvedSpec {
  if (!FAMILIES.includes(spec.family)) throw new FitError(`unknown family '${spec.family}' (use ${FAMILIES.join(' or ')})`);
  if (!METHODS.includes(spec.method)) throw new FitError(`unknown method '${spec.method}' (use one of ${METHODS.join(', ')})`);
  if (spec.features.length === 0) throw new FitError('no features given');
  for (const [type, list] of Object.entries(spec.typeFeatures ?? {})) {
    if (list.length === 0) throw new FitError(`no features given for ${type}`);
  }
  const degree = spec.degree ?? 2;
  if (!Number.isInteger(degree) || degree < 1 || degree > 6)
    throw new FitError(`degree must be an integer from 1 to 6, got ${spec.degree}`);
  const defaultIntercept = !['ols', 'nnls', 'relative'].includes(spec.method);
  let intercept = spec.intercept ?? defaultIntercept;
  if (spec.method === 'ols-intercept') intercept = true;
  if (spec.method === 'log') {
    if (spec.intercept === false) throw new FitError('the log method always fits an intercept (it is the scale factor of the power law)');
    intercept = true;
  }
  if (spec.method === 'ols' && spec.intercept === true) throw new FitError("use method 'ols-intercept' for OLS with an intercept");
  let weighting: Weighting = spec.weighting ?? 'none';
  if (spec.method === 'relative') weighting = 'relative';
  if (spec.method === 'log' && weighting !== 'none')
    throw new FitError('the log method already measures relative error; it takes no weighting');
  return {
    family: spec.family,
    method: spec.method,
    features: spec.features,
    typeFeatures: spec.typeFeatures ?? {},
    degree,
    intercept,
    weighting,
    link: spec.method === 'log' ? 'log' : 'identity',
    seed: spec.seed ?? 1,
    innerFolds: spec.innerFolds ?? 5,
  };
}

/** The features a layer type is fitted with. */
export function featuresFor(spec: ResolvedSpec, type: string): string[] {
  return spec.typeFeatures[type] ?? spec.features;
}

/** Short label for tables: `lasso`, `lasso (relative)`, `ols-intercept`, `relative + intercept`. */
export function methodLabel(spec: ResolvedSpec): string {
  let label: string = spec.method;
  if (spec.weighting === 'relative' && spec.method !== 'relative') label += ' (relative)';
  const defaultIntercept = !['ols', 'nnls', 'relative'].includes(spec.method);
  if (spec.method !== 'ols-intercept' && spec.method !== 'log' && spec.intercept !== defaultIntercept) {
    label += spec.intercept ? ' + intercept' : ', no intercept';
  }
  return label;
}
