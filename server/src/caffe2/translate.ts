// The analysed Caffe network as a Caffe2 predict NetDef and an init NetDef, following Caffe2's
// caffe2/python/caffe_translator.py per layer type: Convolution → Conv (NCHW, kernel/stride/pad,
// group), Deconvolution → ConvTranspose, Pooling → MaxPool/AveragePool with legacy_pad =
// CAFFE_LEGACY_POOLING (Caffe's CEIL shapes), InnerProduct → FC, ReLU → Relu/LeakyRelu, LRN → LRN
// (+ scale output), Concat → Concat (+ split_info output), Dropout → Dropout is_test, Softmax,
// Eltwise SUM → Sum, BatchNorm → SpatialBN is_test, Scale → Mul (+ Add), Sigmoid, TanH, Flatten.
// Inserted Split layers vanish (Caffe2 blobs fan out). Weights are filled on the device by the init
// net (GaussianFill / ConstantFill of the right shapes): energy does not depend on their values.
import type { MessageValue } from '../text/ast';
import { parse } from '../text/parser';
import { analyzeText } from '../net';
import type { AnalyzeOptions, AnalyzedLayer, NetAnalysis, Shape } from '../net/types';
import type { LayerDef } from '../net/model';
import { upgradeNet } from '../net/upgrade';
import { DATA_LAYER_TYPES } from '../net/layer-types';
import { boolOf, enumOf, numberOf, numberValues, subMessage } from '../net/fields';
import { Argument, NetDef, OperatorDef, floatArg, intArg, intsArg, stringArg } from './netdef';
import { CAFFE_LEGACY_POOLING } from './shapes';

export interface TranslatedLayer {
  /** The Caffe layer's name and type. */
  layer: string;
  layerType: string;
  /** Indices into predictNet.op (Scale with bias becomes two ops). */
  ops: number[];
  /** The Caffe layer's first top shape, as the project's shape inference computed it. */
  caffeShape: Shape;
}

export interface Caffe2Translation {
  predictNet: NetDef;
  initNet: NetDef;
  /** The net's external data input and its shape (what --input_dims gives). */
  input: { name: string; shape: Shape };
  /** Shape of every weight blob the init net creates. */
  params: Map<string, Shape>;
  layers: TranslatedLayer[];
}

export class TranslationError extends Error {
  constructor(
    message: string,
    readonly layer?: string,
  ) {
    super(message);
  }
}

const order = stringArg('order', 'NCHW');

/** One weight blob: shape plus how the init net fills it. */
interface Param {
  name: string;
  shape: Shape;
  fill: 'gaussian' | number;
}

interface Emit {
  op(type: string, input: string[], output: string[], args: Argument[]): void;
  param(p: Param): string;
}

function product(s: Shape): number {
  return s.reduce((a, v) => a * v, 1);
}

function fail(layer: AnalyzedLayer, why: string): never {
  throw new TranslationError(`Layer "${layer.name}" (${layer.type}): ${why}`, layer.name);
}

function windowArgs(layer: AnalyzedLayer, withKernel: boolean): Argument[] {
  const f = layer.features;
  const { kernelH: kh, kernelW: kw, strideH: sh, strideW: sw, padH: ph, padW: pw } = f;
  if (kh === undefined || kw === undefined || sh === undefined || sw === undefined || ph === undefined || pw === undefined)
    fail(layer, 'kernel, stride or pad unknown');
  const args: Argument[] = [];
  const pair = (name: string, h: number, w: number) =>
    h === w ? args.push(intArg(name, h)) : args.push(intArg(`${name}_h`, h), intArg(`${name}_w`, w));
  if (withKernel) pair('kernel', kh, kw);
  pair('stride', sh, sw);
  // Caffe2 has no pad_h/pad_w: an uneven pad is given per side.
  if (ph === pw) args.push(intArg('pad', ph));
  else args.push(intArg('pad_t', ph), intArg('pad_l', pw), intArg('pad_b', ph), intArg('pad_r', pw));
  return args;
}

