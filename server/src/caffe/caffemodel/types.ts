// What the structural .caffemodel reader returns: the network definition stored in the file,
// with each weight blob reduced to its shape and the number of values it holds.

/** Plain object produced by protobufjs `toObject({ enums: String, longs: Number, defaults: false })`. */
export type PlainMessage = Record<string, unknown>;

export interface BlobStructure {
  /** File offset of the blob's field tag. */
  offset: number;
  /** Bytes of the whole field (tag, length and message). */
  byteLength: number;
  /** Axes from BlobShape `dim`, when the blob has a `shape`. */
  shape?: number[];
  /** Legacy 4-D dims (num, channels, height, width), when any of them is stored. */
  legacyShape?: [number, number, number, number];
  /** The shape to show: `shape`, else the legacy 4 dims, else empty (unknown). */
  dims: number[];
  /** Element counts implied by the skipped payloads. */
  dataCount: number;
  diffCount: number;
  doubleDataCount: number;
  doubleDiffCount: number;
}

export interface UnknownField {
  /** Field number, not in BVLC caffe.proto for the message it appears in. */
  field: number;
  wireType: number;
  /** Message type it appeared in, e.g. `LayerParameter`. */
  inMessage: string;
  offset: number;
  byteLength: number;
}

/** V2 = NetParameter.layer (100); V1 = NetParameter.layers (2); V0 = `layers` wrapping a `layer`. */
export type LayerFormat = 'V2' | 'V1' | 'V0';

export interface LayerStructure {
  index: number;
  format: LayerFormat;
  /** File offset of the layer's field tag. */
  offset: number;
  byteLength: number;
  name: string;
  /** V2 type string, V1 enum name (`CONVOLUTION`), or V0 type string (`conv`). */
  type: string;
  bottoms: string[];
  tops: string[];
  /**
   * The layer message without its blobs, as protobufjs plain object: LayerParameter for V2,
   * V1LayerParameter for V1 and V0 (a V0 layer's own fields are under `layer`).
   */
  message: PlainMessage;
  /** Blobs in file order (for V0: the V1 wrapper's, then the nested V0 layer's). */
  blobs: BlobStructure[];
  unknownFields: UnknownField[];
}

export interface NetInput {
  name: string;
  shape?: number[];
  /** Where the input is declared. */
  source: 'input_shape' | 'input_dim' | 'input' | 'Input layer';
}

export interface CaffemodelStructure {
  path: string;
  fileSize: number;
  name: string;
  /** 'mixed' when a file has both V2 `layer` and V1 `layers` entries (Caffe itself rejects that). */
  format: LayerFormat | 'mixed';
  /** NetParameter fields other than layers (name, input, input_shape, state, ...). */
  header: PlainMessage;
  inputs: NetInput[];
  layers: LayerStructure[];
  /** Unknown fields of the NetParameter itself. */
  unknownFields: UnknownField[];
  totals: {
    blobs: number;
    /** Stored data values (float and double) over all blobs: the learnable values in the file. */
    storedValues: number;
    /** Sum over blobs of the product of their dims (what the shapes say should be stored). */
    shapeValues: number;
    /** Bytes of blob payloads skipped without reading. */
    skippedBytes: number;
  };
}

export interface ReadProgress {
  bytesDone: number;
  fileSize: number;
  layers: number;
}

export interface ReadCaffemodelOptions {
  /** Aborting rejects with the signal's reason (an AbortError by default). */
  signal?: AbortSignal;
  /** Called after each layer. */
  onProgress?: (progress: ReadProgress) => void;
}
