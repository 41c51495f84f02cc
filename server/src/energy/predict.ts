// Per-layer and whole-network energy predictions with 90 % intervals.
//
// Layer interval: the sub-model's residuals are spread σ on a log scale (σ of ln(measured/predicted)),
// so the 90 % interval is multiplicative: predicted × exp(±1.645 σ).
// Combining intervals (the assumption, stated once):
// - within a sub-model (a layer type) errors are treated as fully correlated: the dominant error is
//   the platform's energy per MAC (or per element) being off for that type as a whole, which moves all
//   its layers the same way, so a type's bounds are the sums of its layers' bounds;
// - across sub-models errors are treated as independent (each was fitted on its own data), so the
//   net's half-widths above and below are the root sum of squares of the types' half-widths.
// This is wider than assuming independent layers (which would shrink the net's interval as the
// layer count grows, even though the per-MAC calibration error does not average out).
//
// Evaluations are cached by (model content, sub-model, the feature values it reads), so re-predicting
// a net after one layer changed evaluates only that layer.
import { createHash } from 'crypto';
import type { AnalyzedLayer } from '../net/types';
import type { EnergyModel, Platform, Quantity } from './model';
import { QUANTITY_UNIT, subModelKeyFor, subModelsOf } from './model';
import { type SubModelValue, compileSubModel, evaluateSubModel } from './evaluate';
import { formatFormula } from './formula';
import { doesNoWork } from './layer-kinds';

export const INTERVAL_LEVEL = 0.9;
/** Standard normal quantile for a two-sided 90 % interval. */
export const Z_90 = 1.6448536269514722;

export type LayerStatus = 'predicted' | 'not-modelled' | 'missing-features' | 'invalid' | 'no-compute';

export interface LayerPrediction {
  index: number;
  name: string;
  type: string;
  status: LayerStatus;
  predicted_mJ?: number;
  low_mJ?: number;
  high_mJ?: number;
  /** Fraction (0..1) of the net's predicted total. */
  share?: number;
  /** Key of the sub-model used (e.g. Convolution for a ConvolutionDepthwise layer). */
  subModel?: string;
  /** e.g. "E = 1.54 nJ × MACs". */
  formula?: string;
  extrapolated: boolean;
  notModelled: boolean;
  /** Why there is no number (missing features, invalid prediction). */
  message?: string;
}

export interface Interval {
  predicted_mJ: number;
  low_mJ: number;
  high_mJ: number;
}

export interface TypeTotal extends Interval {
  subModel: string;
  /** Layer types predicted by this sub-model in the net. */
  layerTypes: string[];
  layers: number;
  share: number;
  extrapolated: boolean;
}

export interface NetPrediction {
  platform: Platform;
  layers: LayerPrediction[];
  /** Sorted by predicted energy, largest first. */
  byType: TypeTotal[];
  total: Interval;
  /** Layer types with a prediction. */
  coveredTypes: string[];
  /** Layer types present in the net without a sub-model. */
  notModelledTypes: string[];
  /** Names of layers of modelled types that still got no number (unknown shape, invalid prediction). */
  unpredictedLayers: string[];
  /** Fraction (0..1) of the predicted total that comes from extrapolated sub-models (no data of those types). */
  extrapolatedShare: number;
  /** Layer types predicted by extrapolated sub-models. */
  extrapolatedTypes: string[];
  intervalLevel: number;
  intervalAssumption: string;
}

export const INTERVAL_ASSUMPTION =
  'errors fully correlated within a layer type (bounds summed), independent across types (half-widths combined in quadrature)';

type Evaluated = SubModelValue;

/** Memo of sub-model evaluations; `evaluations` counts real (uncached) evaluations. */
export class PredictionCache {
  evaluations = 0;
  hits = 0;
  private readonly entries = new Map<string, Evaluated>();

  constructor(private readonly maxEntries = 50_000) {}