function translateLayer(layer: AnalyzedLayer, def: LayerDef, inputs: string[], inputShapes: Shape[], emit: Emit): void {
  const m = def.message;
  const top = layer.tops[0];
  const x = inputShapes[0];
  const name = layer.name;
  const sub = (block: string): MessageValue =>
    subMessage(m, block) ?? ({ kind: 'message', fields: [], span: def.span } as unknown as MessageValue);
  switch (layer.type) {
    case 'Convolution':
    case 'ConvolutionDepthwise':
    case 'DepthwiseConvolution':
    case 'Deconvolution': {
      const p = sub('convolution_param');
      // The ConvolutionDepthwise fork layer is a Convolution with one group per input channel.
      const group = layer.type === 'ConvolutionDepthwise' ? x[1] : (numberOf(p, 'group') ?? 1);
      const cout = numberOf(p, 'num_output');
      if (cout === undefined || x.length !== 4) fail(layer, 'only 2-D convolution with num_output is translated');
      const dilation = numberValues(p, 'dilation').map((v) => v.value);
      if (dilation.some((d) => d !== 1) && layer.type === 'Deconvolution') fail(layer, 'dilated deconvolution is not translated');
      const weights =
        layer.type !== 'Deconvolution'
          ? [cout, x[1] / group, layer.features.kernelH!, layer.features.kernelW!]
          : [x[1], cout / group, layer.features.kernelH!, layer.features.kernelW!];
      const ins = [...inputs.slice(0, 1), emit.param({ name: `${name}_w`, shape: weights, fill: 'gaussian' })];
      if (boolOf(p, 'bias_term') !== false) ins.push(emit.param({ name: `${name}_b`, shape: [cout], fill: 0 }));
      const args = [...windowArgs(layer, true), order];
      if (group !== 1) args.push(intArg('group', group));
      if (dilation.length && dilation.some((d) => d !== 1)) args.push(intArg('dilation', dilation[0]));
      emit.op(layer.type !== 'Deconvolution' ? 'Conv' : 'ConvTranspose', ins, [top], args);
      return;
    }
    case 'Pooling': {
      const p = sub('pooling_param');
      const method = enumOf(p, 'pool', ['MAX', 'AVE', 'STOCHASTIC']) ?? 'MAX';
      if (method === 'STOCHASTIC') fail(layer, 'stochastic pooling has no Caffe2 operator');
      const args: Argument[] = [order];
      if (boolOf(p, 'global_pooling')) args.push(intArg('global_pooling', 1));
      else {
        args.push(...windowArgs(layer, true));
        const roundMode = enumOf(p, 'round_mode', ['CEIL', 'FLOOR']);
        const floor = roundMode !== undefined ? roundMode === 'FLOOR' : boolOf(p, 'ceil_mode') === false;
        if (!floor) args.push(intArg('legacy_pad', CAFFE_LEGACY_POOLING));
      }
      emit.op(method === 'MAX' ? 'MaxPool' : 'AveragePool', inputs.slice(0, 1), [top], args);
      return;
    }
    case 'InnerProduct': {
      const p = sub('inner_product_param');
      if (boolOf(p, 'transpose')) fail(layer, 'transpose: true is not translated');
      const axis = numberOf(p, 'axis') ?? 1;
      const n = numberOf(p, 'num_output');
      if (n === undefined) fail(layer, 'no num_output');
      const k = product(x.slice(axis));
      const ins = [inputs[0], emit.param({ name: `${name}_w`, shape: [n, k], fill: 'gaussian' })];
      if (boolOf(p, 'bias_term') !== false) ins.push(emit.param({ name: `${name}_b`, shape: [n], fill: 0 }));
      emit.op('FC', ins, [top], axis === 1 ? [] : [intArg('axis', axis)]);
      return;
    }
    case 'ReLU': {
      const slope = numberOf(sub('relu_param'), 'negative_slope') ?? 0;
      emit.op(slope === 0 ? 'Relu' : 'LeakyRelu', inputs.slice(0, 1), [top], slope === 0 ? [] : [floatArg('alpha', slope)]);
      return;
    }
    case 'Sigmoid':
      emit.op('Sigmoid', inputs.slice(0, 1), [top], []);
      return;
    case 'TanH':
      emit.op('Tanh', inputs.slice(0, 1), [top], []);
      return;
    case 'LRN': {
      const p = sub('lrn_param');
      if ((enumOf(p, 'norm_region', ['ACROSS_CHANNELS', 'WITHIN_CHANNEL']) ?? 'ACROSS_CHANNELS') !== 'ACROSS_CHANNELS')
        fail(layer, 'WITHIN_CHANNEL LRN has no Caffe2 operator');
      emit.op(
        'LRN',
        inputs.slice(0, 1),
        [top, `_${top}_scale`],
        [
          intArg('size', numberOf(p, 'local_size') ?? 5),
          floatArg('alpha', numberOf(p, 'alpha') ?? 1),
          floatArg('beta', numberOf(p, 'beta') ?? 0.75),
          floatArg('bias', numberOf(p, 'k') ?? 1),
          order,
        ],
      );
      return;
    }
    case 'Concat': {
      const p = sub('concat_param');
      const axis = numberOf(p, 'axis') ?? numberOf(p, 'concat_dim') ?? 1;
      emit.op('Concat', inputs, [top, `_${top}_dims`], [intArg('axis', axis), order]);
      return;
    }
    case 'Dropout':
      emit.op(
        'Dropout',
        inputs.slice(0, 1),
        [top, `_${top}_mask`],
        [floatArg('ratio', numberOf(sub('dropout_param'), 'dropout_ratio') ?? 0.5), intArg('is_test', 1)],
      );
      return;
    case 'Softmax': {
      const axis = numberOf(sub('softmax_param'), 'axis') ?? 1;
      if (axis !== 1) fail(layer, `softmax over axis ${axis} is not translated (Caffe2's Softmax is over axis 1)`);
      emit.op('Softmax', inputs.slice(0, 1), [top], []);
      return;
    }
    case 'Eltwise': {
      const p = sub('eltwise_param');
      if ((enumOf(p, 'operation', ['PROD', 'SUM', 'MAX']) ?? 'SUM') !== 'SUM')
        fail(layer, 'only Eltwise SUM is translated (as caffe_translator does)');
      if (numberValues(p, 'coeff').some((c) => c.value !== 1)) fail(layer, 'Eltwise coefficients other than 1 are not translated');
      emit.op('Sum', inputs, [top], []);
      return;
    }
    case 'BatchNorm': {
      const c = x[1];
      const eps = numberOf(sub('batch_norm_param'), 'eps') ?? 1e-5;
      emit.op(
        'SpatialBN',
        [
          inputs[0],
          emit.param({ name: `${name}_scale`, shape: [c], fill: 1 }),
          emit.param({ name: `${name}_bias`, shape: [c], fill: 0 }),
          emit.param({ name: `${name}_mean`, shape: [c], fill: 0 }),
          emit.param({ name: `${name}_var`, shape: [c], fill: 1 }),
        ],
        [top],
        [intArg('is_test', 1), floatArg('epsilon', eps), order],
      );
      return;
    }
    case 'Scale': {
      const p = sub('scale_param');
      if (inputs.length > 1) fail(layer, 'a Scale with a second bottom is not translated');
      const axis = numberOf(p, 'axis') ?? 1;
      const numAxes = numberOf(p, 'num_axes') ?? 1;
      const shape = x.slice(axis, axis + numAxes);
      emit.op('Mul', [inputs[0], emit.param({ name: `${name}_w`, shape, fill: 1 })], [top], [intArg('broadcast', 1), intArg('axis', axis)]);
      if (boolOf(p, 'bias_term'))
        emit.op('Add', [top, emit.param({ name: `${name}_b`, shape, fill: 0 })], [top], [intArg('broadcast', 1), intArg('axis', axis)]);
      return;
    }
    case 'Flatten': {
      const p = sub('flatten_param');
      if ((numberOf(p, 'axis') ?? 1) !== 1 || (numberOf(p, 'end_axis') ?? -1) !== -1)
        fail(layer, 'only Flatten from axis 1 to the end is translated');
      emit.op('Flatten', inputs.slice(0, 1), [top], []);
      return;
    }
    default:
      fail(layer, `no Caffe2 translation for layer type ${layer.type} (caffe_translator has none either, or it is a training-only layer)`);
  }
}

