// The energy model file format (versioned JSON, described by model.schema.json). One file = one
// platform (board + framework/backend + device + threads) with one sub-model per layer type.
// Energies are in millijoules per forward pass of one layer; features are LayerFeatures values.
import type { LayerFeatures } from '../net/types';
import type { TrainingDomain } from './domain';

/**
 * The newest format version. Version 2 adds the smooth-max (roofline) form, tiled terms
 * (`tile16(channelsOut)`) and the bias-correction note; version 3 adds latency sub-models (`latency`).
 * Every older file is a valid newer model. Files are written at the lowest version that can express
 * them (see `formatVersionFor`).
 */
export const MODEL_FORMAT_VERSION = 3;
export type FormatVersion = 1 | 2 | 3;

export type Calibration = 'fitted' | 'coarse';

export interface Platform {
  /** Stable id, e.g. `jetson-tx1/caffe-openblas/cpu/1t` (board/framework-backend/device[/threads]). */
  id: string;
  /** For people, e.g. "Jetson TX1 CPU (Caffe + OpenBLAS, 1 thread)". */
  label: string;
  board: string;
  framework: string;
  backend?: string;
  device: string;
  /** Absent when the data did not record it. */
  threads?: number;
  /** Which power rail the energies were measured on (they differ by an order of magnitude). */
  powerRail?: string;
  /** `fitted`: regression on per-layer data; `coarse`: derived from a published whole-net figure. */
  calibration: Calibration;
}

/** A data file a sub-model was fitted on: named, not included (some data has no licence to ship). */
export interface DataSource {
  /** Path relative to the project's shared data folder, e.g. `shared/data/tx2_gpu_conv_sweep.csv`. */
  file: string;
  /** SHA-256 of the file's bytes, so a refit can tell whether it used the same data. */
  sha256?: string;
  /** Rows of this file that the fit used. */
  rows: number;
  description?: string;
}

export interface SubModelProvenance {
  /** `layer-type` / `individual` (fitting families), `published-figure`, or `copied` (extrapolation). */
  family: 'layer-type' | 'individual' | 'published-figure' | 'copied' | 'search';
  /** Fitting method (ols, ols-intercept, nnls, relative, log, ridge, lasso) or how a figure was turned into a coefficient. */
  method: string;
  data?: DataSource[];
  /** Citation of a published figure. */
  source?: string;
  /** Where sigmaLog came from (e.g. "leave-one-out residuals"). */
  spreadFrom: string;
  /** Why this method / feature was chosen. */
  why?: string;
}

export interface FitMetrics {
  /** How the errors were measured: `leave-one-out`, `kfold:10 (seed 1)`, `in-sample`, ... */
  validation: string;
  /** Per-layer mean absolute percentage error, in %. */
  mape: number;
  /** Per-layer root mean square percentage error, in %. */
  rmspe: number;
  /** Non-zero coefficients (+1 for an intercept); for a searched model, every fitted parameter. */
  complexity: number;
  /** Median per-layer absolute percentage error, in %. */
  medianApe?: number;
  /** 90th percentile of the per-layer absolute percentage error, in %. */
  p90Ape?: number;
  /** Fraction (0..1) of held-out layers inside the 90 % interval, each judged by a width calibrated without its fold. */
  coverage90?: number;
}

