// Layers whose top has the bottom's shape: activations, normalisations, dropout, softmax, channel
// shuffles. Only PReLU, Scale and Bias learn parameters; BatchNorm's three stored blobs (mean, variance,
// moving-average factor) are statistics, not learned weights, so they count as 0 params.
import type { LayerFeatures } from '../types';
import { boolOf, numberOf } from '../fields';
import {
  canonicalAxis,
  count,
  expectBottoms,
  fail,
  formatShape,
  params,
  spanFor,
  type InferContext,
  type InferResult,
  numberText,
} from './context';

/** Element-wise layers with no learnable parameters. */
export const SAME_SHAPE_TYPES = [
  'ReLU',
  'ELU',
  'Sigmoid',
  'TanH',
  'Power',
  'AbsVal',
  'BNLL',
  'Dropout',
  'LRN',
  'Softmax',
  'ShuffleChannel',
  'Swish',
  'Exp',
  'Log',
  'Threshold',
  'Clip',
  'MVN',
  'BatchNorm',
  'ReLU6',
  'Mish',
  'HardSigmoid',
  'HardSwish',
] as const;

export function sameShape(ctx: InferContext): InferResult {
  const bad = expectBottoms(ctx, 1);
  if (bad) return bad;
  const input = ctx.inputs[0];
  return { outputs: ctx.layer.tops.map(() => input), features: channelFeatures(input, 0) };
}

/** MACs 0, the given params, and channels/spatial sizes (unchanged by these layers). */
function channelFeatures(shape: number[], params: number): LayerFeatures {
  // One literal per case keeps a single object shape (these layers are half of most nets).
  if (shape.length === 4) {
    const [, c, h, w] = shape;
    return { macs: 0, params, channelsIn: c, channelsOut: c, heightIn: h, widthIn: w, heightOut: h, widthOut: w };
  }
  if (shape.length >= 2) return { macs: 0, params, channelsIn: shape[1], channelsOut: shape[1] };
  return { macs: 0, params };
}

export function prelu(ctx: InferContext): InferResult {
  const bad = expectBottoms(ctx, 1);
  if (bad) return bad;
  const input = ctx.inputs[0];
  if (input.length < 2) return fail(ctx, 'invalid-layer-parameters', `PReLU needs at least 2 axes, got ${formatShape(input)}.`);
  const shared = boolOf(params(ctx, 'prelu_param'), 'channel_shared') ?? false;
  return {
    outputs: ctx.layer.tops.map(() => input),
    features: channelFeatures(input, shared ? 1 : input[1]),
  };
}

/** Shape of a learned Scale/Bias blob: bottom axes [axis, axis + num_axes), num_axes -1 = to the end. */
function learnedShape(ctx: InferContext, block: string): number[] | string {
  const p = params(ctx, block);
  const input = ctx.inputs[0];
  const axis = canonicalAxis(numberOf(p, 'axis') ?? 1, input.length);
  if (axis === undefined) return `axis ${numberText(numberOf(p, 'axis') ?? 1)} is out of range for a ${formatShape(input)} input.`;
  const numAxes = numberOf(p, 'num_axes') ?? 1;
  if (!Number.isInteger(numAxes) || numAxes < -1) return 'num_axes must be non-negative, or -1 to extend to the end of the bottom.';
  if (numAxes >= 0 && input.length < axis + numAxes)
    return `scale blob's axes [${axis}, ${axis + numAxes}) exceed the ${input.length}-axis bottom.`;
  return input.slice(axis, numAxes === -1 ? input.length : axis + numAxes);
}

export function scale(ctx: InferContext): InferResult {
  const bad = expectBottoms(ctx, 1, 2);
  if (bad) return bad;
  const p = params(ctx, 'scale_param');
  const biasTerm = boolOf(p, 'bias_term') ?? false;
  let learned: number;
  if (ctx.inputs.length === 2) {
    // The scale comes from bottom[1]; only the optional bias (shaped like it) is learned.
    learned = biasTerm ? count(ctx.inputs[1]) : 0;
  } else {
    const shape = learnedShape(ctx, 'scale_param');
    if (typeof shape === 'string') return fail(ctx, 'invalid-layer-parameters', shape, spanFor(ctx, 'scale_param'));
    learned = count(shape) * (biasTerm ? 2 : 1);
  }
  const input = ctx.inputs[0];
  return { outputs: ctx.layer.tops.map(() => input), features: channelFeatures(input, learned) };
}

export function bias(ctx: InferContext): InferResult {
  const bad = expectBottoms(ctx, 1, 2);
  if (bad) return bad;
  let learned = 0;
  if (ctx.inputs.length === 1) {
    const shape = learnedShape(ctx, 'bias_param');
    if (typeof shape === 'string') return fail(ctx, 'invalid-layer-parameters', shape, spanFor(ctx, 'bias_param'));
    learned = count(shape);
  }
  const input = ctx.inputs[0];
  return { outputs: ctx.layer.tops.map(() => input), features: channelFeatures(input, learned) };
}
