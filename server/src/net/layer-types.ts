// The groups of layer types the analysis treats alike. (The V0/V1 type names are in caffe-upgrade-names.ts.)

/** Layers with no bottoms that produce the net's data; their shapes come from the file or a directive. */
export const DATA_LAYER_TYPES: ReadonlySet<string> = new Set([
  'Input',
  'Data',
  'ImageData',
  'HDF5Data',
  'DummyData',
  'MemoryData',
  'WindowData',
  'AnnotatedData',
  'VideoData',
]);

/** Layers whose top 0 is a scalar loss (Caffe's LossLayer::Reshape). */
export const LOSS_LAYER_TYPES: ReadonlySet<string> = new Set([
  'SoftmaxWithLoss',
  'EuclideanLoss',
  'SigmoidCrossEntropyLoss',
  'HingeLoss',
  'InfogainLoss',
  'MultinomialLogisticLoss',
  'ContrastiveLoss',
]);

/**
 * Types whose unconsumed tops are the net's results (what a user reads out), so an unused-output hint
 * on them would be noise.
 */
export const OUTPUT_LAYER_TYPES: ReadonlySet<string> = new Set([
  ...LOSS_LAYER_TYPES,
  'Accuracy',
  'Softmax',
  'ArgMax',
  'Sigmoid',
  'HDF5Output',
  'Python',
]);