export interface SubModel {
  /** Other layer types predicted with this sub-model (e.g. ConvolutionDepthwise for Convolution). */
  appliesTo?: string[];
  /** Terms (see terms.ts), one per coefficient. */
  features: string[];
  coefficients: number[];
  /** In mJ (identity link) or in ln(mJ) (log link). The papers' models have none (0). */
  intercept: number;
  /** `identity`: E = intercept + Σ c·term. `log`: ln E = intercept + Σ c·term. Default identity. */
  link?: 'identity' | 'log';
  /**
   * Version 2. `linear` (default): as `link` says. `smooth-max` (roofline): E = intercept +
   * (Σ (c·term)^exponent)^(1/exponent), a smooth maximum of compute and memory costs (each c·term in mJ)
   * plus a per-call overhead; identity link only.
   */
  form?: 'linear' | 'smooth-max';
  /** Version 2, smooth-max only: the exponent p (1 = the costs add; large = the largest one wins). */
  exponent?: number;
  /** Version 2: how a log-space fit was turned back into mJ without bias (already folded into the intercept). */
  biasCorrection?: { method: 'smearing'; factor: number };
  /** Spread of ln(measured / predicted): the 90 % interval is predicted × exp(±1.645 σ). */
  sigmaLog: number;
  /** Data rows the coefficients were fitted on (0 for a published figure). */
  samples: number;
  /** True when no data of this layer type was used (e.g. FC predicted with conv's energy per MAC). */
  extrapolated: boolean;
  note?: string;
  provenance: SubModelProvenance;
  metrics?: FitMetrics;
  /** The feature ranges and hyper-parameter values of the training rows (absent: unknown, e.g. a published figure). */
  domain?: TrainingDomain;
}

export interface EnergyModel {
  formatVersion: FormatVersion;
  platform: Platform;
  energyUnit: 'mJ';
  /** Keyed by canonical Caffe V2 layer type (Convolution, InnerProduct, Pooling, ...). */
  subModels: Record<string, SubModel>;
  /**
   * Version 3: the time of one forward pass of a layer, in ms, with the same sub-model shape (terms,
   * links, forms, spreads, provenance) keyed by layer type. Independent of `subModels`: a platform may
   * have latency data for fewer (or other) types than energy data.
   */
  latency?: LatencySection;
  provenance: {
    /** What wrote the file (e.g. `scripts/fit-builtin-models.ts`, `energy-lens fit`). */
    generator: string;
    notes?: string[];
  };
}

export interface LatencySection {
  unit: 'ms';
  subModels: Record<string, SubModel>;
}

/** What a sub-model predicts: energy (mJ, `subModels`) or latency (ms, `latency.subModels`). */
export type Quantity = 'energy' | 'latency';

export const QUANTITY_UNIT: Record<Quantity, 'mJ' | 'ms'> = { energy: 'mJ', latency: 'ms' };

/** The sub-models of one quantity (none for latency in a model without a latency section). */
export function subModelsOf(model: EnergyModel, quantity: Quantity): Record<string, SubModel> {
  return quantity === 'energy' ? model.subModels : (model.latency?.subModels ?? {});
}

// Every LayerFeatures key, checked by the compiler to stay complete: model files may only name these.
const FEATURE_KEYS: Record<keyof LayerFeatures, true> = {
  macs: true,
  params: true,
  inputElements: true,
  outputElements: true,
  weightBytes: true,
  activationBytes: true,
  kernelH: true,
  kernelW: true,
  strideH: true,
  strideW: true,
  padH: true,
  padW: true,
  channelsIn: true,
  channelsOut: true,
  group: true,
  heightIn: true,
  widthIn: true,
  heightOut: true,
  widthOut: true,
};
export const LAYER_FEATURE_NAMES = Object.keys(FEATURE_KEYS) as Array<keyof LayerFeatures>;

export function isLayerFeatureName(name: string): name is keyof LayerFeatures {
  return Object.prototype.hasOwnProperty.call(FEATURE_KEYS, name);
}

/** The sub-model key that predicts a layer type (its own or the one listing it in appliesTo). */
export function subModelKeyFor(model: EnergyModel, layerType: string, quantity: Quantity = 'energy'): string | undefined {
  const subModels = subModelsOf(model, quantity);
  if (Object.prototype.hasOwnProperty.call(subModels, layerType)) return layerType;
  for (const [key, sub] of Object.entries(subModels)) {
    if (sub.appliesTo?.includes(layerType)) return key;
  }
  return undefined;
}
