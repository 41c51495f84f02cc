// Layer type (V2 name) -> shape rule. A type missing here is unknown: its tops stay unknown.
import type { ShapeRule } from './context';
import { convolution, convolutionDepthwise, deconvolution } from './convolution';
import { pooling } from './pooling';
import { innerProduct } from './inner-product';
import { SAME_SHAPE_TYPES, bias, prelu, sameShape, scale } from './elementwise';
import { concat, crop, eltwise, slice, split, tile } from './combine';
import { argMax, flatten, reduction, reshape } from './reshape';
import { accuracy, loss, silence } from './loss';
import { databaseData, dummyData, externalData, imageData, input, memoryData } from './data';
import { LOSS_LAYER_TYPES } from '../layer-types';
import { withCaffeLimits } from './limits';

const RULES_AS_WRITTEN: Array<[string, ShapeRule]> = [
  ['Convolution', convolution],
  ['DepthwiseConvolution', convolution],
  ['Deconvolution', deconvolution],
  ['ConvolutionDepthwise', convolutionDepthwise],
  ['Pooling', pooling],
  ['InnerProduct', innerProduct],
  ['PReLU', prelu],
  ['Scale', scale],
  ['Bias', bias],
  ['Concat', concat],
  ['Eltwise', eltwise],
  ['Slice', slice],
  ['Split', split],
  ['Crop', crop],
  ['Tile', tile],
  ['Flatten', flatten],
  ['Reshape', reshape],
  ['Reduction', reduction],
  ['ArgMax', argMax],
  ['Accuracy', accuracy],
  ['Silence', silence],
  ['Input', input],
  ['DummyData', dummyData],
  ['MemoryData', memoryData],
  ['ImageData', imageData],
  ['Data', databaseData],
  ['WindowData', databaseData],
  ['AnnotatedData', externalData],
  ['HDF5Data', externalData],
  ['VideoData', externalData],
  ...SAME_SHAPE_TYPES.map((t): [string, ShapeRule] => [t, sameShape]),
  ...[...LOSS_LAYER_TYPES].map((t): [string, ShapeRule] => [t, loss]),
];

/** Every rule's outputs are checked against Caffe's blob limits (one place, not per rule). */
const RULES = new Map<string, ShapeRule>(RULES_AS_WRITTEN.map(([type, rule]) => [type, withCaffeLimits(rule)]));

export function shapeRule(type: string): ShapeRule | undefined {
  return RULES.get(type);
}

export function knownLayerTypes(): string[] {
  return [...RULES.keys()];
}
