// Output shapes of the Caffe2 operators the translator emits, as Caffe2's CPU operators compute
// them (conv_pool_op_base.h for Conv/ConvTranspose/pools, including legacy_pad=CAFFE_LEGACY_POOLING
// which keeps Caffe's CEIL pooling; fully_connected_op.h; concat_split_op.h). The emulated benchmark
// sizes its work with these, and a test checks them against the project's Caffe shape inference.
import { NetDef, OperatorDef, argInt, argInts } from './netdef';

export type Shape = number[];

/** caffe2_legacy.proto LegacyPadding. */
export const CAFFE_LEGACY_POOLING = 3;

export class Caffe2ShapeError extends Error {}

const SAME_AS_INPUT = new Set([
  'Relu',
  'LeakyRelu',
  'PRelu',
  'Sigmoid',
  'Tanh',
  'Softmax',
  'SpatialBN',
  'Sum',
  'Add',
  'Mul',
  'Dropout',
  'LRN',
  'Copy',
]);

function perAxis(op: OperatorDef, name: string, fallback: number | undefined): [number, number] | undefined {
  const list = argInts(op, `${name}s`);
  if (list?.length === 2) return [list[0], list[1]];
  const h = argInt(op, `${name}_h`);
  const w = argInt(op, `${name}_w`);
  if (h !== undefined || w !== undefined) return [h ?? fallback ?? 0, w ?? fallback ?? 0];
  const one = argInt(op, name);
  if (one !== undefined) return [one, one];
  return fallback === undefined ? undefined : [fallback, fallback];
}

/** Pads as [top, left, bottom, right] from pad, pad_t/l/b/r or pads. */
function pads(op: OperatorDef): [number, number, number, number] {
  const list = argInts(op, 'pads');
  if (list?.length === 4) return [list[0], list[1], list[2], list[3]];
  const p = argInt(op, 'pad') ?? 0;
  return [argInt(op, 'pad_t') ?? p, argInt(op, 'pad_l') ?? p, argInt(op, 'pad_b') ?? p, argInt(op, 'pad_r') ?? p];
}

function windowSize(op: OperatorDef, inSize: number, k: number, s: number, d: number, head: number, tail: number): number {
  if (argInt(op, 'legacy_pad') === CAFFE_LEGACY_POOLING) {
    let out = Math.ceil((inSize + head * 2 - k) / s + 1);
    if (head > 0 && (out - 1) * s >= inSize + head) out--;
    return out;
  }
  const dk = d * (k - 1) + 1;
  return Math.floor((inSize + head + tail - dk) / s) + 1;
}

function need(shape: Shape | undefined, op: OperatorDef, which: string): Shape {
  if (!shape) throw new Caffe2ShapeError(`${op.type} ${op.name ?? op.output[0]}: the shape of ${which} is unknown`);
  return shape;
}

/** Output shapes of one operator from its input shapes (weights included). */
export function operatorOutputShapes(op: OperatorDef, inputs: Array<Shape | undefined>): Shape[] {
  const x = need(inputs[0], op, `input ${op.input[0]}`);
  switch (op.type) {
    case 'Conv':
    case 'MaxPool':
    case 'AveragePool': {
      if (x.length !== 4) throw new Caffe2ShapeError(`${op.type} ${op.name}: expects an NCHW input, got ${JSON.stringify(x)}`);
      const [n, c, h, w] = x;
      const isConv = op.type === 'Conv';
      const weights = isConv ? need(inputs[1], op, `weights ${op.input[1]}`) : undefined;
      const channels = weights ? weights[0] : c;
      if (!isConv && argInt(op, 'global_pooling') === 1) return [[n, c, 1, 1]];
      const kernel = weights ? [weights[2], weights[3]] : perAxis(op, 'kernel', undefined);
      if (!kernel) throw new Caffe2ShapeError(`${op.type} ${op.name}: no kernel`);
      const stride = perAxis(op, 'stride', 1)!;
      const dilation = perAxis(op, 'dilation', 1)!;
      const [t, l, b, r] = pads(op);
      return [
        [
          n,
          channels,
          windowSize(op, h, kernel[0], stride[0], dilation[0], t, b),
          windowSize(op, w, kernel[1], stride[1], dilation[1], l, r),
        ],
      ];
    }
    case 'ConvTranspose': {
      const weights = need(inputs[1], op, `weights ${op.input[1]}`);
      const [n, , h, w] = x;
      const stride = perAxis(op, 'stride', 1)!;
      const [t, l, b, r] = pads(op);
      const group = argInt(op, 'group') ?? 1;
      return [[n, weights[1] * group, (h - 1) * stride[0] - t - b + weights[2], (w - 1) * stride[1] - l - r + weights[3]]];
    }
    case 'FC': {
      const weights = need(inputs[1], op, `weights ${op.input[1]}`);
      const axis = argInt(op, 'axis') ?? 1;
      const outer = x.slice(0, axis).reduce((a, v) => a * v, 1);
      const inner = x.slice(axis).reduce((a, v) => a * v, 1);
      if (inner !== weights[1])
        throw new Caffe2ShapeError(`FC ${op.name}: input has ${inner} features per row, weights expect ${weights[1]}`);
      return [[outer, weights[0]]];
    }
    case 'Concat': {
      const axis = argInt(op, 'axis') ?? 1;
      const all = inputs.map((s, i) => need(s, op, `input ${op.input[i]}`));
      const out = [...all[0]];
      out[axis] = all.reduce((a, s) => a + s[axis], 0);
      return [out, [all.length]];
    }
    case 'Flatten': {
      const axis = argInt(op, 'axis') ?? 1;
      return [[x.slice(0, axis).reduce((a, v) => a * v, 1), x.slice(axis).reduce((a, v) => a * v, 1)]];
    }
    default:
      if (SAME_AS_INPUT.has(op.type)) return op.output.map(() => [...x]);
      throw new Caffe2ShapeError(`no shape function for Caffe2 operator ${op.type}`);
  }
}

/** Every blob's shape after running `net` from `known` (external inputs and weights). */
export function inferNetShapes(net: NetDef, known: ReadonlyMap<string, Shape>): Map<string, Shape> {
  const shapes = new Map(known);
  for (const op of net.op) {
    const outs = operatorOutputShapes(
      op,
      op.input.map((i) => shapes.get(i)),
    );
    op.output.forEach((o, i) => {
      if (outs[i]) shapes.set(o, outs[i]);
    });
  }
  return shapes;
}
