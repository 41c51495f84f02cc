// Convolution, Deconvolution and the depthwise variants, as base_conv_layer.cpp / conv_layer.cpp /
// deconv_layer.cpp compute them. MAC convention (per forward pass at the analysed batch):
//   conv:   batch * Cout * prod(out spatial) * (Cin/group) * prod(kernel)
//   deconv: batch * Cin * prod(in spatial) * (Cout/group) * prod(kernel)
// Params: weights num_output * (Cin/group) * prod(kernel) plus num_output biases when bias_term.
import type { MessageValue } from '../../text/ast';
import type { LayerFeatures, Shape } from '../types';
import { boolOf, has, numberOf, numberValues } from '../fields';
import {
  canonicalAxis,
  count,
  expectBottoms,
  fail,
  formatShape,
  isCount,
  params,
  report,
  spanFor,
  type InferContext,
  type InferResult,
  numberText,
} from './context';

const BLOCK = 'convolution_param';

export interface Geometry {
  kernel: number[];
  stride: number[];
  pad: number[];
  dilation: number[];
}

/**
 * One of kernel/stride/pad per spatial axis (base_conv_layer.cpp): `<x>_h`/`<x>_w` for 2-D, else the
 * repeated field given once or once per axis, else `fallback`. A string is an error message.
 */
function perAxis(
  p: MessageValue,
  spatialAxes: number,
  hName: string,
  wName: string,
  listName: string,
  fallback: number | undefined,
): number[] | string {
  if (has(p, hName) || has(p, wName)) {
    if (spatialAxes !== 2) return `${hName}/${wName} can only be used for 2D convolution.`;
    if (has(p, listName)) return `Either ${listName} or ${hName}/${wName} should be specified; not both.`;
    // An unset partner is the proto default: 0 (valid for pad, an error for kernel and stride).
    return [numberOf(p, hName) ?? 0, numberOf(p, wName) ?? 0];
  }
  const list = numberValues(p, listName);
  if (list.length === 0) {
    if (fallback === undefined) return `${listName} (or ${hName}/${wName}) must be specified.`;
    return new Array<number>(spatialAxes).fill(fallback);
  }
  if (list.length === 1) return new Array<number>(spatialAxes).fill(list[0].value);
  if (list.length !== spatialAxes) {
    return `${listName} must be given once or once per spatial axis (${spatialAxes}); got ${list.length} values.`;
  }
  return list.map((v) => v.value);
}

/** kernel/stride/pad/dilation per spatial axis, or an error message. */
export function convGeometry(p: MessageValue, spatialAxes: number): Geometry | string {
  const kernel = perAxis(p, spatialAxes, 'kernel_h', 'kernel_w', 'kernel_size', undefined);
  if (typeof kernel === 'string') return kernel;
  const stride = perAxis(p, spatialAxes, 'stride_h', 'stride_w', 'stride', 1);
  if (typeof stride === 'string') return stride;
  const pad = perAxis(p, spatialAxes, 'pad_h', 'pad_w', 'pad', 0);
  if (typeof pad === 'string') return pad;
  // dilation has no _h/_w form in Caffe: only the repeated field.
  const dilations = numberValues(p, 'dilation');
  if (dilations.length > 1 && dilations.length !== spatialAxes)
    return `dilation must be given once or once per spatial axis (${spatialAxes}).`;
  const dilation = dilations.length > 1 ? dilations.map((v) => v.value) : new Array<number>(spatialAxes).fill(dilations[0]?.value ?? 1);
  if (!kernel.every((k) => isCount(k))) return 'Filter dimensions must be positive integers.';
  if (!stride.every((s) => isCount(s))) return 'Stride dimensions must be positive integers.';
  if (!pad.every((x) => isCount(x, 0))) return 'Padding must be a non-negative integer.';
  if (!dilation.every((d) => isCount(d))) return 'Dilation must be a positive integer.';
  return { kernel, stride, pad, dilation };
}

