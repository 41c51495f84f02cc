// Caffe's size limits, applied to what every shape rule returns: Blob::Reshape aborts when a blob
// would hold more than INT_MAX elements ("blob size exceeds INT_MAX"), and dimensions are whole numbers.
// A shape past the limits is an error on the layer and its tops stay unknown, so no ∞ or NaN reaches
// shapes, MACs or predictions.
import type { LayerFeatures, Shape } from '../types';
import type { InferContext, InferResult, ShapeRule } from './context';
import { fail, formatShape, numberText, report } from './context';

/** INT_MAX: the most elements a Caffe blob may hold (and the largest dimension). */
export const MAX_BLOB_COUNT = 2 ** 31 - 1;

/** Why `shape` is impossible in Caffe, or undefined when it is fine. */
export function blobShapeProblem(shape: Shape): string | undefined {
  let count = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) return `dimension ${numberText(d)} is not a non-negative whole number`;
    if (d > MAX_BLOB_COUNT) return `dimension ${d} exceeds INT_MAX (${MAX_BLOB_COUNT})`;
    count *= d;
  }
  if (count > MAX_BLOB_COUNT)
    return `${formatShape(shape)} = ${count.toPrecision(3)} elements exceeds Caffe's limit of INT_MAX (${MAX_BLOB_COUNT}) elements per blob`;
  return undefined;
}

/** `rule`, with its outputs checked against the limits and non-finite features left out. */
export function withCaffeLimits(rule: ShapeRule): ShapeRule {
  return (ctx: InferContext): InferResult => {
    const result = rule(ctx);
    for (let j = 0; j < result.outputs.length; j++) {
      const shape = result.outputs[j];
      const problem = shape && blobShapeProblem(shape);
      if (problem) return fail(ctx, 'blob-too-large', `top '${ctx.layer.tops[j]?.name ?? j}': ${problem}.`);
    }
    if (result.features) dropNonFinite(ctx, result.features);
    return result;
  };
}

function dropNonFinite(ctx: InferContext, features: LayerFeatures): void {
  const record = features as Record<string, number | undefined>;
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined || Number.isFinite(value)) continue;
    delete record[key];
    report(ctx, 'error', 'blob-too-large', `${key} is not a finite number; the layer's sizes are past what Caffe can hold.`);
  }
}
