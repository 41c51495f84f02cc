// A .caffemodel as a network the analysis can work on: its stored net as prototxt text, analysed in the
// phase it was snapshotted in, with the input shape its weights imply when the file does not store one
// (training snapshots read images from a database).
import type { CaffemodelStructure, LayerStructure } from '../caffe/caffemodel/types';
import type { NetAnalysis } from '../net/types';
import { caffeSchema } from '../caffe/schema';
import { caffemodelToPrototxt } from '../caffe/caffemodel/to-prototxt';
import { parse } from '../text/parser';
import { analyzeDocument } from '../net';
import { directiveText } from '../net/directive';

/** Why an input shape was inferred, for the caller to show. */
export interface InferredInput {
  shape: number[];
  reason: string;
}

/**
 * The input shape a .caffemodel's weights imply for its first input, when the file does not say it
 * (training snapshots read images from a database): channels from the first weighted layer, and a
 * square spatial size found by bisection so that the first InnerProduct gets as many input features
 * as its stored weights have. `analyze` analyses the net with a candidate input shape.
 */
export function inferInputFromWeights(
  structure: CaffemodelStructure,
  analyze: (inputShape: number[]) => NetAnalysis,
): InferredInput | undefined {
  const weighted = structure.layers.filter((l) => l.blobs.length > 0 && l.blobs[0].dims.length > 0);
  const first = weighted[0];
  if (!first) return undefined;
  const firstType = v2TypeOf(first);
  const fc = weighted.find((l) => v2TypeOf(l) === 'InnerProduct');
  const fcFeatures = fc ? storedInFeatures(fc) : undefined;
  if (firstType === 'InnerProduct') {
    return fcFeatures ? { shape: [1, fcFeatures], reason: `${first.name}'s weights take ${fcFeatures} input features` } : undefined;
  }
  if (firstType !== 'Convolution' || !fc || !fcFeatures) return undefined;
  const dims = first.blobs[0].dims;
  const group = numberField(first.message, 'convolution_param', 'group') ?? 1;
  const channels = dims[dims.length - 3] * group;
  if (!(channels > 0)) return undefined;
  const featuresAt = (size: number): number => {
    const net = analyze([1, channels, size, size]);
    return net.layers.find((l) => l.name === fc.name && !l.isSplit)?.features.channelsIn ?? 0;
  };
  // in_features grows with the input size, and pooling's rounding makes a run of sizes reach the
  // stored count: bisect for the run's ends, then pick the most likely size in it.
  const low = smallestSize(featuresAt, fcFeatures);
  const high = smallestSize(featuresAt, fcFeatures + 1) - 1;
  if (low > MAX_SIZE || featuresAt(low) !== fcFeatures || high < low) return undefined;
  const size = likelySize(low, high);
  const range = low === high ? '' : ` (any size from ${low} to ${high} fits; ${size} assumed)`;
  return {
    shape: [1, channels, size, size],
    reason: `${first.name}'s weights take ${channels} channel${channels === 1 ? '' : 's'} and ${fc.name}'s take ${fcFeatures} input features${range}`,
  };
}

const MAX_SIZE = 4096;
/** Image sizes networks are usually trained at. */
const USUAL_SIZES = [224, 227, 299, 32, 28, 64, 96, 112, 128, 231, 256, 320, 331, 448, 512];

/** The smallest size in [1, MAX_SIZE] whose features reach `target` (MAX_SIZE + 1 when none). */
function smallestSize(featuresAt: (size: number) => number, target: number): number {
  let low = 1;
  let high = MAX_SIZE + 1;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (featuresAt(mid) >= target) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** A usual training size in [low, high], else the one divisible by the largest power of two. */
function likelySize(low: number, high: number): number {
  const usual = USUAL_SIZES.find((s) => s >= low && s <= high);
  if (usual !== undefined) return usual;
  let best = low;
  for (let s = low; s <= Math.min(high, low + 512); s++) if ((s & -s) > (best & -best)) best = s;
  return best;
}

function v2TypeOf(layer: LayerStructure): string {
  const schema = caffeSchema();
  if (layer.format === 'V2') return layer.type;
  const v0Type = (layer.message.layer as Record<string, unknown> | undefined)?.type;
  if (layer.format === 'V0' && typeof v0Type === 'string') return schema.v0ToV2LayerType(v0Type) ?? v0Type;
  return schema.v1ToV2LayerType(layer.type) ?? layer.type;
}

/** The K of stored fc weights N x K (or K x N when transposed; legacy 1x1xNxK). */
function storedInFeatures(layer: LayerStructure): number | undefined {
  const dims = layer.blobs[0].dims;
  if (dims.length < 2) return undefined;
  const transposed = (layer.message.inner_product_param as Record<string, unknown> | undefined)?.transpose === true;
  return transposed ? dims[dims.length - 2] : dims[dims.length - 1];
}

function numberField(message: Record<string, unknown>, block: string, field: string): number | undefined {
  const inner = (message[block] ?? (message.layer as Record<string, unknown> | undefined)?.[block]) as Record<string, unknown> | undefined;
  const value = inner?.[field];
  return typeof value === 'number' ? value : undefined;
}

/** A .caffemodel as a network the analysis can work on. */
export interface CaffemodelNetwork {
  /** caffemodelToPrototxt's text, plus an input directive when the file lacks the input shape. */
  text: string;
  /** The phase the stored net was built for (Caffe snapshots the TRAIN net): analyse in it. */
  phase: 'TRAIN' | 'TEST';
  /** The input shape added as a directive, and where it came from. */
  input?: InferredInput;
}

/**
 * The prototxt text of a .caffemodel, ready to analyse: when its first input has no stored shape
 * (a Data layer reading a database), `knownInput` (e.g. from the paired prototxt) or the shape the
 * weights imply is added as a `# energy-lens: input` directive right after the header comment.
 */
export function caffemodelNetwork(structure: CaffemodelStructure, fileName: string, knownInput?: InferredInput): CaffemodelNetwork {
  const text = caffemodelToPrototxt(structure, fileName);
  const phase = snapshotPhase(structure);
  const doc = parse(text);
  const net = analyzeDocument(doc, { phase }, text);
  if (net.inputs.length === 0 || net.inputs[0].shape) return { text, phase };
  const input = knownInput ?? inferInputFromWeights(structure, (inputShape) => analyzeDocument(doc, { phase, inputShape }));
  if (!input) return { text, phase };
  const lines = text.split('\n');
  const at = Math.max(
    0,
    lines.findIndex((l) => !l.startsWith('#')),
  );
  const directive = [`# Input shape not stored in the file: ${input.reason}.`, directiveText(input.shape)];
  return { text: [...lines.slice(0, at), ...directive, ...lines.slice(at)].join('\n'), phase, input };
}

/** The phase recorded in the file (V2 layers carry it, or the header's state), else TRAIN. */
export function snapshotPhase(structure: CaffemodelStructure): 'TRAIN' | 'TEST' {
  const state = structure.header.state as { phase?: unknown } | undefined;
  const recorded = [...structure.layers.map((l) => l.message.phase), state?.phase];
  const phase = recorded.find((p) => p === 'TRAIN' || p === 'TEST');
  return phase === 'TEST' ? 'TEST' : 'TRAIN';
}