  lookup(key: string, compute: () => Evaluated): Evaluated {
    const hit = this.entries.get(key);
    if (hit) {
      this.hits++;
      return hit;
    }
    this.evaluations++;
    const value = compute();
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, value);
    return value;
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

const defaultCache = new PredictionCache();
const fingerprints = new WeakMap<EnergyModel, string>();

/** Content hash of a model: a replaced model with the same platform id never reuses stale values. */
function fingerprint(model: EnergyModel): string {
  let f = fingerprints.get(model);
  if (!f) {
    f = `${model.platform.id}#${createHash('sha1').update(JSON.stringify(model)).digest('hex').slice(0, 16)}`;
    fingerprints.set(model, f);
  }
  return f;
}

export interface PredictOptions {
  cache?: PredictionCache;
}

/** One layer's value of one quantity (in the quantity's unit), before it is named by field. */
interface LayerValue {
  status: LayerStatus;
  value?: number;
  low?: number;
  high?: number;
  subModel?: string;
  formula?: string;
  extrapolated: boolean;
  notModelled: boolean;
  message?: string;
}

function predictLayerValue(layer: AnalyzedLayer, model: EnergyModel, quantity: Quantity, options: PredictOptions): LayerValue {
  const base = { extrapolated: false, notModelled: false };
  if (doesNoWork(layer)) return { ...base, status: 'no-compute' };
  const key = subModelKeyFor(model, layer.type, quantity);
  if (key === undefined)
    return {
      ...base,
      status: 'not-modelled',
      notModelled: true,
      message:
        quantity === 'energy'
          ? `${layer.type} layers are not modelled on ${model.platform.label}`
          : `${layer.type} layers have no latency model on ${model.platform.label}`,
    };
  const sub = subModelsOf(model, quantity)[key];
  const unit = QUANTITY_UNIT[quantity];
  const cache = options.cache ?? defaultCache;
  const values = compileSubModel(sub).names.map((n) => (layer.features as Record<string, number | undefined>)[n]);
  const result = cache.lookup(`${fingerprint(model)}\u0000${quantity}\u0000${key}\u0000${values.join(',')}`, () =>
    evaluateSubModel(sub, layer.features),
  );
  const described = { ...base, subModel: key, formula: formatFormula(sub, quantity), extrapolated: sub.extrapolated };
  if (!result.ok) {
    if ('missing' in result) {
      return {
        ...described,
        status: 'missing-features',
        message: `cannot predict: ${result.missing.join(', ')} unknown for this layer (shape not inferred)`,
      };
    }
    return { ...described, status: 'invalid', message: `cannot predict: ${result.invalid}` };
  }
  if (!(result.value > 0)) {
    return {
      ...described,
      status: 'invalid',
      message: `the model predicts ${result.value.toPrecision(3)} ${unit} (≤ 0) for this layer: it lies outside the range the model was fitted on`,
    };
  }
  const spread = Math.exp(Z_90 * sub.sigmaLog);
  // Never a non-finite number on screen: a value or interval past double range is no prediction.
  if (!Number.isFinite(result.value) || !Number.isFinite(result.value * spread) || !(result.value / spread > 0)) {
    return {
      ...described,
      status: 'invalid',
      message: `cannot predict: the model's value or 90 % interval for this layer is past the range of numbers (sub-model ${key}, sigmaLog ${sub.sigmaLog})`,
    };
  }
  return { ...described, status: 'predicted', value: result.value, low: result.value / spread, high: result.value * spread };
}

export function predictLayer(layer: AnalyzedLayer, index: number, model: EnergyModel, options: PredictOptions = {}): LayerPrediction {
  const { value, low, high, ...rest } = predictLayerValue(layer, model, 'energy', options);
  return {
    index,
    name: layer.name,
    type: layer.type,
    ...rest,
    ...(value !== undefined ? { predicted_mJ: value, low_mJ: low, high_mJ: high } : {}),
  };
}

export function predictNet(layers: AnalyzedLayer[], model: EnergyModel, options: PredictOptions = {}): NetPrediction {
  return netPrediction(
    layers.map((layer, i) => predictLayer(layer, i, model, options)),
    model,
  );
}

/**
 * The network's prediction from its layers' (`predictLayer` for every layer, in order): totals per
 * sub-model and in all. Apart from predictNet so the server can predict a large net's layers in slices.
 */
export function netPrediction(predictions: LayerPrediction[], model: EnergyModel): NetPrediction {
  return toEnd(netPredictionSteps(predictions, model));
}

/** Layer predictions gone through between two yields of the stepped totals (well under a millisecond). */
const PREDICTIONS_PER_STEP = 4096;
const pause = (i: number): boolean => i % PREDICTIONS_PER_STEP === PREDICTIONS_PER_STEP - 1;

/** Runs a stepped computation to its end (text/steps.ts's runToEnd, which this folder may not import). */
function toEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** What a network total covers: the types it sums, and the types and layers it leaves out (energy and latency alike). */
class Coverage {
  private readonly covered = new Set<string>();
  private readonly notModelled = new Set<string>();
  readonly unpredictedLayers: string[] = [];

