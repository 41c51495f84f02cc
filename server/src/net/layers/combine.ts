// Layers that join, split or cut blobs: Concat, Eltwise, Slice, Split, Crop, Tile (the shape rules and
// checks of concat_layer.cpp, eltwise_layer.cpp, slice_layer.cpp, crop_layer.cpp, tile_layer.cpp).
import { enumOf, has, numberOf, numberValues } from '../fields';
import {
  canonicalAxis,
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

/** Axis from `axis` or the legacy unsigned `<legacy>` field (concat_dim, slice_dim), which wins when set. */
function legacyAxis(ctx: InferContext, block: string, legacy: string, numAxes: number): number | undefined {
  const p = params(ctx, block);
  if (has(p, legacy)) {
    const dim = numberOf(p, legacy);
    return isCount(dim, 0) && dim < numAxes ? dim : undefined;
  }
  return canonicalAxis(numberOf(p, 'axis') ?? 1, numAxes);
}

export function concat(ctx: InferContext): InferResult {
  const bad = expectBottoms(ctx, 1, Infinity);
  if (bad) return bad;
  const first = ctx.inputs[0];
  const axis = legacyAxis(ctx, 'concat_param', 'concat_dim', first.length);
  if (axis === undefined)
    return fail(
      ctx,
      'invalid-layer-parameters',
      `concat axis is out of range for a ${formatShape(first)} input.`,
      spanFor(ctx, 'concat_param'),
    );
  const top = [...first];
  for (let i = 1; i < ctx.inputs.length; i++) {
    const shape = ctx.inputs[i];
    const mismatch = shape.length !== first.length || shape.some((d, j) => j !== axis && d !== first[j]);
    if (mismatch) {
      return fail(
        ctx,
        'concat-shape-mismatch',
        `bottom '${ctx.layer.bottoms[i].name}' is ${formatShape(shape)} but '${ctx.layer.bottoms[0].name}' is ${formatShape(first)}; all inputs must have the same shape except along axis ${axis}.`,
        ctx.layer.bottoms[i].span,
      );
    }
    top[axis] += shape[axis];
  }
  return { outputs: ctx.layer.tops.map(() => top), features: { ...ZERO } };
}

export function eltwise(ctx: InferContext): InferResult {
  const bad = expectBottoms(ctx, 2, Infinity);
  if (bad) return bad;
  const p = params(ctx, 'eltwise_param');
  const coeffs = numberValues(p, 'coeff');
  if (coeffs.length > 0 && coeffs.length !== ctx.inputs.length) {
    return fail(
      ctx,
      'invalid-layer-parameters',
      `Eltwise takes one coefficient per bottom blob (${ctx.inputs.length}), got ${coeffs.length}.`,
      spanFor(ctx, 'eltwise_param', 'coeff'),
    );
  }
  if (coeffs.length > 0 && (enumOf(p, 'operation', ['PROD', 'SUM', 'MAX']) ?? 'SUM') === 'PROD') {
    return fail(ctx, 'invalid-layer-parameters', 'Eltwise only takes coefficients for summation.', spanFor(ctx, 'eltwise_param', 'coeff'));
  }
  const first = ctx.inputs[0];
  for (let i = 1; i < ctx.inputs.length; i++) {
    if (ctx.inputs[i].join() !== first.join() || ctx.inputs[i].length !== first.length) {
      return fail(
        ctx,
        'eltwise-shape-mismatch',
        `bottom '${ctx.layer.bottoms[i].name}' is ${formatShape(ctx.inputs[i])} but '${ctx.layer.bottoms[0].name}' is ${formatShape(first)}; Eltwise needs identical shapes.`,
        ctx.layer.bottoms[i].span,
      );
    }
  }
  return { outputs: ctx.layer.tops.map(() => first), features: { ...ZERO } };
}

export function slice(ctx: InferContext): InferResult {
  const bad = expectBottoms(ctx, 1);
  if (bad) return bad;
  const input = ctx.inputs[0];
  const axis = legacyAxis(ctx, 'slice_param', 'slice_dim', input.length);
  if (axis === undefined)
    return fail(
      ctx,
      'invalid-layer-parameters',
      `slice axis is out of range for a ${formatShape(input)} input.`,
      spanFor(ctx, 'slice_param'),
    );
  const tops = ctx.layer.tops.length;
  if (tops === 0) return { outputs: [], features: { ...ZERO } };
  const points = numberValues(params(ctx, 'slice_param'), 'slice_point').map((v) => v.value);
  const size = input[axis];
  let sizes: number[];
  if (points.length > 0) {
    if (points.length !== tops - 1) {
      return fail(
        ctx,
        'invalid-layer-parameters',
        `${points.length} slice_point(s) need ${points.length + 1} tops, got ${tops}.`,
        spanFor(ctx, 'slice_param', 'slice_point'),
      );
    }
    sizes = [];
    let previous = 0;
    for (const point of [...points, size]) {
      if (!isCount(point) || !(point > previous)) {
        return fail(
          ctx,
          'invalid-layer-parameters',
          `slice points must increase and stay below the sliced axis size ${size} (got ${points.map(numberText).join(', ')}).`,
          spanFor(ctx, 'slice_param', 'slice_point'),
        );
      }
      sizes.push(point - previous);
      previous = point;
    }
  } else {
    if (size % tops !== 0) {
      return fail(ctx, 'invalid-layer-parameters', `${tops} tops do not evenly divide the sliced axis size ${size}.`);
    }
    sizes = new Array<number>(tops).fill(size / tops);
  }
  return {
    outputs: sizes.map((s) => input.map((d, j) => (j === axis ? s : d))),
    features: { ...ZERO },
  };
}

export function split(ctx: InferContext): InferResult {
  const bad = expectBottoms(ctx, 1);
  if (bad) return bad;
  return { outputs: ctx.layer.tops.map(() => ctx.inputs[0]), features: { ...ZERO } };
}

export function crop(ctx: InferContext): InferResult {
  const bad = expectBottoms(ctx, 2);
  if (bad) return bad;
  const [data, reference] = ctx.inputs;
  if (data.length !== reference.length) {
    return fail(
      ctx,
      'shape-mismatch',
      `both bottoms must have the same number of axes (${formatShape(data)} vs ${formatShape(reference)}).`,
    );
  }
  const p = params(ctx, 'crop_param');
  const start = canonicalAxis(numberOf(p, 'axis') ?? 2, data.length);
  if (start === undefined)
    return fail(
      ctx,
      'invalid-layer-parameters',
      `crop axis is out of range for a ${formatShape(data)} input.`,
      spanFor(ctx, 'crop_param', 'axis'),
    );
  const offsets = numberValues(p, 'offset').map((v) => v.value);
  if (!offsets.every((o) => isCount(o, 0)))
    return fail(ctx, 'invalid-layer-parameters', 'offsets must be non-negative integers.', spanFor(ctx, 'crop_param', 'offset'));
  if (offsets.length > 1 && start + offsets.length !== data.length) {
    return fail(
      ctx,
      'invalid-layer-parameters',
      `give one offset, or one per axis from ${start} on (${data.length - start}), not ${offsets.length}.`,
      spanFor(ctx, 'crop_param', 'offset'),
    );
  }
  const output = data.map((d, i) => {
    if (i < start) return d;
    return reference[i];
  });
  for (let i = start; i < data.length; i++) {
    const offset = offsets.length === 1 ? offsets[0] : offsets.length > 1 ? offsets[i - start] : 0;
    if (data[i] - offset < reference[i]) {
      return fail(
        ctx,
        'shape-mismatch',
        `cannot crop ${reference[i]} elements at offset ${offset} from axis ${i} of size ${data[i]}.`,
        spanFor(ctx, 'crop_param', 'offset'),
      );
    }
  }
  return { outputs: ctx.layer.tops.map(() => output), features: { ...ZERO } };
}

export function tile(ctx: InferContext): InferResult {
  const bad = expectBottoms(ctx, 1);
  if (bad) return bad;
  const input = ctx.inputs[0];
  const p = params(ctx, 'tile_param');
  const axis = canonicalAxis(numberOf(p, 'axis') ?? 1, input.length);
  if (axis === undefined)
    return fail(
      ctx,
      'invalid-layer-parameters',
      `tile axis is out of range for a ${formatShape(input)} input.`,
      spanFor(ctx, 'tile_param', 'axis'),
    );
  const tiles = numberOf(p, 'tiles');
  if (!isCount(tiles))
    return fail(ctx, 'invalid-layer-parameters', 'tiles must be given and positive.', spanFor(ctx, 'tile_param', 'tiles'));
  const output = input.map((d, i) => (i === axis ? d * tiles : d));
  return { outputs: ctx.layer.tops.map(() => output), features: { ...ZERO } };
}
