// Pooling as pooling_layer.cpp computes its output size, including the details that make networks
// differ by one pixel: CEIL rounding by default, the padding correction that drops a last window that
// would start in the padding, round_mode FLOOR, and the fork field `ceil_mode: false` (BVLC PR #3057,
// used by the DenseNet and WRN ports) meaning FLOOR.
import { boolOf, enumOf, has, numberOf } from '../fields';
import { expectBottoms, fail, formatShape, isCount, params, spanFor, type InferContext, type InferResult } from './context';
import { windowFeatures } from './convolution';

const BLOCK = 'pooling_param';
const POOL_METHODS = ['MAX', 'AVE', 'STOCHASTIC'] as const;

export function pooling(ctx: InferContext): InferResult {
  const bad = expectBottoms(ctx, 1);
  if (bad) return bad;
  const input = ctx.inputs[0];
  if (input.length !== 4)
    return fail(ctx, 'invalid-layer-parameters', `Pooling needs a 4-axis (N,C,H,W) input, got ${formatShape(input)}.`);
  const [n, c, h, w] = input;
  const p = params(ctx, BLOCK);
  const invalid = (message: string, field?: string) => fail(ctx, 'invalid-layer-parameters', message, spanFor(ctx, BLOCK, field));

  const global = boolOf(p, 'global_pooling') ?? false;
  const hasKernelHW = has(p, 'kernel_h') && has(p, 'kernel_w');
  let kernelH: number;
  let kernelW: number;
  if (global) {
    if (has(p, 'kernel_size') || has(p, 'kernel_h') || has(p, 'kernel_w')) {
      return invalid('with global_pooling: true the filter size cannot be specified.', 'kernel_size');
    }
    kernelH = h;
    kernelW = w;
  } else if (has(p, 'kernel_size')) {
    if (has(p, 'kernel_h') || has(p, 'kernel_w'))
      return invalid('filter size is kernel_size OR kernel_h and kernel_w; not both.', 'kernel_size');
    kernelH = kernelW = numberOf(p, 'kernel_size') ?? 0;
  } else if (hasKernelHW) {
    kernelH = numberOf(p, 'kernel_h') ?? 0;
    kernelW = numberOf(p, 'kernel_w') ?? 0;
  } else {
    return invalid('kernel_size (or both kernel_h and kernel_w, or global_pooling) must be specified.');
  }
  if (!isCount(kernelH) || !isCount(kernelW)) return invalid('filter dimensions must be positive integers.', 'kernel_size');

  let padH = numberOf(p, 'pad') ?? 0;
  let padW = padH;
  if (has(p, 'pad_h') || has(p, 'pad_w')) {
    if (has(p, 'pad')) return invalid('pad is pad OR pad_h and pad_w; not both.', 'pad');
    padH = numberOf(p, 'pad_h') ?? 0;
    padW = numberOf(p, 'pad_w') ?? 0;
  }
  let strideH = numberOf(p, 'stride') ?? 1;
  let strideW = strideH;
  if (has(p, 'stride_h') || has(p, 'stride_w')) {
    if (has(p, 'stride')) return invalid('stride is stride OR stride_h and stride_w; not both.', 'stride');
    strideH = numberOf(p, 'stride_h') ?? 1;
    strideW = numberOf(p, 'stride_w') ?? 1;
  }
  if (!isCount(strideH) || !isCount(strideW)) return invalid('stride must be a positive integer.', 'stride');
  if (!isCount(padH, 0) || !isCount(padW, 0)) return invalid('pad must be a non-negative integer.', 'pad');
  if (global && (padH !== 0 || padW !== 0 || strideH !== 1 || strideW !== 1)) {
    return invalid('with global_pooling: true only pad = 0 and stride = 1 are allowed.', 'global_pooling');
  }
  const method = enumOf(p, 'pool', POOL_METHODS) ?? 'MAX';
  if (padH !== 0 || padW !== 0) {
    if (method !== 'MAX' && method !== 'AVE') return invalid('padding is implemented only for average and max pooling.', 'pad');
    if (padH >= kernelH || padW >= kernelW) return invalid('pad must be smaller than the kernel.', 'pad');
  }

  const roundMode = enumOf(p, 'round_mode', ['CEIL', 'FLOOR']);
  const ceilMode = boolOf(p, 'ceil_mode');
  const floor = roundMode !== undefined ? roundMode === 'FLOOR' : ceilMode === false;

  const out: number[] = [];
  for (const [size, kernel, pad, stride, axis] of [
    [h, kernelH, padH, strideH, 'height'],
    [w, kernelW, padW, strideW, 'width'],
  ] as const) {
    const room = size + 2 * pad - kernel;
    if (room < 0) {
      return fail(
        ctx,
        'kernel-too-large',
        `kernel ${kernel} is larger than the padded input ${axis} ${size + 2 * pad} (input ${size} + 2 x pad ${pad}).`,
        spanFor(ctx, BLOCK, has(p, 'kernel_size') ? 'kernel_size' : undefined),
      );
    }
    let pooled = (floor ? Math.floor(room / stride) : Math.ceil(room / stride)) + 1;
    // Caffe: with padding, the last window must start strictly inside the image, else it is dropped.
    if ((padH !== 0 || padW !== 0) && (pooled - 1) * stride >= size + pad) pooled--;
    if (!(pooled > 0)) return fail(ctx, 'non-positive-output', `output ${axis} ${pooled} is not positive.`);
    out.push(pooled);
  }
  const output = [n, c, out[0], out[1]];
  return {
    outputs: ctx.layer.tops.map(() => output),
    features: windowFeatures(
      0,
      0,
      { kernel: [kernelH, kernelW], stride: [strideH, strideW], pad: [padH, padW], dilation: [1, 1] },
      c,
      c,
      undefined,
      [h, w],
      out,
    ),
  };
}
