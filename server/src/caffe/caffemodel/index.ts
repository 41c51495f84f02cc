// Public API of the .caffemodel reader: structure without weights, its errors, its prototxt text.
export { CaffemodelError } from './errors';
export { readCaffemodelStructure } from './structure';
export { caffemodelToPrototxt, describeBlobs } from './to-prototxt';
export type {
  BlobStructure,
  CaffemodelStructure,
  LayerFormat,
  LayerStructure,
  NetInput,
  PlainMessage,
  ReadCaffemodelOptions,
  ReadProgress,
  UnknownField,
} from './types';
