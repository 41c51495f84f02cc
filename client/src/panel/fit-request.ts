// From the panel's controls to what the engine takes (FitSpec + validation), with the defaults a
// dataset implies: `macs` when there is one, leave-one-network-out when every row names a network.
import type { CvScheme, FitOptions } from '../../../server/src/energy/fit/engine';
import type { FitSpec, Method } from '../../../server/src/energy/fit/spec';
import type { DatasetSummary, PanelControls } from './messages';

export const DEFAULT_KFOLD = 10;
export const DEFAULT_HOLDOUT = 0.2;
export const FIT_SEED = 1;

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
  if (previous && previous.datasetId !== summary.id && controls.datasetId === summary.id) {
    // Switched dataset: its features, validation and platform; the family and method stay.
    return { ...fresh, family: controls.family, method: controls.method, degree: controls.degree };
  }
  const features = controls.features.filter((f) => summary.features.includes(f));
  let validationParam = controls.validationParam;
  if (controls.validation === 'kfold' && !(Number.isInteger(validationParam) && validationParam >= 2))
    validationParam = fresh.validation === 'kfold' ? fresh.validationParam : DEFAULT_KFOLD;
  if (controls.validation === 'holdout' && !(validationParam > 0 && validationParam < 1)) validationParam = DEFAULT_HOLDOUT;
  return {
    ...controls,
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

export function fitSpecFor(controls: PanelControls, method: Method = controls.method): FitSpec {
  const features =
    controls.family === 'layer-type' ? [...new Set([...controls.features, ...splitTerms(controls.extraTerms)])] : controls.features;
  return {
    family: controls.family,
    method,
    features,
    ...(controls.family === 'individual' ? { degree: controls.degree } : {}),
    seed: FIT_SEED,
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
    case 'none':
      return undefined;
  }
}

export function fitOptionsFor(controls: PanelControls): FitOptions {
  const cv = cvSchemeFor(controls);
  return { ...(cv ? { cv } : {}), seed: FIT_SEED };
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
