// Walks a binary NetParameter through a BufferedFileReader: layers, blobs and payloads are
// streamed field by field, every other schema field is validated and decoded by protobufjs, and
// blob payloads are skipped by their length prefixes. Limits on counts and sizes keep memory and
// time bounded whatever the bytes are.
import * as protobuf from 'protobufjs';
import { CaffemodelError } from './errors';
import type { BufferedFileReader } from './file-reader';
import { blobTotals, netFormat, netInputs, stringField, stringList } from './net-summary';
import type { CaffeTypes } from './schema-types';
import type { BlobStructure, CaffemodelStructure, LayerStructure, PlainMessage, ReadCaffemodelOptions, UnknownField } from './types';
import { MAX_NESTING, validateMessage } from './validate';
import {
  MAX_TAG,
  MAX_VARINT_BYTES,
  WIRE_END_GROUP,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LENGTH_DELIMITED,
  WIRE_START_GROUP,
  WIRE_VARINT,
  acceptsWireType,
  elementWireType,
  fieldLabel,
  fixedSize,
  wireTypeName,
} from './wire';

/** A non-blob field larger than this is not a parameter message but a broken length. */
export const MAX_PARAMETER_FIELD_BYTES = 1024 * 1024;
/** All non-blob fields together (the network definition); real nets need well under 1 MiB. */
export const MAX_DEFINITION_BYTES = 8 * 1024 * 1024;
/** Top-level fields of layers, blobs and header; real nets have tens of thousands at most. */
export const MAX_DEFINITION_FIELDS = 250_000;
/** Real nets have at most a few thousand layers and blobs; garbage could claim millions of empty ones. */
export const MAX_LAYERS = 100_000;
export const MAX_BLOBS = 200_000;
/** Fields unknown to caffe.proto: a few in forks' files, millions in garbage. */
export const MAX_UNKNOWN_FIELDS = 10_000;
/** Unknown fields recorded per message (the rest are counted, not recorded). */
export const MAX_UNKNOWN_RECORDED = 100;

const TO_OBJECT: protobuf.IConversionOptions = { enums: String, longs: Number, defaults: false };

const NET_LAYER_V2 = 100;
const NET_LAYERS_V1 = 2;
const LAYER_BLOBS = 7;
const V1_BLOBS = 6;
const V1_NESTED_V0 = 1;
const V0_BLOBS = 50;
const NET_STREAMED: ReadonlySet<number> = new Set([NET_LAYER_V2, NET_LAYERS_V1]);
const V1_STREAMED: ReadonlySet<number> = new Set([V1_BLOBS, V1_NESTED_V0]);
const V0_STREAMED: ReadonlySet<number> = new Set([V0_BLOBS]);
const BLOB_STREAMED: ReadonlySet<number> = new Set([5, 6, 8, 9]);

/** A message being walked: where it ends, its schema type and nesting level. */
interface Scope {
  type: protobuf.Type;
  end: number;
  depth: number;
}

interface Tag {
  fieldStart: number;
  fieldNumber: number;
  wireType: number;
}

/** Fields of a message kept for one protobufjs decode, in one growing buffer (not one per field). */
class ByteSink {
  private buffer = Buffer.allocUnsafe(256);
  private length = 0;

  append(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes.length));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

interface Walked {
  kept: ByteSink;
  unknown: UnknownField[];
}

/** Payloads of BlobProto by field number: bytes per element and the unpacked tag byte. */
const PAYLOAD_FIELDS = new Map<number, { elementBytes: number; unpackedTag: number }>([
  [5, { elementBytes: 4, unpackedTag: (5 << 3) | WIRE_FIXED32 }],
  [6, { elementBytes: 4, unpackedTag: (6 << 3) | WIRE_FIXED32 }],
  [8, { elementBytes: 8, unpackedTag: (8 << 3) | WIRE_FIXED64 }],
  [9, { elementBytes: 8, unpackedTag: (9 << 3) | WIRE_FIXED64 }],
]);
const PAYLOAD_BY_UNPACKED_TAG = new Map([...PAYLOAD_FIELDS].map(([field, p]) => [p.unpackedTag, { field, ...p }]));

