// Caffe's schema as a small typed API over protobufjs: message fields (with their `//` meaning),
// enums, and the layer type names of each format version. caffe.proto (BVLC) and the fork
// extensions (forks.ts) are loaded once, lazily; lookups are cached because the validator asks for
// the same fields thousands of times per document.
import * as protobuf from 'protobufjs';
import protoText from './caffe.proto';
import { V0_TO_V1_TYPE, V1_TO_V2_TYPE } from '../caffe-upgrade-names';
import { FORK_FIELDS, FORK_LAYER_TYPES, FORK_PROTO, type ForkOrigin } from './forks';

export type FieldKind = 'message' | 'enum' | 'scalar';

export type ScalarType =
  | 'double'
  | 'float'
  | 'int32'
  | 'int64'
  | 'uint32'
  | 'uint64'
  | 'sint32'
  | 'sint64'
  | 'fixed32'
  | 'fixed64'
  | 'sfixed32'
  | 'sfixed64'
  | 'bool'
  | 'string'
  | 'bytes';

const SCALAR_TYPES: ReadonlySet<string> = new Set<ScalarType>([
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'bool',
  'string',
  'bytes',
]);

export interface EnumValueInfo {
  name: string;
  number: number;
  doc?: string;
}

export interface FieldInfo {
  name: string;
  id: number;
  /** Scalar type name, or message / enum name relative to package caffe (`PoolingParameter.PoolMethod`). */
  type: string;
  kind: FieldKind;
  scalarType?: ScalarType;
  repeated: boolean;
  required: boolean;
  /** Declared default, else proto2's implicit one (0, false, "", first enum value); none for messages. */
  defaultValue?: string | number | boolean;
  /** Whether the default is declared in the schema (`[default = ...]`). */
  hasExplicitDefault: boolean;
  /** Values of an enum field, in declaration order. */
  enumValues?: EnumValueInfo[];
  /** Short meaning of the field. */
  doc?: string;
  /** Set when the field is a non-BVLC extension (see forks.ts). */
  fork?: ForkOrigin;
  /** The message the field belongs to. */
  parent: string;
}

export interface LayerTypeInfo {
  /** V2 type string, e.g. `Convolution`. */
  name: string;
  /** The `*_param` fields of LayerParameter the layer reads. */
  params: string[];
  doc: string;
  /** Set for layer types only forks register. */
  fork?: ForkOrigin;
}

