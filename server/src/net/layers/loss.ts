// Training-time heads: loss layers (scalar top, loss_layer.cpp), Accuracy and Silence.
import { numberOf } from '../fields';
import { canonicalAxis, expectBottoms, fail, formatShape, params, spanFor, type InferContext, type InferResult } from './context';

const ZERO = { macs: 0, params: 0 };

export function loss(ctx: InferContext): InferResult {
  const bad = expectBottoms(ctx, 1, 3);
  if (bad) return bad;
  const [data, label] = ctx.inputs;
  if (label && label.length > 0 && data.length > 0 && label[0] !== data[0]) {
    return fail(
      ctx,
      'shape-mismatch',
      `data (${formatShape(data)}) and label (${formatShape(label)}) must have the same first dimension.`,
      ctx.layer.bottoms[1].span,
    );
  }
  // SoftmaxWithLoss may expose the softmax probabilities as a second top.
  return { outputs: ctx.layer.tops.map((_, i) => (i === 0 ? [] : data)), features: { ...ZERO } };
}

export function accuracy(ctx: InferContext): InferResult {
  const bad = expectBottoms(ctx, 2);
  if (bad) return bad;
  const data = ctx.inputs[0];
  const axis = canonicalAxis(numberOf(params(ctx, 'accuracy_param'), 'axis') ?? 1, data.length);
  if (axis === undefined)
    return fail(
      ctx,
      'invalid-layer-parameters',
      `axis is out of range for a ${formatShape(data)} input.`,
      spanFor(ctx, 'accuracy_param', 'axis'),
    );
  // Optional second top: per-class accuracy, one value per class.
  return { outputs: ctx.layer.tops.map((_, i) => (i === 0 ? [] : [data[axis]])), features: { ...ZERO } };
}

export function silence(ctx: InferContext): InferResult {
  return { outputs: ctx.layer.tops.map(() => undefined), features: { ...ZERO } };
}
