// Layers that rearrange axes without touching values: Flatten, Reshape, Reduction, ArgMax
// (flatten_layer.cpp, reshape_layer.cpp, reduction_layer.cpp, argmax_layer.cpp).
import { boolOf, has, numberOf, numberValues, subMessage } from '../fields';
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

const ZERO = { macs: 0, params: 0 };

export function flatten(ctx: InferContext): InferResult {
  const bad = expectBottoms(ctx, 1);
  if (bad) return bad;
  const input = ctx.inputs[0];
  const p = params(ctx, 'flatten_param');
  const start = canonicalAxis(numberOf(p, 'axis') ?? 1, input.length);
  const end = canonicalAxis(numberOf(p, 'end_axis') ?? -1, input.length);
  if (start === undefined || end === undefined || end < start - 1) {
    return fail(
      ctx,
      'invalid-layer-parameters',
      `axis/end_axis are out of range for a ${formatShape(input)} input.`,
      spanFor(ctx, 'flatten_param'),
    );
  }
  const output = [...input.slice(0, start), count(input, start, end + 1), ...input.slice(end + 1)];
  return { outputs: ctx.layer.tops.map(() => output), features: { ...ZERO } };
}

export function reshape(ctx: InferContext): InferResult {
  const bad = expectBottoms(ctx, 1);
  if (bad) return bad;
  const input = ctx.inputs[0];
  const p = params(ctx, 'reshape_param');
  const shapeMessage = subMessage(p, 'shape');
  const dims = shapeMessage ? numberValues(shapeMessage, 'dim').map((v) => v.value) : [];
  const invalid = (message: string, field?: string) => fail(ctx, 'invalid-layer-parameters', message, spanFor(ctx, 'reshape_param', field));

  const copyAxes: number[] = [];
  let inferredAxis = -1;
  let constantCount = 1;
  for (const [i, d] of dims.entries()) {
    if (d === 0) copyAxes.push(i);
    else if (d === -1) {
      if (inferredAxis !== -1) return invalid('only one dimension may be -1.', 'shape');
      inferredAxis = i;
    } else if (isCount(d)) constantCount *= d;
    else return invalid(`dimension ${d} is invalid (use a positive size, 0 to copy or -1 to infer).`, 'shape');
  }
  const inputStart = numberOf(p, 'axis') ?? 0;
  if (!Number.isInteger(inputStart)) return invalid('axis must be an integer.', 'axis');
  const start = inputStart >= 0 ? inputStart : input.length + inputStart + 1;
  if (start < 0 || start > input.length)
    return invalid(`axis ${numberText(inputStart)} is out of range for a ${formatShape(input)} input.`, 'axis');
  const numAxes = numberOf(p, 'num_axes') ?? -1;
  if (!isCount(numAxes, -1)) return invalid('num_axes must be >= 0, or -1 for all.', 'num_axes');
  const end = numAxes === -1 ? input.length : start + numAxes;
  if (end > input.length) return invalid(`axis + num_axes (${end}) exceeds the ${input.length} input axes.`, 'num_axes');

  const output = [...input.slice(0, start), ...dims, ...input.slice(end)];
  for (const axis of copyAxes) {
    if (start + axis >= input.length) return invalid(`dimension ${axis} is 0 (copy) but the input has no axis ${start + axis}.`, 'shape');
    output[start + axis] = input[start + axis];
  }
  if (inferredAxis >= 0) {
    let explicit = constantCount * count(input, 0, start) * count(input, end);
    for (const axis of copyAxes) explicit *= output[start + axis];
    if (explicit === 0 || count(input) % explicit !== 0) {
      return fail(
        ctx,
        'shape-mismatch',
        `cannot infer the -1 dimension: ${count(input)} elements are not divisible by ${explicit}.`,
        spanFor(ctx, 'reshape_param', 'shape'),
      );
    }
    output[start + inferredAxis] = count(input) / explicit;
  }
  if (count(output) !== count(input)) {
    return fail(
      ctx,
      'shape-mismatch',
      `new shape ${formatShape(output)} has ${count(output)} elements but the input ${formatShape(input)} has ${count(input)}.`,
      spanFor(ctx, 'reshape_param', 'shape'),
    );
  }
  return { outputs: ctx.layer.tops.map(() => output), features: { ...ZERO } };
}

export function reduction(ctx: InferContext): InferResult {
  const bad = expectBottoms(ctx, 1);
  if (bad) return bad;
  const input = ctx.inputs[0];
  const axis = canonicalAxis(numberOf(params(ctx, 'reduction_param'), 'axis') ?? 0, input.length);
  if (axis === undefined)
    return fail(
      ctx,
      'invalid-layer-parameters',
      `axis is out of range for a ${formatShape(input)} input.`,
      spanFor(ctx, 'reduction_param', 'axis'),
    );
  const output = input.slice(0, axis);
  return { outputs: ctx.layer.tops.map(() => output), features: { ...ZERO } };
}

export function argMax(ctx: InferContext): InferResult {
  const bad = expectBottoms(ctx, 1);
  if (bad) return bad;
  const input = ctx.inputs[0];
  const p = params(ctx, 'argmax_param');
  const topK = numberOf(p, 'top_k') ?? 1;
  const outMaxVal = boolOf(p, 'out_max_val') ?? false;
  if (!isCount(topK)) return fail(ctx, 'invalid-layer-parameters', 'top_k must be at least 1.', spanFor(ctx, 'argmax_param', 'top_k'));
  let output: number[];
  if (has(p, 'axis')) {
    const axis = canonicalAxis(numberOf(p, 'axis') ?? 0, input.length);
    if (axis === undefined)
      return fail(
        ctx,
        'invalid-layer-parameters',
        `axis is out of range for a ${formatShape(input)} input.`,
        spanFor(ctx, 'argmax_param', 'axis'),
      );
    if (input[axis] < topK)
      return fail(
        ctx,
        'invalid-layer-parameters',
        `top_k ${topK} exceeds axis size ${input[axis]}.`,
        spanFor(ctx, 'argmax_param', 'top_k'),
      );
    output = input.map((d, i) => (i === axis ? topK : d));
  } else {
    if (count(input, 1) < topK)
      return fail(
        ctx,
        'invalid-layer-parameters',
        `top_k ${topK} exceeds the ${count(input, 1)} values per item.`,
        spanFor(ctx, 'argmax_param', 'top_k'),
      );
    output = new Array<number>(Math.max(input.length, 3)).fill(1);
    output[0] = input[0];
    output[2] = topK;
    if (outMaxVal) output[1] = 2;
  }
  return { outputs: ctx.layer.tops.map(() => output), features: { ...ZERO } };
}
