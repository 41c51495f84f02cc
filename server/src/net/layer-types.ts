// Layer type names across Caffe's three file formats, and the groups of types the analysis treats
// alike. The V0->V1 and V1->V2 tables follow upgrade_proto.cpp (UpgradeV0LayerType, UpgradeV1LayerType).

/** V0 (2014-02) type strings -> V1 enum names. */
export const V0_TO_V1_TYPE: Readonly<Record<string, string>> = {
  accuracy: 'ACCURACY',
  bnll: 'BNLL',
  concat: 'CONCAT',
  conv: 'CONVOLUTION',
  data: 'DATA',
  dropout: 'DROPOUT',
  euclidean_loss: 'EUCLIDEAN_LOSS',
  flatten: 'FLATTEN',
  hdf5_data: 'HDF5_DATA',
  hdf5_output: 'HDF5_OUTPUT',
  im2col: 'IM2COL',
  images: 'IMAGE_DATA',
  infogain_loss: 'INFOGAIN_LOSS',
  innerproduct: 'INNER_PRODUCT',
  lrn: 'LRN',
  multinomial_logistic_loss: 'MULTINOMIAL_LOGISTIC_LOSS',
  pool: 'POOLING',
  relu: 'RELU',
  sigmoid: 'SIGMOID',
  softmax: 'SOFTMAX',
  softmax_loss: 'SOFTMAX_LOSS',
  split: 'SPLIT',
  tanh: 'TANH',
  window_data: 'WINDOW_DATA',
};

/** V1 LayerType enum names -> V2 type strings. */
export const V1_TO_V2_TYPE: Readonly<Record<string, string>> = {
  ABSVAL: 'AbsVal',
  ACCURACY: 'Accuracy',
  ARGMAX: 'ArgMax',
  BNLL: 'BNLL',
  CONCAT: 'Concat',
  CONTRASTIVE_LOSS: 'ContrastiveLoss',
  CONVOLUTION: 'Convolution',
  DECONVOLUTION: 'Deconvolution',
  DATA: 'Data',
  DROPOUT: 'Dropout',
  DUMMY_DATA: 'DummyData',
  EUCLIDEAN_LOSS: 'EuclideanLoss',
  ELTWISE: 'Eltwise',
  EXP: 'Exp',
  FLATTEN: 'Flatten',
  HDF5_DATA: 'HDF5Data',
  HDF5_OUTPUT: 'HDF5Output',
  HINGE_LOSS: 'HingeLoss',
  IM2COL: 'Im2col',
  IMAGE_DATA: 'ImageData',
  INFOGAIN_LOSS: 'InfogainLoss',
  INNER_PRODUCT: 'InnerProduct',
  LRN: 'LRN',
  MEMORY_DATA: 'MemoryData',
  MULTINOMIAL_LOGISTIC_LOSS: 'MultinomialLogisticLoss',
  MVN: 'MVN',
  POOLING: 'Pooling',
  POWER: 'Power',
  RELU: 'ReLU',
  SIGMOID: 'Sigmoid',
  SIGMOID_CROSS_ENTROPY_LOSS: 'SigmoidCrossEntropyLoss',
  SILENCE: 'Silence',
  SOFTMAX: 'Softmax',
  SOFTMAX_LOSS: 'SoftmaxWithLoss',
  SPLIT: 'Split',
  SLICE: 'Slice',
  TANH: 'TanH',
  WINDOW_DATA: 'WindowData',
  THRESHOLD: 'Threshold',
};

/** V1 LayerType enum numbers (a V1 `type:` may be written as a number). */
export const V1_TYPE_BY_NUMBER: Readonly<Record<number, string>> = {
  0: 'NONE', 35: 'ABSVAL', 1: 'ACCURACY', 30: 'ARGMAX', 2: 'BNLL', 3: 'CONCAT', 37: 'CONTRASTIVE_LOSS',
  4: 'CONVOLUTION', 5: 'DATA', 39: 'DECONVOLUTION', 6: 'DROPOUT', 32: 'DUMMY_DATA', 7: 'EUCLIDEAN_LOSS',
  25: 'ELTWISE', 38: 'EXP', 8: 'FLATTEN', 9: 'HDF5_DATA', 10: 'HDF5_OUTPUT', 28: 'HINGE_LOSS', 11: 'IM2COL',
  12: 'IMAGE_DATA', 13: 'INFOGAIN_LOSS', 14: 'INNER_PRODUCT', 15: 'LRN', 29: 'MEMORY_DATA',
  16: 'MULTINOMIAL_LOGISTIC_LOSS', 34: 'MVN', 17: 'POOLING', 26: 'POWER', 18: 'RELU', 19: 'SIGMOID',
  27: 'SIGMOID_CROSS_ENTROPY_LOSS', 36: 'SILENCE', 20: 'SOFTMAX', 21: 'SOFTMAX_LOSS', 22: 'SPLIT', 33: 'SLICE',
  23: 'TANH', 24: 'WINDOW_DATA', 31: 'THRESHOLD',
};

/** Layers with no bottoms that produce the net's data; their shapes come from the file or a directive. */
export const DATA_LAYER_TYPES: ReadonlySet<string> = new Set([
  'Input', 'Data', 'ImageData', 'HDF5Data', 'DummyData', 'MemoryData', 'WindowData', 'AnnotatedData', 'VideoData',
]);

/** Layers whose top 0 is a scalar loss (Caffe's LossLayer::Reshape). */
export const LOSS_LAYER_TYPES: ReadonlySet<string> = new Set([
  'SoftmaxWithLoss', 'EuclideanLoss', 'SigmoidCrossEntropyLoss', 'HingeLoss', 'InfogainLoss',
  'MultinomialLogisticLoss', 'ContrastiveLoss',
]);

/**
 * Types whose unconsumed tops are the net's results (what a user reads out), so an unused-output hint
 * on them would be noise.
 */
export const OUTPUT_LAYER_TYPES: ReadonlySet<string> = new Set([
  ...LOSS_LAYER_TYPES, 'Accuracy', 'Softmax', 'ArgMax', 'Sigmoid', 'HDF5Output', 'Python',
]);
