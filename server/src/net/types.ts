// What the network analysis produces: the contract between net/ (producer) and energy/, lsp/, cli/
// (consumers). Numbers are per forward pass at the analysed batch size; `undefined` means unknown
// (e.g. downstream of a layer type we cannot infer), never a guess.
import type { Span } from '../text/ast';
import type { Problem } from '../problem';

/** N,C,H,W (or fewer/more axes, as Caffe blobs allow). */
export type Shape = number[];

/** Inputs of the energy models. Hyper-parameters are those of conv/pool/fc layers, absent otherwise. */
export interface LayerFeatures {
  macs?: number;
  /** Learnable weights and biases (BatchNorm's stored statistics excluded, Scale included). */
  params?: number;
  inputElements?: number;
  outputElements?: number;
  /** fp32 bytes of learnable parameters. */
  weightBytes?: number;
  /** fp32 bytes of input plus output activations. */
  activationBytes?: number;
  kernelH?: number;
  kernelW?: number;
  strideH?: number;
  strideW?: number;
  padH?: number;
  padW?: number;
  channelsIn?: number;
  channelsOut?: number;
  group?: number;
  heightIn?: number;
  widthIn?: number;
  heightOut?: number;
  widthOut?: number;
}

export interface AnalyzedLayer {
  name: string;
  /** Canonical V2 type name (`Convolution`, `InnerProduct`, ...), after V0/V1 upgrade. */
  type: string;
  bottoms: string[];
  tops: string[];
  /** One entry per top; undefined where the shape cannot be known. */
  outputShapes: Array<Shape | undefined>;
  features: LayerFeatures;
  /** Inserted by Caffe where a blob feeds several layers (not in the file). */
  isSplit: boolean;
  /** Span of the whole layer block in the document (absent for inserted Split layers). */
  span?: Span;
  nameSpan?: Span;
  typeSpan?: Span;
}

export interface NetInput {
  name: string;
  shape?: Shape;
}

export interface NetAnalysis {
  name: string;
  inputs: NetInput[];
  /** Layers in execution order (file order, with inserted Split layers after their producer). */
  layers: AnalyzedLayer[];
  totals: { macs: number; params: number };
  problems: Problem[];
}

export interface AnalyzeOptions {
  phase?: 'TEST' | 'TRAIN';
  /** Batch size used for every input (default 1: predictions are per image). */
  batch?: number;
  /** Overrides the input shape of the first input (N is replaced by `batch`). */
  inputShape?: Shape;
}