export class ModelWalker {
  private keptBytes = 0;
  private keptFields = 0;
  private unknownFields = 0;
  private blobCount = 0;
  private skippedBytes = 0;
  /** LayerParameter fields read by handlers: blobs, and fork extensions BVLC does not define. */
  private readonly v2Streamed: ReadonlySet<number>;

  constructor(
    private readonly reader: BufferedFileReader,
    private readonly types: CaffeTypes,
    private readonly path: string,
    private readonly options: ReadCaffemodelOptions,
  ) {
    const forks = [...types.layerForkFields.keys()].filter((n) => !types.LayerParameter.fieldsById[n]);
    this.v2Streamed = new Set([LAYER_BLOBS, ...forks]);
  }

  async readNet(): Promise<CaffemodelStructure> {
    const { reader, types } = this;
    const scope: Scope = { type: types.NetParameter, end: reader.size, depth: 0 };
    const layers: LayerStructure[] = [];
    const walked = await this.walk(scope, NET_STREAMED, async (tag) => {
      this.options.signal?.throwIfAborted();
      if (layers.length >= MAX_LAYERS)
        throw new CaffemodelError(tag.fieldStart, `more than ${MAX_LAYERS} layers: not a plausible Caffe model`);
      this.expectWireType(scope, tag, WIRE_LENGTH_DELIMITED);
      const end = this.readLength(scope, tag);
      const layer =
        tag.fieldNumber === NET_LAYER_V2
          ? await this.readV2Layer(tag, end, layers.length)
          : await this.readV1Layer(tag, end, layers.length);
      layers.push(layer);
      this.options.onProgress?.({ bytesDone: reader.position, fileSize: reader.size, layers: layers.length });
    });
    if (layers.length === 0) {
      throw new CaffemodelError(
        0,
        `not a Caffe model: no layers found (neither 'layer' (100) nor 'layers' (2) fields in ${reader.size} bytes)`,
      );
    }
    const header = this.decode(types.NetParameter, walked.kept.bytes(), 0);
    return {
      path: this.path,
      fileSize: reader.size,
      name: typeof header.name === 'string' ? header.name : '',
      format: netFormat(layers),
      header,
      inputs: netInputs(header, layers),
      layers,
      unknownFields: walked.unknown,
      totals: blobTotals(layers, this.skippedBytes),
    };
  }

  private async readV2Layer(tag: Tag, end: number, index: number): Promise<LayerStructure> {
    const scope: Scope = { type: this.types.LayerParameter, end, depth: 1 };
    const blobs: BlobStructure[] = [];
    const forkValues: PlainMessage = {};
    const walked = await this.walk(scope, this.v2Streamed, async (t) => {
      if (t.fieldNumber === LAYER_BLOBS) {
        blobs.push(await this.readBlob(scope, t));
        return;
      }
      const fork = this.types.layerForkFields.get(t.fieldNumber)!;
      forkValues[fork.name] = await this.readForkMessage(scope, t, fork.type);
    });
    const message = { ...this.decode(scope.type, walked.kept.bytes(), tag.fieldStart), ...forkValues };
    return {
      index,
      format: 'V2',
      offset: tag.fieldStart,
      byteLength: end - tag.fieldStart,
      name: stringField(message.name),
      type: stringField(message.type),
      bottoms: stringList(message.bottom),
      tops: stringList(message.top),
      message,
      blobs,
      unknownFields: walked.unknown,
    };
  }

