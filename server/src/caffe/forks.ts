// Extensions of Caffe's schema that are not in BVLC Caffe but appear in widely shared model files
// (forks and unmerged pull requests). They are known to the schema so that such files validate, and
// the validator reports each use as Information ("not in BVLC Caffe; accepted by forks: ..."),
// never as an error. They are kept out of caffe.proto on purpose: that file must stay exactly
// BVLC's (the .caffemodel decoder relies on it), and one extension (`ceil_mode`) even reuses a
// field number that BVLC gave to another field, so it cannot live in the same protobufjs message.

/** Where an extension comes from. */
export interface ForkOrigin {
  /** Forks / pull requests that accept it, e.g. `BVLC/caffe PR #3057`. */
  forks: string[];
  /** Extra remark shown after the list (e.g. how it maps to a BVLC field). */
  note?: string;
}

/** A field that forks add to a BVLC message. */
export interface ForkField extends ForkOrigin {
  /** BVLC message the field is added to, e.g. `PoolingParameter`. */
  parent: string;
  name: string;
  id: number;
  /** A scalar type (`bool`, `uint32`, ...) or a message / enum name relative to package `caffe`. */
  type: string;
  repeated: boolean;
  defaultValue?: string | number | boolean;
  /** Short meaning, shown in hovers. */
  doc: string;
}

/** A layer type string (V2 `type: "..."`) that forks register. */
export interface ForkLayerType extends ForkOrigin {
  type: string;
  /** The `*_param` fields of LayerParameter the layer reads. */
  params: string[];
  doc: string;
}

const PR_3057 = 'BVLC/caffe PR #3057 (ceil_mode), e.g. the builds behind shicai/DenseNet-Caffe and soeaver/caffe-model';
const SHUFFLENET = 'farmingyard/ShuffleNet';
const SSD = 'weiliu89/caffe (SSD branch) and its descendants (MobileNet-SSD, TensorRT/OpenCV importers)';

/**
 * Message types that only fork extensions use. Parsed into the same protobufjs Root as caffe.proto
 * (package caffe), but no BVLC message refers to them, so BVLC decoding is unaffected.
 */
export const FORK_PROTO = `
syntax = "proto2";
package caffe;

message ShuffleChannelParameter {
  optional uint32 group = 1 [default = 1]; // Number of groups whose channels are interleaved.
}

message PermuteParameter {
  repeated uint32 order = 1; // New order of the axes, e.g. 0 2 3 1 for NCHW to NHWC.
}

message NormalizeParameter {
  optional bool across_spatial = 1 [default = true]; // Normalise over C*H*W together instead of per position.
  optional FillerParameter scale_filler = 2; // Initialisation of the learned scale.
  optional bool channel_shared = 3 [default = true]; // One scale shared by all channels.
  optional float eps = 4 [default = 1e-10]; // Added to the norm for numerical stability.
}

message PriorBoxParameter {
  enum CodeType {
    CORNER = 1; // Boxes as (xmin, ymin, xmax, ymax).
    CENTER_SIZE = 2; // Boxes as (center x, center y, width, height).
    CORNER_SIZE = 3; // Corners relative to the box size.
  }
  repeated float min_size = 1; // Minimum box size in pixels.
  repeated float max_size = 2; // Maximum box size in pixels.
  repeated float aspect_ratio = 3; // Aspect ratios of the boxes (1 is always used).
  optional bool flip = 4 [default = true]; // Also use 1/r for each aspect ratio r.
  optional bool clip = 5 [default = false]; // Clip boxes to [0, 1].
  repeated float variance = 6; // Variance used to encode box offsets.
  optional uint32 img_size = 7; // Image size (instead of reading it from the second bottom).
  optional uint32 img_h = 8; // Image height.
  optional uint32 img_w = 9; // Image width.
  optional float step = 10; // Distance between box centres in pixels.
  optional float step_h = 11; // Vertical distance between box centres.
  optional float step_w = 12; // Horizontal distance between box centres.
  optional float offset = 13 [default = 0.5]; // Offset of the box centre within its cell.
}

message NonMaximumSuppressionParameter {
  optional float nms_threshold = 1 [default = 0.3]; // Overlap above which a box is suppressed.
  optional int32 top_k = 2; // Keep at most this many boxes before NMS.
  optional float eta = 3 [default = 1.0]; // Adaptive NMS factor.
}

message SaveOutputParameter {
  optional string output_directory = 1; // Folder the detections are written to.
  optional string output_name_prefix = 2; // Prefix of the output files.
  optional string output_format = 3; // VOC or COCO.
  optional string label_map_file = 4; // Label map file.
  optional string name_size_file = 5; // File listing image names and sizes.
  optional uint32 num_test_image = 6; // Number of test images.
}

message DetectionOutputParameter {
  optional uint32 num_classes = 1; // Number of classes, background included.
  optional bool share_location = 2 [default = true]; // Boxes are shared by all classes.
  optional int32 background_label_id = 3 [default = 0]; // Label of the background class (-1 if none).
  optional NonMaximumSuppressionParameter nms_param = 4; // Non-maximum suppression settings.
  optional SaveOutputParameter save_output_param = 5; // Where to save detections.
  optional PriorBoxParameter.CodeType code_type = 6 [default = CORNER]; // Box encoding.
  optional bool variance_encoded_in_target = 8 [default = false]; // Variance already applied to the offsets.
  optional int32 keep_top_k = 7 [default = -1]; // Boxes kept per image after NMS (-1 = all).
  optional float confidence_threshold = 9; // Ignore boxes scoring below this.
  optional bool visualize = 10 [default = false]; // Show the detections.
  optional float visualize_threshold = 11; // Score threshold of shown detections.
  optional string save_file = 12; // Video file to save to.
}
`;

