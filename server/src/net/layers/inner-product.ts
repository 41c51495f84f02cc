// InnerProduct (inner_product_layer.cpp): flattens every axis from `axis` on into K input features.
// MACs = M * K * num_output where M = product of the axes before `axis` (the batch, usually);
// params = K * num_output weights (+ num_output biases). `transpose` only changes the weight layout.
// channelsIn/channelsOut report K and num_output.
import { boolOf, numberOf } from '../fields';
import {
  canonicalAxis,
  count,
  expectBottoms,
  fail,
  formatShape,
  isCount,
  params,
  spanFor,
  type InferContext,
  type InferResult,
  numberText,
} from './context';

const BLOCK = 'inner_product_param';

export function innerProduct(ctx: InferContext): InferResult {
  const bad = expectBottoms(ctx, 1);
  if (bad) return bad;
  const input = ctx.inputs[0];
  const p = params(ctx, BLOCK);
  const numOutput = numberOf(p, 'num_output');
  if (!isCount(numOutput)) {
    return fail(ctx, 'invalid-layer-parameters', 'num_output must be given as a positive integer.', spanFor(ctx, BLOCK, 'num_output'));
  }
  const axis = canonicalAxis(numberOf(p, 'axis') ?? 1, input.length);
  if (axis === undefined) {
    return fail(
      ctx,
      'invalid-layer-parameters',
      `axis ${numberText(numberOf(p, 'axis') ?? 1)} is out of range for a ${formatShape(input)} input.`,
      spanFor(ctx, BLOCK, 'axis'),
    );
  }
  const features = count(input, axis);
  const outer = count(input, 0, axis);
  const biasTerm = boolOf(p, 'bias_term') ?? true;
  const output = [...input.slice(0, axis), numOutput];
  return {
    outputs: ctx.layer.tops.map(() => output),
    features: {
      macs: outer * features * numOutput,
      params: features * numOutput + (biasTerm ? numOutput : 0),
      channelsIn: features,
      channelsOut: numOutput,
    },
  };
}