/** Conv/pool features: kernel, stride, pad (first and last spatial axis), channels and spatial sizes. */
export function windowFeatures(
  macs: number,
  params: number,
  g: Geometry,
  channelsIn: number,
  channelsOut: number,
  group: number | undefined,
  spatialIn: number[],
  spatialOut: number[],
): LayerFeatures {
  const last = g.kernel.length - 1;
  const f: LayerFeatures = {
    macs,
    params,
    kernelH: g.kernel[0],
    kernelW: g.kernel[last],
    strideH: g.stride[0],
    strideW: g.stride[last],
    padH: g.pad[0],
    padW: g.pad[last],
    channelsIn,
    channelsOut,
    heightIn: spatialIn[0],
    widthIn: spatialIn[spatialIn.length - 1],
    heightOut: spatialOut[0],
    widthOut: spatialOut[spatialOut.length - 1],
  };
  if (group !== undefined) f.group = group;
  return f;
}

export function convolution(ctx: InferContext): InferResult {
  return convolutionLike(ctx, false);
}

export function deconvolution(ctx: InferContext): InferResult {
  return convolutionLike(ctx, true);
}

function convolutionLike(ctx: InferContext, transposed: boolean): InferResult {
  const bad = expectBottoms(ctx, 1, Infinity);
  if (bad) return bad;
  const p = params(ctx, BLOCK);
  const input = ctx.inputs[0];
  const axis = canonicalAxis(numberOf(p, 'axis') ?? 1, input.length);
  if (axis === undefined)
    return fail(
      ctx,
      'invalid-layer-parameters',
      `axis ${numberText(numberOf(p, 'axis'))} is out of range for a ${formatShape(input)} input.`,
      spanFor(ctx, BLOCK, 'axis'),
    );
  const spatialAxes = input.length - axis - 1;
  if (spatialAxes < 1) return fail(ctx, 'invalid-layer-parameters', `input ${formatShape(input)} has no spatial axes after axis ${axis}.`);
  const geometry = convGeometry(p, spatialAxes);
  if (typeof geometry === 'string') return fail(ctx, 'invalid-layer-parameters', geometry, spanFor(ctx, BLOCK));
  const numOutput = numberOf(p, 'num_output');
  if (!isCount(numOutput)) {
    return fail(ctx, 'invalid-layer-parameters', 'num_output must be given as a positive integer.', spanFor(ctx, BLOCK, 'num_output'));
  }
  const channels = input[axis];
  const group = numberOf(p, 'group') ?? 1;
  if (!isCount(group)) return fail(ctx, 'invalid-layer-parameters', 'group must be a positive integer.', spanFor(ctx, BLOCK, 'group'));
  if (channels % group !== 0 || numOutput % group !== 0) {
    const which = channels % group !== 0 ? `the ${channels} input channels` : `num_output ${numOutput}`;
    return fail(ctx, 'group-mismatch', `group ${group} does not divide ${which}.`, spanFor(ctx, BLOCK, 'group'));
  }
  for (const shapes of ctx.inputs.slice(1)) {
    if (shapes.join() !== input.join()) {
      return fail(ctx, 'shape-mismatch', `all bottoms must have the same shape (${formatShape(input)} vs ${formatShape(shapes)}).`);
    }
  }
  const spatialIn = input.slice(axis + 1);
  const spatialOut: number[] = [];
  for (let i = 0; i < spatialAxes; i++) {
    const extent = geometry.dilation[i] * (geometry.kernel[i] - 1) + 1;
    let out: number;
    if (transposed) {
      out = geometry.stride[i] * (spatialIn[i] - 1) + extent - 2 * geometry.pad[i];
    } else {
      const room = spatialIn[i] + 2 * geometry.pad[i] - extent;
      if (room < 0) {
        return fail(
          ctx,
          'kernel-too-large',
          `kernel extent ${extent} is larger than the padded input ${spatialIn[i] + 2 * geometry.pad[i]} (input ${spatialIn[i]} + 2 x pad ${geometry.pad[i]}).`,
          spanFor(ctx, BLOCK, geometry.kernel.length === 2 && has(p, 'kernel_h') ? (i === 0 ? 'kernel_h' : 'kernel_w') : 'kernel_size'),
        );
      }
      out = Math.trunc(room / geometry.stride[i]) + 1;
    }
    if (!(out > 0)) return fail(ctx, 'non-positive-output', `output size ${out} along spatial axis ${i} is not positive.`);
    spatialOut.push(out);
  }
  const output: Shape = [...input.slice(0, axis), numOutput, ...spatialOut];
  const biasTerm = boolOf(p, 'bias_term') ?? true;
  const kernelCount = count(geometry.kernel);
  const weights = numOutput * (channels / group) * kernelCount;
  const outer = count(input, 0, axis);
  // Several bottoms are convolved independently with the same filters (one top each).
  const perBottom = transposed
    ? outer * channels * count(spatialIn) * (numOutput / group) * kernelCount
    : outer * numOutput * count(spatialOut) * (channels / group) * kernelCount;
  const macs = perBottom * ctx.inputs.length;
  return {
    outputs: ctx.layer.tops.map(() => output),
    features: windowFeatures(macs, weights + (biasTerm ? numOutput : 0), geometry, channels, numOutput, group, spatialIn, spatialOut),
  };
}