export const FORK_FIELDS: readonly ForkField[] = [
  {
    parent: 'PoolingParameter',
    name: 'ceil_mode',
    id: 13,
    type: 'bool',
    repeated: false,
    defaultValue: true,
    doc: 'Round the output size up (true) or down (false).',
    forks: [PR_3057],
    note: 'same field number as BVLC `round_mode`; `ceil_mode: false` means `round_mode: FLOOR`',
  },
  {
    parent: 'LayerParameter',
    name: 'shuffle_channel_param',
    id: 164,
    type: 'ShuffleChannelParameter',
    repeated: false,
    doc: 'ShuffleChannel layer settings.',
    forks: [SHUFFLENET],
  },
  {
    parent: 'LayerParameter',
    name: 'permute_param',
    id: 202,
    type: 'PermuteParameter',
    repeated: false,
    doc: 'Permute layer settings.',
    forks: [SSD],
  },
  {
    parent: 'LayerParameter',
    name: 'prior_box_param',
    id: 203,
    type: 'PriorBoxParameter',
    repeated: false,
    doc: 'PriorBox layer settings.',
    forks: [SSD],
  },
  {
    parent: 'LayerParameter',
    name: 'detection_output_param',
    id: 204,
    type: 'DetectionOutputParameter',
    repeated: false,
    doc: 'DetectionOutput layer settings.',
    forks: [SSD],
  },
  {
    parent: 'LayerParameter',
    name: 'norm_param',
    id: 206,
    type: 'NormalizeParameter',
    repeated: false,
    doc: 'Normalize layer settings.',
    forks: [SSD],
  },
];

export const FORK_LAYER_TYPES: readonly ForkLayerType[] = [
  {
    type: 'ShuffleChannel',
    params: ['shuffle_channel_param'],
    forks: [SHUFFLENET],
    doc: 'Interleaves the channels of `group` groups (ShuffleNet channel shuffle).',
  },
  {
    type: 'ConvolutionDepthwise',
    params: ['convolution_param'],
    forks: ['farmingyard/caffe-mobilenet', SHUFFLENET],
    doc: 'Depthwise convolution (one filter per channel); settings in convolution_param.',
  },
  {
    type: 'DepthwiseConvolution',
    params: ['convolution_param'],
    forks: ['yonghenglh6/DepthwiseConvolution'],
    doc: 'Depthwise convolution (one filter per channel); settings in convolution_param.',
  },
  {
    type: 'Normalize',
    params: ['norm_param'],
    forks: [SSD],
    doc: 'L2 normalisation with a learned scale (SSD).',
  },
  {
    type: 'Permute',
    params: ['permute_param'],
    forks: [SSD],
    doc: 'Reorders the axes of its input (SSD).',
  },
  {
    type: 'PriorBox',
    params: ['prior_box_param'],
    forks: [SSD],
    doc: 'Generates default (prior) boxes for a feature map (SSD).',
  },
  {
    type: 'DetectionOutput',
    params: ['detection_output_param'],
    forks: [SSD],
    doc: 'Decodes boxes and applies non-maximum suppression (SSD).',
  },
];

/** `foo` is not in BVLC Caffe; accepted by forks: ... (note). */
export function forkMessage(what: string, origin: ForkOrigin): string {
  const note = origin.note ? ` (${origin.note})` : '';
  return `${what} is not in BVLC Caffe; accepted by forks: ${origin.forks.join('; ')}${note}`;
}