// BVLC Caffe's registered V2 layer types (REGISTER_LAYER_CLASS / REGISTER_LAYER_CREATOR names).
const BVLC_LAYER_TYPES: ReadonlyArray<[string, string[], string]> = [
  ['AbsVal', [], 'Absolute value.'],
  ['Accuracy', ['accuracy_param'], 'Classification accuracy (top-k).'],
  ['ArgMax', ['argmax_param'], 'Indices of the k largest values.'],
  ['BatchNorm', ['batch_norm_param'], 'Batch normalisation (mean/variance only; follow with Scale).'],
  ['BatchReindex', [], 'Reorders the batch by the indices in the second bottom.'],
  ['Bias', ['bias_param'], 'Adds a (learned or given) bias.'],
  ['BNLL', [], 'Binomial normal log likelihood: log(1 + exp(x)).'],
  ['Clip', ['clip_param'], 'Clips values to [min, max].'],
  ['Concat', ['concat_param'], 'Concatenates its inputs along an axis.'],
  ['ContrastiveLoss', ['contrastive_loss_param', 'loss_param'], 'Contrastive loss of pairs.'],
  ['Convolution', ['convolution_param'], 'Convolution.'],
  ['Crop', ['crop_param'], 'Crops the first bottom to the shape of the second.'],
  ['Data', ['data_param', 'transform_param'], 'Reads samples from a LevelDB/LMDB database.'],
  ['Deconvolution', ['convolution_param'], 'Transposed convolution.'],
  ['Dropout', ['dropout_param'], 'Drops values at random during training.'],
  ['DummyData', ['dummy_data_param'], 'Produces blobs filled by fillers.'],
  ['Eltwise', ['eltwise_param'], 'Element-wise sum, product or maximum of its inputs.'],
  ['ELU', ['elu_param'], 'Exponential linear unit.'],
  ['Embed', ['embed_param'], 'Embedding lookup (one-hot times a weight matrix).'],
  ['EuclideanLoss', ['loss_param'], 'Euclidean (L2) loss.'],
  ['Exp', ['exp_param'], 'Exponential.'],
  ['Filter', [], 'Keeps the samples whose selector (last bottom) is non-zero.'],
  ['Flatten', ['flatten_param'], 'Flattens a range of axes into one.'],
  ['HDF5Data', ['hdf5_data_param'], 'Reads samples from HDF5 files.'],
  ['HDF5Output', ['hdf5_output_param'], 'Writes its inputs to an HDF5 file.'],
  ['HingeLoss', ['hinge_loss_param', 'loss_param'], 'Hinge loss.'],
  ['Im2col', ['convolution_param'], 'Rearranges image patches into columns.'],
  ['ImageData', ['image_data_param', 'transform_param'], 'Reads images listed in a text file.'],
  ['InfogainLoss', ['infogain_loss_param', 'loss_param'], 'Infogain loss.'],
  ['InnerProduct', ['inner_product_param'], 'Fully connected layer.'],
  ['Input', ['input_param'], 'Declares the net inputs and their shapes.'],
  ['Log', ['log_param'], 'Logarithm.'],
  ['LRN', ['lrn_param'], 'Local response normalisation.'],
  ['LSTM', ['recurrent_param'], 'Long short-term memory recurrent layer.'],
  ['LSTMUnit', [], 'One step of an LSTM.'],
  ['MemoryData', ['memory_data_param', 'transform_param'], 'Reads samples from memory.'],
  ['MultinomialLogisticLoss', ['loss_param'], 'Multinomial logistic loss.'],
  ['MVN', ['mvn_param'], 'Mean-variance normalisation.'],
  ['Parameter', ['parameter_param'], 'Outputs a learned parameter blob.'],
  ['Pooling', ['pooling_param'], 'Max / average pooling.'],
  ['Power', ['power_param'], 'Power: (shift + scale * x) ^ power.'],
  ['PReLU', ['prelu_param'], 'Parametric ReLU (learned negative slope).'],
  ['Python', ['python_param'], 'A layer written in Python.'],
  ['Reduction', ['reduction_param'], 'Sum / mean / absolute or squared sum over axes.'],
  ['ReLU', ['relu_param'], 'Rectified linear unit (leaky with negative_slope).'],
  ['Reshape', ['reshape_param'], 'Changes the shape without copying data.'],
  ['RNN', ['recurrent_param'], 'Simple recurrent layer.'],
  ['Scale', ['scale_param'], 'Multiplies by a (learned or given) scale, optionally adds a bias.'],
  ['Sigmoid', ['sigmoid_param'], 'Logistic sigmoid.'],
  ['SigmoidCrossEntropyLoss', ['loss_param'], 'Sigmoid cross-entropy loss.'],
  ['Silence', [], 'Consumes blobs without output.'],
  ['Slice', ['slice_param'], 'Splits its input along an axis.'],
  ['Softmax', ['softmax_param'], 'Softmax.'],
  ['SoftmaxWithLoss', ['softmax_param', 'loss_param'], 'Softmax followed by multinomial logistic loss.'],
  ['Split', [], 'Copies its input to several outputs.'],
  ['SPP', ['spp_param'], 'Spatial pyramid pooling.'],
  ['Swish', ['swish_param'], 'Swish: x * sigmoid(beta * x).'],
  ['TanH', ['tanh_param'], 'Hyperbolic tangent.'],
  ['Threshold', ['threshold_param'], 'Step function at a threshold.'],
  ['Tile', ['tile_param'], 'Repeats its input along an axis.'],
  ['WindowData', ['window_data_param'], 'Reads windows of images for detection.'],
];

// V0's "padding" has no layer of its own: Caffe folds it into the following convolution's `pad`.
const V0_PADDING = 'padding';

const PARSE_OPTIONS: protobuf.IParseOptions = { keepCase: true, alternateCommentMode: true };
const PACKAGE_PREFIX = '.caffe.';

