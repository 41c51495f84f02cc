// Renders the structure of a .caffemodel as prototxt text: the network as stored in the file
// (V2 files as `layer { type: "..." }`, V1/V0 files as `layers { type: ENUM }`, not upgraded, so
// the text shows exactly what the file holds), each layer preceded by a comment giving its stored
// blob shapes, the whole preceded by a header naming the file and saying the weights were skipped.
import * as path from 'path';
import { printTree, quoteString, type PrintNode } from '../../text/printer';
import { caffeSchema, type FieldInfo } from '../schema';
import { blobShapeCount } from './net-summary';
import type { BlobStructure, CaffemodelStructure, LayerStructure, PlainMessage, UnknownField } from './types';

/** Prototxt text of the network stored in a .caffemodel (see the file comment). */
export function caffemodelToPrototxt(structure: CaffemodelStructure, fileName: string = path.basename(structure.path)): string {
  const nodes: PrintNode[] = [...messageNodes(structure.header, 'NetParameter'), ...structure.layers.map(layerNode)];
  // The header is the first node's leading comment, so the text is already in formatter style.
  const header = [...headerLines(structure, fileName), ...structure.unknownFields.map(describeUnknown), ''];
  nodes[0] = { ...nodes[0], leadingComments: [...header, ...(nodes[0].leadingComments ?? [])] };
  return printTree(nodes);
}

function headerLines(s: CaffemodelStructure, fileName: string): string[] {
  const formats: Record<CaffemodelStructure['format'], string> = {
    V2: "V2 'layer' format",
    V1: "V1 'layers' format, shown as stored; Caffe upgrades it to V2 'layer' on load",
    V0: "V0 format, shown as stored; Caffe upgrades it to V2 'layer' on load",
    mixed: "both V2 'layer' and V1 'layers' entries, which Caffe refuses to load",
  };
  const { blobs, storedValues, skippedBytes } = s.totals;
  return [
    `${fileName}: ${count(s.fileSize)} bytes, ${plural(s.layers.length, 'layer')}, ${formats[s.format]}.`,
    `Structure only: the ${plural(blobs, 'weight blob')} (${count(storedValues)} stored values, ${count(skippedBytes)} bytes) ${blobs === 1 ? 'was' : 'were'} skipped, not read.`,
  ];
}

function layerNode(layer: LayerStructure): PrintNode {
  const typeName = layer.format === 'V2' ? 'LayerParameter' : 'V1LayerParameter';
  const comments = [describeBlobs(layer), ...layer.unknownFields.map(describeUnknown)].filter((c): c is string => !!c);
  return {
    name: layer.format === 'V2' ? 'layer' : 'layers',
    value: messageNodes(layer.message, typeName),
    leadingComments: ['', ...comments], // a blank line between layers
  };
}

/** `weights: 96x3x11x11 (34,848 floats), bias: 96` — one entry per stored blob. */
export function describeBlobs(layer: LayerStructure): string | undefined {
  if (layer.blobs.length === 0) return undefined;
  const roles = blobRoles(layer);
  return layer.blobs.map((blob, i) => `${roles[i] ?? `blob ${i}`}: ${describeBlob(blob)}`).join(', ');
}

function describeBlob(blob: BlobStructure): string {
  const hasShape = blob.shape !== undefined || blob.legacyShape !== undefined;
  const dims = hasShape ? (blob.dims.length > 0 ? blob.dims.join('x') : 'scalar') : 'no shape';
  const doubles = blob.doubleDataCount > 0;
  const stored = blob.dataCount + blob.doubleDataCount;
  const unit = doubles ? 'double' : 'float';
  const expected = blobShapeCount(blob);
  const notes: string[] = [];
  if (hasShape && stored !== expected) {
    notes.push(`shape calls for ${count(expected)} values but ${plural(stored, unit)} are stored`);
  } else if (!hasShape || blob.dims.length > 1 || doubles) {
    notes.push(plural(stored, unit));
  }
  const diff = blob.diffCount + blob.doubleDiffCount;
  if (diff > 0) notes.push(`plus ${count(diff)} stored gradient values`);
  return notes.length > 0 ? `${dims} (${notes.join('; ')})` : dims;
}

/** What each blob of a layer holds, by the layer's type (Caffe's blob order). */
function blobRoles(layer: LayerStructure): string[] {
  const schema = caffeSchema();
  const v0Type = (layer.message.layer as PlainMessage | undefined)?.type;
  const type =
    layer.format === 'V2'
      ? layer.type
      : layer.format === 'V0' && typeof v0Type === 'string'
        ? (schema.v0ToV2LayerType(v0Type) ?? v0Type)
        : (schema.v1ToV2LayerType(layer.type) ?? layer.type);
  switch (type) {
    case 'Convolution':
    case 'Deconvolution':
    case 'InnerProduct':
    case 'Embed':
    case 'ConvolutionDepthwise':
    case 'DepthwiseConvolution':
      return ['weights', 'bias'];
    case 'BatchNorm':
      return ['mean', 'variance', 'moving-average factor'];
    case 'Scale':
      return ['scale', 'bias'];
    case 'Bias':
      return ['bias'];
    case 'PReLU':
      return ['slope'];
    case 'Normalize':
      return ['scale'];
    default:
      return [];
  }
}

function describeUnknown(u: UnknownField): string {
  return `unknown field ${u.field} of ${u.inMessage} (wire type ${u.wireType}, ${plural(u.byteLength, 'byte')} at byte ${u.offset}) not shown`;
}

/**
 * Fields printed first, as in hand-written nets: V1LayerParameter declares bottom and top before
 * name, and its nested V0 `layer` last, whereas V0 files put `layer { }` first.
 */
const LEADING_FIELDS = ['name', 'type', 'layer', 'bottom', 'top'];

function fieldOrder(typeName: string): FieldInfo[] {
  const fields = caffeSchema().fieldsOf(typeName);
  const leading = LEADING_FIELDS.flatMap((name) => fields.filter((f) => f.name === name));
  return [...leading, ...fields.filter((f) => !LEADING_FIELDS.includes(f.name))];
}

/** Print nodes of a plain message: name/type/bottom/top, then schema declaration order (then fork extensions). */
function messageNodes(message: PlainMessage, typeName: string): PrintNode[] {
  const nodes: PrintNode[] = [];
  for (const field of fieldOrder(typeName)) {
    const value = message[field.name];
    if (value === undefined || value === null) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) nodes.push({ name: field.name, value: fieldValue(field, v) });
  }
  return nodes;
}

function fieldValue(field: FieldInfo, value: unknown): string | PrintNode[] {
  if (field.kind === 'message') return messageNodes((value ?? {}) as PlainMessage, field.type);
  if (field.kind === 'enum') return String(value); // a name, or the number of a value the schema lacks
  switch (field.scalarType) {
    case 'string':
      return quoteString(String(value));
    case 'bytes':
      return quoteString(Buffer.from(value as Uint8Array).toString('latin1'));
    case 'bool':
      return value ? 'true' : 'false';
    case 'float':
      return formatFloat32(Number(value));
    case 'double':
      return formatNumber(Number(value));
    default:
      return String(value);
  }
}

/** The shortest decimal that reads back as the same 32-bit float (0.1f prints as 0.1, not 0.10000000149). */
export function formatFloat32(value: number): string {
  if (!Number.isFinite(value)) return formatNumber(value);
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = Number(value.toPrecision(precision));
    if (Math.fround(candidate) === value) return String(candidate);
  }
  return String(value);
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return String(value);
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? '' : 's'}`;
}