  /** Notes a layer's status; true when the layer has a prediction to sum. */
  counts(p: { status: LayerStatus; type: string; name: string }): boolean {
    if (p.status === 'not-modelled') this.notModelled.add(p.type);
    if (p.status === 'missing-features' || p.status === 'invalid') this.unpredictedLayers.push(p.name);
    if (p.status !== 'predicted') return false;
    this.covered.add(p.type);
    return true;
  }

  get coveredTypes(): string[] {
    return sortedUnique([...this.covered]);
  }
  get notModelledTypes(): string[] {
    return sortedUnique([...this.notModelled]);
  }
}

/** netPrediction in steps: it yields every PREDICTIONS_PER_STEP layers, so a large net's totals block nothing. */
export function* netPredictionSteps(predictions: LayerPrediction[], model: EnergyModel): Generator<void, NetPrediction> {
  const groups = new Map<string, TypeTotal>();
  const coverage = new Coverage();
  for (let i = 0; i < predictions.length; i++) {
    if (pause(i)) yield;
    const p = predictions[i];
    if (!coverage.counts(p)) continue;
    const g = groups.get(p.subModel!) ?? {
      subModel: p.subModel!,
      layerTypes: [],
      layers: 0,
      predicted_mJ: 0,
      low_mJ: 0,
      high_mJ: 0,
      share: 0,
      extrapolated: p.extrapolated,
    };
    if (!g.layerTypes.includes(p.type)) g.layerTypes.push(p.type);
    g.layers++;
    g.predicted_mJ += p.predicted_mJ!;
    g.low_mJ += p.low_mJ!;
    g.high_mJ += p.high_mJ!;
    groups.set(p.subModel!, g);
  }
  const byType = [...groups.values()].sort((a, b) => b.predicted_mJ - a.predicted_mJ);
  const total = combineIndependent(byType);
  for (let i = 0; i < predictions.length; i++) {
    if (pause(i)) yield;
    const p = predictions[i];
    if (p.status === 'predicted') p.share = total.predicted_mJ > 0 ? p.predicted_mJ! / total.predicted_mJ : 0;
  }
  for (const g of byType) g.share = total.predicted_mJ > 0 ? g.predicted_mJ / total.predicted_mJ : 0;
  const extrapolated = byType.filter((g) => g.extrapolated);
  return {
    platform: model.platform,
    layers: predictions,
    byType,
    total,
    extrapolatedShare: extrapolated.reduce((sum, g) => sum + g.share, 0),
    extrapolatedTypes: sortedUnique(extrapolated.flatMap((g) => g.layerTypes)),
    coveredTypes: coverage.coveredTypes,
    notModelledTypes: coverage.notModelledTypes,
    unpredictedLayers: coverage.unpredictedLayers,
    intervalLevel: INTERVAL_LEVEL,
    intervalAssumption: INTERVAL_ASSUMPTION,
  };
}

const sortedUnique = (xs: string[]) => [...new Set(xs)].sort();

/** Sum of independent groups: central values add, half-widths add in quadrature (each side apart). */
export function combineIndependent(groups: Interval[]): Interval {
  const [predicted_mJ, low_mJ, high_mJ] = combineTriples(groups.map((g) => [g.predicted_mJ, g.low_mJ, g.high_mJ]));
  return { predicted_mJ, low_mJ, high_mJ };
}

/** The same in any unit, on [central, low, high] triples. */
function combineTriples(groups: Array<[number, number, number]>): [number, number, number] {
  let predicted = 0,
    up = 0,
    down = 0;
  for (const [central, low, high] of groups) {
    predicted += central;
    up += (high - central) ** 2;
    down += (central - low) ** 2;
  }
  return [predicted, Math.max(0, predicted - Math.sqrt(down)), predicted + Math.sqrt(up)];
}

// ---- latency: the same machinery over the model's latency sub-models (ms) ----------------------

export interface LayerLatency {
  index: number;
  name: string;
  type: string;
  status: LayerStatus;
  predicted_ms?: number;
  low_ms?: number;
  high_ms?: number;
  subModel?: string;
  /** e.g. "t = 0.12 ms + 1.9 ns × MACs". */
  formula?: string;
  extrapolated: boolean;
  message?: string;
}

export interface LatencyInterval {
  predicted_ms: number;
  low_ms: number;
  high_ms: number;
}

export interface NetLatency {
  platform: Platform;
  layers: LayerLatency[];
  /** Layers run one after another in a forward pass, so their latencies add (same interval rules as energy). */
  total: LatencyInterval;
  coveredTypes: string[];
  /** Layer types present in the net without a latency sub-model: the total leaves them out. */
  notModelledTypes: string[];
  /** Names of layers of types with a latency sub-model that still got no number. */
  unpredictedLayers: string[];
  /** True when the total leaves layers out (not-modelled types, layers without a number): a lower bound. */
  lowerBound: boolean;
}

/** Per-layer and whole-network latency, or undefined when the model has no latency sub-models. */
export function predictLatency(layers: AnalyzedLayer[], model: EnergyModel, options: PredictOptions = {}): NetLatency | undefined {
  if (!model.latency) return undefined;
  return netLatency(
    layers.map((layer, index) => predictLayerLatency(layer, index, model, options)),
    model,
  );
}

/** One layer's predicted latency (the model must have a `latency` section). */
export function predictLayerLatency(layer: AnalyzedLayer, index: number, model: EnergyModel, options: PredictOptions = {}): LayerLatency {
  const { value, low, high, notModelled: _n, ...rest } = predictLayerValue(layer, model, 'latency', options);
  return {
    index,
    name: layer.name,
    type: layer.type,
    ...rest,
    ...(value !== undefined ? { predicted_ms: value, low_ms: low, high_ms: high } : {}),
  };
}

/** The network's latency from its layers' (`predictLayerLatency` for every layer, in order). */
export function netLatency(predictions: LayerLatency[], model: EnergyModel): NetLatency {
  return toEnd(netLatencySteps(predictions, model));
}

/** netLatency in steps, as netPredictionSteps. */
export function* netLatencySteps(predictions: LayerLatency[], model: EnergyModel): Generator<void, NetLatency> {
  // Errors correlated within a sub-model (bounds summed), independent across them, as for energy.
  const groups = new Map<string, [number, number, number]>();
  const coverage = new Coverage();
  for (let i = 0; i < predictions.length; i++) {
    if (pause(i)) yield;
    const p = predictions[i];
    if (!coverage.counts(p)) continue;
    const g = groups.get(p.subModel!) ?? [0, 0, 0];
    groups.set(p.subModel!, [g[0] + p.predicted_ms!, g[1] + p.low_ms!, g[2] + p.high_ms!]);
  }
  const [predicted_ms, low_ms, high_ms] = combineTriples([...groups.values()]);
  const { notModelledTypes, unpredictedLayers } = coverage;
  return {
    platform: model.platform,
    layers: predictions,
    total: { predicted_ms, low_ms, high_ms },
    coveredTypes: coverage.coveredTypes,
    notModelledTypes,
    unpredictedLayers,
    lowerBound: notModelledTypes.length > 0 || unpredictedLayers.length > 0,
  };
}

/** True when a latency total leaves layers out (a lower bound). */
export function isLatencyLowerBound(latency: NetLatency): boolean {
  return latency.lowerBound;
}

/**
 * Energy and latency summed over the layers that have both predictions, for a mean power E/t (a ratio
 * of two totals that cover different layers would mean nothing); `complete` when those are all layers
 * with either.
 */
export function bothPredicted(prediction: NetPrediction, latency: NetLatency): { mJ: number; ms: number; complete: boolean } | undefined {
  let mJ = 0;
  let ms = 0;
  let complete = true;
  prediction.layers.forEach((p, i) => {
    const t = latency.layers[i];
    const e = p.status === 'predicted';
    const l = t?.status === 'predicted';
    if (e && l) {
      mJ += p.predicted_mJ!;
      ms += t.predicted_ms!;
    } else if (e || l) complete = false;
  });
  return ms > 0 ? { mJ, ms, complete } : undefined;
}