/**
 * ConvolutionDepthwise (the ShuffleNet/MobileNet fork layer, conv_dw_layer.cpp): one kh x kw filter per
 * input channel; the output keeps the input's channel count whatever num_output says.
 */
export function convolutionDepthwise(ctx: InferContext): InferResult {
  const bad = expectBottoms(ctx, 1);
  if (bad) return bad;
  const input = ctx.inputs[0];
  if (input.length !== 4) return fail(ctx, 'invalid-layer-parameters', `expects a 4-axis (N,C,H,W) input, got ${formatShape(input)}.`);
  const p = params(ctx, BLOCK);
  const geometry = convGeometry(p, 2);
  if (typeof geometry === 'string') return fail(ctx, 'invalid-layer-parameters', geometry, spanFor(ctx, BLOCK));
  const [n, channels, h, w] = input;
  const numOutput = numberOf(p, 'num_output');
  if (numOutput !== undefined && numOutput !== channels) {
    report(
      ctx,
      'warning',
      'invalid-layer-parameters',
      `num_output ${numberText(numOutput)} differs from the ${channels} input channels; ConvolutionDepthwise outputs one channel per input channel.`,
      spanFor(ctx, BLOCK, 'num_output'),
    );
  }
  const spatialOut: number[] = [];
  for (const [i, size] of [h, w].entries()) {
    const extent = geometry.dilation[i] * (geometry.kernel[i] - 1) + 1;
    const room = size + 2 * geometry.pad[i] - extent;
    if (room < 0) {
      return fail(
        ctx,
        'kernel-too-large',
        `kernel extent ${extent} is larger than the padded input ${size + 2 * geometry.pad[i]}.`,
        spanFor(ctx, BLOCK, 'kernel_size'),
      );
    }
    spatialOut.push(Math.trunc(room / geometry.stride[i]) + 1);
  }
  const kernelCount = geometry.kernel[0] * geometry.kernel[1];
  const biasTerm = boolOf(p, 'bias_term') ?? true;
  const output = [n, channels, spatialOut[0], spatialOut[1]];
  const macs = n * channels * spatialOut[0] * spatialOut[1] * kernelCount;
  const weights = channels * kernelCount + (biasTerm ? channels : 0);
  return {
    outputs: ctx.layer.tops.map(() => output),
    features: windowFeatures(macs, weights, geometry, channels, channels, channels, [h, w], spatialOut),
  };
}