function fillOp(p: Param): OperatorDef {
  const args: Argument[] = [intsArg('shape', p.shape)];
  if (p.fill === 'gaussian')
    return { type: 'GaussianFill', input: [], output: [p.name], arg: [...args, floatArg('mean', 0), floatArg('std', 0.01)] };
  return { type: 'ConstantFill', input: [], output: [p.name], arg: [...args, floatArg('value', p.fill)] };
}

/** Translates prototxt text (analysed with `options`) to Caffe2 nets; throws TranslationError naming the layer. */
export function translateToCaffe2(text: string, options: AnalyzeOptions = {}): Caffe2Translation {
  const analysis: NetAnalysis = analyzeText(text, options);
  const defs = upgradeNet(parse(text)).layers;
  const defsByName = new Map<string, LayerDef[]>();
  for (const d of defs) defsByName.set(d.name, [...(defsByName.get(d.name) ?? []), d]);

  const alias = new Map<string, string>();
  const resolve = (blob: string) => alias.get(blob) ?? blob;
  const shapes = new Map<string, Shape>();
  const predict: NetDef = { name: analysis.name || 'net', op: [], external_input: [], external_output: [] };
  const params = new Map<string, Shape>();
  const paramList: Param[] = [];
  const layers: TranslatedLayer[] = [];
  let input: { name: string; shape: Shape } | undefined;

  const setInput = (name: string, shape: Shape | undefined, layer?: AnalyzedLayer) => {
    if (!shape) throw new TranslationError(`the shape of input "${name}" is unknown (add "# energy-lens: input N,C,H,W")`, layer?.name);
    if (input) return; // extra data tops (labels) are only an error if a translated op reads them
    input = { name, shape };
    shapes.set(name, shape);
  };
  for (const i of analysis.inputs) setInput(i.name, i.shape);

  for (const layer of analysis.layers) {
    if (layer.isSplit || layer.type === 'Split') {
      for (const t of layer.tops) alias.set(t, resolve(layer.bottoms[0]));
      continue;
    }
    if (layer.type === 'Input' || DATA_LAYER_TYPES.has(layer.type)) {
      setInput(layer.tops[0], layer.outputShapes[0], layer);
      continue;
    }
    const def = defsByName.get(layer.name)?.shift();
    if (!def) throw new TranslationError(`Layer "${layer.name}" is not in the upgraded file`, layer.name);
    const inputs = layer.bottoms.map(resolve);
    const inputShapes = inputs.map((b) => {
      const s = shapes.get(b);
      if (!s) fail(layer, `the shape of its input "${b}" is unknown (is it a label or the output of an untranslated layer?)`);
      return s;
    });
    const caffeShape = layer.outputShapes[0];
    if (!caffeShape) fail(layer, 'its output shape is unknown');
    const ops: number[] = [];
    translateLayer(layer, def, inputs, inputShapes, {
      op(type, inp, output, arg) {
        ops.push(predict.op.length);
        predict.op.push({ name: layer.name, type, input: inp, output, arg });
      },
      param(p) {
        params.set(p.name, p.shape);
        paramList.push(p);
        return p.name;
      },
    });
    layer.tops.forEach((t, i) => {
      alias.delete(t);
      const s = layer.outputShapes[i];
      if (s) shapes.set(t, s);
    });
    layers.push({ layer: layer.name, layerType: layer.type, ops, caffeShape });
  }
  if (!input) throw new TranslationError('the network has no input');
  predict.external_input = [input.name, ...paramList.map((p) => p.name)];
  const last = predict.op[predict.op.length - 1];
  if (last) predict.external_output = [last.output[0]];
  const initNet: NetDef = {
    name: `${predict.name}_init`,
    op: paramList.map(fillOp),
    external_input: [],
    external_output: paramList.map((p) => p.name),
  };
  return { predictNet: predict, initNet, input, params, layers };
}
