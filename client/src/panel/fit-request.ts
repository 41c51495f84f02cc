// From the panel's controls to what the engine takes (FitSpec + validation), with the defaults a
// dataset implies: `macs` when there is one, leave-one-network-out when every row names a network,
// energy unless the dataset has times per call and latency was chosen.
import type { CvScheme, FitOptions } from '../../../server/src/energy/fit/engine';
import type { FitSpec, Method } from '../../../server/src/energy/fit/spec';
import { FitError } from '../../../server/src/energy/fit/dataset';
import { CONTROL_DEFAULTS, type DatasetSummary, type PanelControls } from './messages';

export const DEFAULT_KFOLD = 10;
export const DEFAULT_HOLDOUT = 0.2;
/** The seed of a panel that was never given one (CLI default). */
export const FIT_SEED = CONTROL_DEFAULTS.seed;

export function defaultControls(summary: DatasetSummary | undefined, fallbackPlatformId: string): PanelControls {
  const base: PanelControls = {
    datasetId: summary?.id ?? null,
    family: 'layer-type',
    features: [],
    extraTerms: '',
    method: 'relative',
    degree: 2,
    validation: 'kfold',
    validationParam: DEFAULT_KFOLD,
    platformId: summary?.platformId || fallbackPlatformId,
    curveType: null,
    ...CONTROL_DEFAULTS,
  };
  if (!summary) return base;
  const features = summary.features.includes('macs') ? ['macs'] : summary.features.slice(0, 1);
  const validation = summary.allGrouped && summary.networks >= 2 ? 'loo-network' : summary.rows >= 2 ? 'kfold' : 'none';
  return {
    ...base,
    features,
    validation,
    validationParam: validation === 'kfold' ? Math.min(DEFAULT_KFOLD, summary.rows) : base.validationParam,
  };
}

/**
 * Keeps the user's choices that still make sense for the dataset: features it has, a curve type it
 * has, a sane K or F; a different dataset than before starts from that dataset's defaults.
 */
export function normalizeControls(
  controls: PanelControls,
  summary: DatasetSummary | undefined,
  previous: PanelControls | undefined,
  fallbackPlatformId: string,
): PanelControls {
  if (!summary) return { ...controls, datasetId: null };
  const fresh = defaultControls(summary, fallbackPlatformId);
  // Latency only where rows have a time per call (the panel says why not otherwise).
  const quantity = controls.quantity === 'latency' && summary.latencyRows > 0 ? 'latency' : 'energy';
  if (previous && previous.datasetId !== summary.id && controls.datasetId === summary.id) {
    // Switched dataset: its features, validation and platform; the family and method stay.
    return {
      ...fresh,
      quantity,
      family: controls.family,
      method: controls.method,
      degree: controls.degree,
      seed: controls.seed,
      searchMaxParams: controls.searchMaxParams,
      intercept: controls.intercept,
      weighting: controls.weighting,
    };
  }
  const features = controls.features.filter((f) => summary.features.includes(f));
  let validationParam = controls.validationParam;
  if (controls.validation === 'kfold' && !(Number.isInteger(validationParam) && validationParam >= 2))
    validationParam = fresh.validation === 'kfold' ? fresh.validationParam : DEFAULT_KFOLD;
  if (controls.validation === 'holdout' && !(validationParam > 0 && validationParam < 1)) validationParam = DEFAULT_HOLDOUT;
  return {
    ...controls,
    quantity,
    datasetId: summary.id,
    features: features.length > 0 || controls.extraTerms.trim() !== '' ? features : fresh.features,
    validationParam,
    platformId: controls.platformId.trim() || fresh.platformId,
    curveType: controls.curveType !== null && summary.types.includes(controls.curveType) ? controls.curveType : null,
  };
}

export function splitTerms(text: string): string[] {
  return text
    .split(/[,;\n]/)
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

/**
 * The Type features box (`TYPE=f1,f2; TYPE2=f3`, as the CLI's `--type-features`) as the engine's
 * per-type feature lists; throws a FitError that names the part it cannot read.
 */
export function parseTypeFeatures(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of text
    .split(/[;\n]/)
    .map((x) => x.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.+)$/.exec(part);
    const list = m ? splitTerms(m[2]) : [];
    if (!m || list.length === 0) throw new FitError(`Type features: '${part}' is not TYPE=feature,feature (e.g. Pooling=activationBytes)`);
    out[m[1]] = list;
  }
  return out;
}

export function fitSpecFor(controls: PanelControls, method: Method = controls.method): FitSpec {
  const features =
    controls.family === 'layer-type' ? [...new Set([...controls.features, ...splitTerms(controls.extraTerms)])] : controls.features;
  const typeFeatures = parseTypeFeatures(controls.typeFeatures);
  return {
    family: controls.family,
    method,
    features,
    ...(Object.keys(typeFeatures).length > 0 ? { typeFeatures } : {}),
    ...(controls.family === 'individual' ? { degree: controls.degree } : {}),
    ...(controls.intercept !== 'default' ? { intercept: controls.intercept === 'yes' } : {}),
    ...(controls.weighting !== 'default' ? { weighting: controls.weighting } : {}),
    seed: controls.seed,
  };
}

export function cvSchemeFor(controls: PanelControls): CvScheme | undefined {
  switch (controls.validation) {
    case 'loo-network':
      return { kind: 'loo-network' };
    case 'kfold':
      return { kind: 'kfold', k: controls.validationParam };
    case 'holdout':
      return { kind: 'holdout', fraction: controls.validationParam };
    case 'loo':
      return { kind: 'loo' };
    case 'none':
      return undefined;
  }
}

export function fitOptionsFor(controls: PanelControls): FitOptions {
  const cv = cvSchemeFor(controls);
  return { ...(cv ? { cv } : {}), seed: controls.seed };
}

/** Identifies a fit's result: equal keys give equal reports (used to cache fits). */
export function fitKey(datasetKey: string, controls: PanelControls, method: Method = controls.method): string {
  return JSON.stringify([datasetKey, fitSpecFor(controls, method), fitOptionsFor(controls)]);
}

/** The fit inputs without the method: candidates for the accuracy/complexity chart share it. */
export function candidateKey(datasetKey: string, controls: PanelControls): string {
  const { method: _m, ...spec } = fitSpecFor(controls);
  return JSON.stringify([datasetKey, spec, fitOptionsFor(controls)]);
}