/** Name relative to package caffe, e.g. `.caffe.PoolingParameter.PoolMethod` → `PoolingParameter.PoolMethod`. */
function relativeName(fullName: string): string {
  return fullName.startsWith(PACKAGE_PREFIX) ? fullName.slice(PACKAGE_PREFIX.length) : fullName.replace(/^\./, '');
}

function implicitDefault(kind: FieldKind, scalarType: ScalarType | undefined, enumValues?: EnumValueInfo[]) {
  if (kind === 'enum') return enumValues?.[0]?.name;
  if (kind === 'message') return undefined;
  if (scalarType === 'bool') return false;
  if (scalarType === 'string' || scalarType === 'bytes') return '';
  return 0;
}

export class CaffeSchema {
  /** The protobufjs Root holding package caffe (BVLC messages plus fork-only message types). */
  readonly root: protobuf.Root;
  private readonly fieldTables = new Map<string, Map<string, FieldInfo> | null>();
  private readonly enumCache = new Map<string, EnumValueInfo[] | null>();
  private readonly fieldLists = new Map<string, readonly FieldInfo[]>();
  private readonly requiredLists = new Map<string, readonly FieldInfo[]>();
  private readonly layerTypes: LayerTypeInfo[];
  private readonly layerTypeByName: Map<string, LayerTypeInfo>;

  constructor() {
    this.root = new protobuf.Root();
    protobuf.parse(protoText, this.root, PARSE_OPTIONS);
    protobuf.parse(FORK_PROTO, this.root, PARSE_OPTIONS);
    this.root.resolveAll();
    this.layerTypes = [
      ...BVLC_LAYER_TYPES.map(([name, params, doc]) => ({ name, params, doc })),
      ...FORK_LAYER_TYPES.map((f) => ({ name: f.type, params: f.params, doc: f.doc, fork: { forks: f.forks, note: f.note } })),
    ];
    this.layerTypeByName = new Map(this.layerTypes.map((t) => [t.name, t]));
  }

  /** The protobufjs message type `name` (relative to package caffe), if it exists. */
  messageType(name: string): protobuf.Type | undefined {
    const found = this.root.lookup(PACKAGE_PREFIX + name);
    return found instanceof protobuf.Type ? found : undefined;
  }

  /** The protobufjs enum `name` (relative to package caffe, e.g. `PoolingParameter.PoolMethod`). */
  enumType(name: string): protobuf.Enum | undefined {
    const found = this.root.lookup(PACKAGE_PREFIX + name);
    return found instanceof protobuf.Enum ? found : undefined;
  }

  /** Field `fieldName` of message `typeName` (BVLC or fork extension), if any. */
  fieldOf(typeName: string, fieldName: string): FieldInfo | undefined {
    return this.fieldTable(typeName)?.get(fieldName);
  }

  /** All fields of message `typeName`: BVLC ones in declaration order, then fork extensions. */
  fieldsOf(typeName: string): readonly FieldInfo[] {
    let list = this.fieldLists.get(typeName);
    if (!list) this.fieldLists.set(typeName, (list = [...(this.fieldTable(typeName)?.values() ?? [])]));
    return list;
  }

  /** The `required` fields of message `typeName` (checked once per message by validation). */
  requiredFieldsOf(typeName: string): readonly FieldInfo[] {
    let list = this.requiredLists.get(typeName);
    if (!list) this.requiredLists.set(typeName, (list = this.fieldsOf(typeName).filter((f) => f.required)));
    return list;
  }

  /** Values of enum `enumName` in declaration order (empty if there is no such enum). */
  enumValues(enumName: string): EnumValueInfo[] {
    let values = this.enumCache.get(enumName);
    if (values === undefined) {
      const e = this.enumType(enumName);
      values = e ? Object.entries(e.values).map(([name, number]) => ({ name, number, doc: e.comments[name] ?? undefined })) : null;
      this.enumCache.set(enumName, values);
    }
    return values ?? [];
  }

  /** V2 layer type strings (BVLC's, then forks'), for completion. */
  v2LayerTypes(): string[] {
    return this.layerTypes.map((t) => t.name);
  }

  /** Description of a V2 layer type string, if known (BVLC or fork). */
  layerType(name: string): LayerTypeInfo | undefined {
    return this.layerTypeByName.get(name);
  }

