// What the network analysis produces: the contract between net/ (producer) and energy/, lsp/, cli/
// (consumers). Numbers are per forward pass at the analysed batch size; `undefined` means unknown
// (e.g. downstream of a layer type we cannot infer), never a guess.
import type { Span } from '../text/ast';
import type { Problem } from '../problem';

/** N,C,H,W (or fewer/more axes, as Caffe blobs allow). */
export type Shape = number[];

/** Inputs of the energy models. Hyper-parameters are those of conv/pool/fc layers, absent otherwise. */
export interface LayerFeatures {
  /**
   * Multiply-accumulates of conv/deconv/fc layers at the analysed batch (conv: Cout*Hout*Wout*(Cin/group)*kh*kw
   * per image; deconv: Cin*Hin*Win*(Cout/group)*kh*kw; fc: in_features*num_output); 0 for every other type.
   */
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
  /** Spans of the `bottom`/`top` values, parallel to `bottoms`/`tops` (absent for inserted Split layers). */
  bottomSpans?: Span[];
  topSpans?: Span[];
  /** Bottom names as Caffe runs the net (split outputs), present only where they differ from `bottoms`. */
  caffeBottoms?: string[];
}

/** Totals over the layers of one type. */
export interface TypeTotals {
  layers: number;
  macs: number;
  params: number;
}

/** A layer of the file left out of the analysed net by its include/exclude rules. */
export interface ExcludedLayer {
  name: string;
  type: string;
  span: Span;
  nameSpan?: Span;
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
  /** Format the file was written in (analysis always works on the upgraded V2 form). */
  format?: 'V0' | 'V1' | 'V2';
  /** True when every layer's shapes, MACs and params are known (totals are then exact). */
  complete?: boolean;
  /** Totals per canonical layer type (inserted Split layers under `Split`). */
  byType?: Record<string, TypeTotals>;
  /** Layers present in the file but not in the analysed phase/state. */
  excluded?: ExcludedLayer[];
}

export interface AnalyzeOptions {
  phase?: 'TEST' | 'TRAIN';
  /** Batch size used for every input (default 1: predictions are per image). */
  batch?: number;
  /** Overrides the input shape of the first input (N is replaced by `batch`). */
  inputShape?: Shape;
  /** NetState level and extra stages for include/exclude rules (default: the file's `state`, level 0). */
  level?: number;
  stages?: string[];
}
