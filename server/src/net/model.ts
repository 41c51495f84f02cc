// The network as the analysis sees it after upgrading V0/V1 files: one list of layers with V2 type
// names and V2-shaped parameter messages, whatever format the file was written in.
import type { MessageValue, Span } from '../text/ast';
import type { Problem } from '../problem';

export type FileFormat = 'V0' | 'V1' | 'V2';

/** A blob name as written in a `bottom`/`top`/`input` field. */
export interface BlobRef {
  name: string;
  span: Span;
}

/** Caffe's NetStateRule (include/exclude). Absent limits do not constrain. */
export interface StateRule {
  phase?: 'TRAIN' | 'TEST';
  minLevel?: number;
  maxLevel?: number;
  stages: string[];
  notStages: string[];
}

export interface LayerDef {
  /** Position among the upgraded layers (file order). */
  index: number;
  name: string;
  /** V2 type string (`Convolution`); for unknown V0/V1 names, the name as written. */
  type: string;
  bottoms: BlobRef[];
  tops: BlobRef[];
  /**
   * LayerParameter-shaped message: `convolution_param { ... }` etc. For V1/V2 the file's own block; for
   * V0 a synthetic message whose fields are the file's value nodes (so spans still point at the file).
   */
  message: MessageValue;
  span: Span;
  nameSpan?: Span;
  typeSpan?: Span;
  include: StateRule[];
  exclude: StateRule[];
  /** Explicit `loss_weight` values (Caffe's insert_splits counts only these). */
  lossWeights: number[];
  format: FileFormat;
}

/** An input declared in the net header (`input:` with `input_dim`/`input_shape`). */
export interface HeaderInput {
  name: string;
  span: Span;
  /** Dimensions as written (before the batch is applied); absent when the header gives none. */
  dims?: number[];
}

export interface NetState {
  phase: 'TRAIN' | 'TEST';
  level: number;
  stages: string[];
}

export interface NetDefinition {
  name: string;
  format: FileFormat;
  headerInputs: HeaderInput[];
  layers: LayerDef[];
  /** The file's own `state { level stage }` (phase is always chosen by the caller). */
  fileLevel?: number;
  fileStages: string[];
  problems: Problem[];
}