  /** A V1 `layers` entry; V0 files wrap the old-style layer in its field 1. */
  private async readV1Layer(tag: Tag, end: number, index: number): Promise<LayerStructure> {
    const scope: Scope = { type: this.types.V1LayerParameter, end, depth: 1 };
    const blobs: BlobStructure[] = [];
    let v0: { message: PlainMessage; blobs: BlobStructure[]; unknown: UnknownField[] } | undefined;
    const walked = await this.walk(scope, V1_STREAMED, async (t) => {
      if (t.fieldNumber === V1_BLOBS) {
        blobs.push(await this.readBlob(scope, t));
        return;
      }
      if (v0) throw new CaffemodelError(t.fieldStart, `second V0 'layer' (1) in one 'layers' entry`);
      v0 = await this.readV0Layer(scope, t);
    });
    const message = this.decode(scope.type, walked.kept.bytes(), tag.fieldStart);
    if (v0) message.layer = v0.message;
    return {
      index,
      format: v0 ? 'V0' : 'V1',
      offset: tag.fieldStart,
      byteLength: end - tag.fieldStart,
      name: stringField(message.name ?? v0?.message.name),
      type: stringField(message.type ?? v0?.message.type),
      bottoms: stringList(message.bottom),
      tops: stringList(message.top),
      message,
      blobs: v0 ? [...blobs, ...v0.blobs] : blobs,
      unknownFields: v0 ? [...walked.unknown, ...v0.unknown] : walked.unknown,
    };
  }

  private async readV0Layer(parent: Scope, tag: Tag): Promise<{ message: PlainMessage; blobs: BlobStructure[]; unknown: UnknownField[] }> {
    this.expectWireType(parent, tag, WIRE_LENGTH_DELIMITED);
    const scope: Scope = { type: this.types.V0LayerParameter, end: this.readLength(parent, tag), depth: parent.depth + 1 };
    const blobs: BlobStructure[] = [];
    const walked = await this.walk(scope, V0_STREAMED, async (t) => {
      blobs.push(await this.readBlob(scope, t));
    });
    return { message: this.decode(scope.type, walked.kept.bytes(), tag.fieldStart), blobs, unknown: walked.unknown };
  }

  /** A BlobProto: shape fields decoded, payloads counted and skipped. */
  private async readBlob(parent: Scope, tag: Tag): Promise<BlobStructure> {
    this.expectWireType(parent, tag, WIRE_LENGTH_DELIMITED);
    if (++this.blobCount > MAX_BLOBS)
      throw new CaffemodelError(tag.fieldStart, `more than ${MAX_BLOBS} blobs: not a plausible Caffe model`);
    const scope: Scope = { type: this.types.BlobProto, end: this.readLength(parent, tag), depth: parent.depth + 1 };
    const counts = new Map<number, number>([
      [5, 0],
      [6, 0],
      [8, 0],
      [9, 0],
    ]);
    const walked = await this.walk(scope, BLOB_STREAMED, (t) => this.skipPayload(scope, t, counts));
    const message = this.decode(scope.type, walked.kept.bytes(), tag.fieldStart);
    const shape = (message.shape as { dim?: number[] } | undefined)?.dim;
    const legacy = ['num', 'channels', 'height', 'width'].map((k) => message[k] as number | undefined);
    const legacyShape = legacy.some((v) => v !== undefined) ? (legacy.map((v) => v ?? 0) as [number, number, number, number]) : undefined;
    return {
      offset: tag.fieldStart,
      byteLength: scope.end - tag.fieldStart,
      ...(message.shape !== undefined ? { shape: shape ?? [] } : {}),
      ...(legacyShape ? { legacyShape } : {}),
      dims: message.shape !== undefined ? (shape ?? []) : (legacyShape ?? []),
      dataCount: counts.get(5)!,
      diffCount: counts.get(6)!,
      doubleDataCount: counts.get(8)!,
      doubleDiffCount: counts.get(9)!,
    };
  }