  /** Names of V1LayerParameter.LayerType (`CONVOLUTION`, ...). */
  v1LayerTypeNames(): string[] {
    return this.enumValues('V1LayerParameter.LayerType').map((v) => v.name);
  }

  /** V2 type string Caffe upgrades a V1 enum name to (`CONVOLUTION` → `Convolution`). */
  v1ToV2LayerType(v1Name: string): string | undefined {
    return Object.hasOwn(V1_TO_V2_TYPE, v1Name) ? V1_TO_V2_TYPE[v1Name] : undefined;
  }

  /** V1 enum name of a V2 type string (`Convolution` → `CONVOLUTION`), if V1 had it. */
  v2ToV1LayerType(v2Name: string): string | undefined {
    for (const [v1, v2] of Object.entries(V1_TO_V2_TYPE)) if (v2 === v2Name) return v1;
    return undefined;
  }

  /** V0 type strings (`conv`, `pool`, `padding`, ...). */
  v0LayerTypeNames(): string[] {
    return [...Object.keys(V0_TO_V1_TYPE), V0_PADDING];
  }

  /**
   * V2 type string of a V0 type (`conv` → `Convolution`); null for `padding` (folded into the next
   * convolution), undefined for unknown strings.
   */
  v0ToV2LayerType(v0Name: string): string | null | undefined {
    if (v0Name === V0_PADDING) return null;
    return Object.hasOwn(V0_TO_V1_TYPE, v0Name) ? V1_TO_V2_TYPE[V0_TO_V1_TYPE[v0Name]] : undefined;
  }

  private fieldTable(typeName: string): Map<string, FieldInfo> | null {
    let table = this.fieldTables.get(typeName);
    if (table !== undefined) return table;
    const type = this.messageType(typeName);
    table = null;
    if (type) {
      table = new Map();
      for (const f of type.fieldsArray) table.set(f.name, this.describe(typeName, f));
      for (const ext of FORK_FIELDS) {
        if (ext.parent !== typeName) continue;
        table.set(ext.name, this.describeFork(ext));
      }
    }
    this.fieldTables.set(typeName, table);
    return table;
  }

  private describe(parent: string, f: protobuf.Field): FieldInfo {
    const resolved = f.resolvedType;
    const kind: FieldKind = resolved instanceof protobuf.Type ? 'message' : resolved instanceof protobuf.Enum ? 'enum' : 'scalar';
    const type = resolved ? relativeName(resolved.fullName) : f.type;
    const scalarType = kind === 'scalar' ? (f.type as ScalarType) : undefined;
    const enumValues = kind === 'enum' ? this.enumValues(type) : undefined;
    const declared: unknown = f.options?.default;
    const hasExplicitDefault = declared !== undefined;
    return {
      name: f.name,
      id: f.id,
      type,
      kind,
      scalarType,
      repeated: f.repeated,
      required: f.required,
      defaultValue: hasExplicitDefault ? (declared as string | number | boolean) : implicitDefault(kind, scalarType, enumValues),
      hasExplicitDefault,
      enumValues,
      doc: f.comment ?? undefined,
      parent,
    };
  }

  private describeFork(ext: (typeof FORK_FIELDS)[number]): FieldInfo {
    const isScalar = SCALAR_TYPES.has(ext.type);
    const kind: FieldKind = isScalar ? 'scalar' : this.messageType(ext.type) ? 'message' : 'enum';
    const scalarType = isScalar ? (ext.type as ScalarType) : undefined;
    const enumValues = kind === 'enum' ? this.enumValues(ext.type) : undefined;
    const hasExplicitDefault = ext.defaultValue !== undefined;
    return {
      name: ext.name,
      id: ext.id,
      type: ext.type,
      kind,
      scalarType,
      repeated: ext.repeated,
      required: false,
      defaultValue: hasExplicitDefault ? ext.defaultValue : implicitDefault(kind, scalarType, enumValues),
      hasExplicitDefault,
      enumValues,
      doc: ext.doc,
      fork: { forks: ext.forks, note: ext.note },
      parent: ext.parent,
    };
  }
}

let instance: CaffeSchema | undefined;

/** The schema, loaded on first use. */
export function caffeSchema(): CaffeSchema {
  instance ??= new CaffeSchema();
  return instance;
}
