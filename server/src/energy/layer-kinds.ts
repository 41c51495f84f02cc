// Which layers cost energy at inference, and which of them are bound by memory traffic rather than
// arithmetic: the prediction counts every layer that does work, and a platform without data for a
// memory-bound type predicts it from bytes moved (one sub-model, `MEMORY_TRAFFIC_SUBMODEL`).
import type { AnalyzedLayer } from '../net/types';

/**
 * Layer types that do no work at inference: Input and Caffe's inserted Split hand over a pointer,
 * Silence discards, and Flatten / Reshape share their bottom's data (Blob::ShareData), moving no byte.
 */
export const NO_COMPUTE_TYPES: ReadonlySet<string> = new Set(['Input', 'Split', 'Silence', 'Flatten', 'Reshape']);

/**
 * Layer types whose cost is reading their inputs and writing their outputs (a few operations per
 * element, no MACs worth counting): activations, normalisations, per-channel arithmetic and copies.
 */
export const MEMORY_BOUND_TYPES: readonly string[] = [
  'ReLU',
  'ReLU6',
  'PReLU',
  'ELU',
  'Sigmoid',
  'TanH',
  'Swish',
  'Mish',
  'HardSigmoid',
  'HardSwish',
  'AbsVal',
  'BNLL',
  'Power',
  'Exp',
  'Log',
  'Threshold',
  'Clip',
  'LRN',
  'MVN',
  'Softmax',
  'BatchNorm',
  'Scale',
  'Bias',
  'Eltwise',
  'Concat',
  'Slice',
  'Crop',
  'Tile',
  'ShuffleChannel',
  'Dropout',
  'Reduction',
  'ArgMax',
];

/** The key of the built-in sub-model that predicts every memory-bound type from activation bytes. */
export const MEMORY_TRAFFIC_SUBMODEL = 'MemoryTraffic';

/**
 * True when the layer costs nothing at inference. Beyond the types above: an in-place Dropout is a
 * no-op at test time (Caffe's caffe_copy skips a copy onto itself), while an out-of-place one copies.
 */
export function doesNoWork(layer: Pick<AnalyzedLayer, 'type' | 'isSplit' | 'bottoms' | 'tops'>): boolean {
  if (layer.isSplit || NO_COMPUTE_TYPES.has(layer.type)) return true;
  return layer.type === 'Dropout' && layer.tops.length === 1 && layer.bottoms[0] === layer.tops[0];
}