  /**
   * Skips a float/double payload field and adds its element count to `counts`: packed (one
   * length-prefixed run) or unpacked (a tag per element; a run of unpacked elements is skipped in
   * a tight loop over the window, since a big unpacked blob has millions of them).
   */
  private async skipPayload(scope: Scope, tag: Tag, counts: Map<number, number>): Promise<void> {
    const { reader } = this;
    const payload = PAYLOAD_FIELDS.get(tag.fieldNumber)!;
    const label = fieldLabel(scope.type, tag.fieldNumber);
    if (tag.wireType === WIRE_LENGTH_DELIMITED) {
      const end = this.readLength(scope, tag);
      const length = end - reader.position;
      if (length % payload.elementBytes !== 0) {
        throw new CaffemodelError(tag.fieldStart, `packed field ${label} has length ${length}, not a multiple of ${payload.elementBytes}`);
      }
      this.skippedBytes += length;
      reader.seek(end);
      counts.set(tag.fieldNumber, counts.get(tag.fieldNumber)! + length / payload.elementBytes);
      return;
    }
    this.expectWireType(scope, tag, payload.elementBytes === 4 ? WIRE_FIXED32 : WIRE_FIXED64);
    if (reader.position + payload.elementBytes > scope.end) {
      throw new CaffemodelError(tag.fieldStart, `${payload.elementBytes}-byte value of field ${label} runs past ${this.endName(scope)}`);
    }
    reader.seek(reader.position + payload.elementBytes);
    counts.set(tag.fieldNumber, counts.get(tag.fieldNumber)! + 1);
    this.skippedBytes += payload.elementBytes;
    for (;;) {
      for (;;) {
        const next = PAYLOAD_BY_UNPACKED_TAG.get(reader.peekByte());
        const step = next ? 1 + next.elementBytes : 0;
        if (!next || reader.buffered < step || reader.position + step > scope.end) break;
        reader.seek(reader.position + step);
        counts.set(next.field, counts.get(next.field)! + 1);
        this.skippedBytes += next.elementBytes;
      }
      const before = reader.buffered;
      if (before >= 9 || reader.position >= scope.end) return; // something else follows: the walk takes it
      await reader.fill(reader.size); // the run may go on past the window
      if (reader.buffered === before) return;
    }
  }

  /**
   * Walks the fields of the message in `scope` up to its end. Fields in `streamed` go to `handle`
   * (layers, blobs, payloads); other schema fields are validated and kept for one protobufjs
   * decode; unknown fields are skipped by wire type and recorded. Everything but the handlers and
   * window refills is synchronous: garbage with millions of tiny fields must not cost an await each.
   */
  private async walk(scope: Scope, streamed: ReadonlySet<number>, handle: (tag: Tag) => Promise<void>): Promise<Walked> {
    const { reader } = this;
    const walked: Walked = { kept: new ByteSink(), unknown: [] };
    while (reader.position < scope.end) {
      if (reader.buffered < 2 * MAX_VARINT_BYTES) await reader.fill(2 * MAX_VARINT_BYTES);
      const tag = this.readTag(scope);
      if (streamed.has(tag.fieldNumber)) {
        await handle(tag);
        continue;
      }
      const field = scope.type.fieldsById[tag.fieldNumber];
      if (field && !acceptsWireType(field, tag.wireType)) this.expectWireType(scope, tag, elementWireType(field));
      if (tag.wireType === WIRE_START_GROUP) await this.skipGroup(scope, tag.fieldNumber, scope.depth + 1, tag.fieldStart);
      else this.skipValue(scope, tag);
      const byteLength = reader.position - tag.fieldStart;
      if (field) {
        await this.keep(scope, tag, byteLength, walked.kept);
        continue;
      }
      if (++this.unknownFields > MAX_UNKNOWN_FIELDS) {
        throw new CaffemodelError(
          tag.fieldStart,
          `more than ${MAX_UNKNOWN_FIELDS} fields unknown to caffe.proto: not a plausible Caffe model`,
        );
      }
      if (walked.unknown.length < MAX_UNKNOWN_RECORDED) {
        walked.unknown.push({
          field: tag.fieldNumber,
          wireType: tag.wireType,
          inMessage: scope.type.name,
          offset: tag.fieldStart,
          byteLength,
        });
      }
    }
    return walked;
  }

  /** Validates a whole schema field (tag included) that ends at the position, and appends it to `sink`. */
  private async keep(scope: Scope, tag: Tag, byteLength: number, sink: ByteSink): Promise<void> {
    this.account(scope, tag, byteLength);
    const end = this.reader.position;
    let bytes = this.reader.view(tag.fieldStart, end);
    if (!bytes) {
      this.reader.seek(tag.fieldStart);
      bytes = await this.reader.readBytes(byteLength);
    }
    // The field on its own is a valid encoding of the enclosing message: validate it as such.
    validateMessage({ bytes, base: tag.fieldStart }, 0, bytes.length, scope.type, scope.depth);
    sink.append(bytes);
  }

  /** Counts a non-blob field against the limits that keep memory bounded on garbage input. */
  private account(scope: Scope, tag: Tag, byteLength: number): void {
    if (byteLength > MAX_PARAMETER_FIELD_BYTES) {
      throw new CaffemodelError(
        tag.fieldStart,
        `field ${fieldLabel(scope.type, tag.fieldNumber)} of ${scope.type.name} takes ${byteLength} bytes, more than the ${MAX_PARAMETER_FIELD_BYTES} a parameter field may (only blobs hold weights)`,
      );
    }
    this.keptBytes += byteLength;
    if (this.keptBytes > MAX_DEFINITION_BYTES) {
      throw new CaffemodelError(
        tag.fieldStart,
        `the network definition (all fields but blobs) exceeds ${MAX_DEFINITION_BYTES} bytes: not a plausible Caffe model`,
      );
    }
    if (++this.keptFields > MAX_DEFINITION_FIELDS) {
      throw new CaffemodelError(
        tag.fieldStart,
        `the network definition has more than ${MAX_DEFINITION_FIELDS} fields: not a plausible Caffe model`,
      );
    }
  }

  /** A fork extension's sub-message (see schema-types.ts), decoded with its own type. */
  private async readForkMessage(scope: Scope, tag: Tag, type: protobuf.Type): Promise<PlainMessage> {
    this.expectWireType(scope, tag, WIRE_LENGTH_DELIMITED);
    const end = this.readLength(scope, tag);
    const start = this.reader.position;
    this.account(scope, tag, end - tag.fieldStart);
    const bytes = await this.reader.readBytes(end - start);
    validateMessage({ bytes, base: start }, 0, bytes.length, type, scope.depth + 1);
    return this.decode(type, bytes, tag.fieldStart);
  }

  private decode(type: protobuf.Type, bytes: Uint8Array, offset: number): PlainMessage {
    try {
      return type.toObject(type.decode(bytes), TO_OBJECT) as PlainMessage;
    } catch (err) {
      throw new CaffemodelError(offset, `could not decode ${type.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Reads a varint from the window (filled by the caller); `what` names it in errors. */
  private varint(scope: Scope, what: () => string): number {
    const start = this.reader.position;
    const r = this.reader.readVarint(scope.end);
    if (typeof r === 'number') return r;
    throw new CaffemodelError(
      start,
      r === 'too-long'
        ? `${what()}: varint too long (more than ${MAX_VARINT_BYTES} bytes)`
        : `${what()} runs past ${this.endName(scope)} (truncated varint)`,
    );
  }

  /** Reads a field tag; the window must hold 20 bytes from the position (or the rest of the file). */
  private readTag(scope: Scope): Tag {
    const fieldStart = this.reader.position;
    const tag = this.varint(scope, () => `field tag in '${scope.type.name}'`);
    const fieldNumber = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (tag > MAX_TAG || fieldNumber === 0 || wireType > WIRE_FIXED32 || wireType === WIRE_END_GROUP) {
      const where = `in '${scope.type.name}'`;
      let detail = `unexpected end-group marker for field ${fieldNumber} ${where}`;
      if (tag > MAX_TAG) detail = `invalid field tag ${tag} ${where} (field number too large)`;
      else if (fieldNumber === 0) detail = `invalid field number 0 ${where}`;
      else if (wireType > WIRE_FIXED32) detail = `invalid wire type ${wireType} ${where}`;
      throw new CaffemodelError(fieldStart, detail);
    }
    return { fieldStart, fieldNumber, wireType };
  }

  /**
   * Reads a length prefix right after its tag (so the window holds it) and returns the end offset
   * of the value, checked against the end of the enclosing message before anything is allocated.
   */
  private readLength(scope: Scope, tag: Tag): number {
    const length = this.varint(scope, () => `length of field ${fieldLabel(scope.type, tag.fieldNumber)}`);
    const end = this.reader.position + length;
    if (end > scope.end) {
      throw new CaffemodelError(
        tag.fieldStart,
        `length ${length} of field ${fieldLabel(scope.type, tag.fieldNumber)} runs past ${this.endName(scope)}`,
      );
    }
    return end;
  }

  /** Moves past a value that is not a group, right after its tag. */
  private skipValue(scope: Scope, tag: Tag): void {
    const { reader } = this;
    const size = fixedSize(tag.wireType);
    if (size !== undefined) {
      if (reader.position + size > scope.end) {
        throw new CaffemodelError(
          tag.fieldStart,
          `${size}-byte value of field ${fieldLabel(scope.type, tag.fieldNumber)} runs past ${this.endName(scope)}`,
        );
      }
      reader.seek(reader.position + size);
    } else if (tag.wireType === WIRE_VARINT) {
      this.varint(scope, () => `value of field ${fieldLabel(scope.type, tag.fieldNumber)}`);
    } else {
      reader.seek(this.readLength(scope, tag));
    }
  }

  /** Skips fields up to the end-group marker of `groupField` (groups are unknown to Caffe). */
  private async skipGroup(scope: Scope, groupField: number, depth: number, start: number): Promise<void> {
    if (depth > MAX_NESTING) throw new CaffemodelError(start, `groups nested too deep (more than ${MAX_NESTING} levels)`);
    const { reader } = this;
    while (reader.position < scope.end) {
      if (reader.buffered < 2 * MAX_VARINT_BYTES) await reader.fill(2 * MAX_VARINT_BYTES);
      const fieldStart = reader.position;
      const tagValue = this.varint(scope, () => `field tag in group ${groupField}`);
      const fieldNumber = Math.floor(tagValue / 8);
      const wireType = tagValue % 8;
      if (wireType === WIRE_END_GROUP) {
        if (fieldNumber !== groupField)
          throw new CaffemodelError(fieldStart, `end-group marker for field ${fieldNumber} closes group ${groupField}`);
        return;
      }
      if (tagValue > MAX_TAG || fieldNumber === 0 || wireType > WIRE_FIXED32) {
        throw new CaffemodelError(fieldStart, `invalid field tag ${tagValue} (wire type ${wireType}) in group ${groupField}`);
      }
      if (++this.unknownFields > MAX_UNKNOWN_FIELDS) {
        throw new CaffemodelError(fieldStart, `more than ${MAX_UNKNOWN_FIELDS} fields unknown to caffe.proto: not a plausible Caffe model`);
      }
      if (wireType === WIRE_START_GROUP) await this.skipGroup(scope, fieldNumber, depth + 1, fieldStart);
      else this.skipValue(scope, { fieldStart, fieldNumber, wireType });
    }
    throw new CaffemodelError(start, `group ${groupField} is not closed before ${this.endName(scope)}`);
  }

  private expectWireType(scope: Scope, tag: Tag, expected: number): void {
    if (tag.wireType === expected) return;
    throw new CaffemodelError(
      tag.fieldStart,
      `field ${fieldLabel(scope.type, tag.fieldNumber)} of ${scope.type.name} has wire type ${wireTypeName(tag.wireType)}, expected ${wireTypeName(expected)}`,
    );
  }

  private endName(scope: Scope): string {
    return scope.depth === 0
      ? `the end of the file (size ${this.reader.size})`
      : `the end of the enclosing '${scope.type.name}' message (byte ${scope.end})`;
  }
}
