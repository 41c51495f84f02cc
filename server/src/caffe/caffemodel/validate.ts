// Checks the bytes of a small sub-message (a layer's convolution_param, a blob's shape, ...)
// against the schema before protobufjs decodes them: protobufjs trusts wire types of singular
// fields and reports bad input as bare RangeErrors, whereas a user needs "what, where".
import * as protobuf from 'protobufjs';
import { CaffemodelError } from './errors';
import {
  MAX_TAG,
  WIRE_END_GROUP,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LENGTH_DELIMITED,
  WIRE_START_GROUP,
  WIRE_VARINT,
  acceptsWireType,
  decodeVarint,
  elementWireType,
  fieldLabel,
  fixedSize,
  wireTypeName,
} from './wire';

/** Deepest message nesting accepted; Caffe's deepest real nesting is about 6. */
export const MAX_NESTING = 32;

/** A message's bytes in memory, with the file offset of `bytes[0]` for error positions. */
interface Region {
  bytes: Uint8Array;
  /** File offset of bytes[0]. */
  base: number;
}

function fail(region: Region, at: number, detail: string): never {
  throw new CaffemodelError(region.base + at, detail);
}

/** `what` names the value in errors; a function, so the hot path builds no strings. */
function readVarint(region: Region, at: number, end: number, what: () => string, scope: string): { value: number; next: number } {
  const r = decodeVarint(region.bytes, at, end);
  if (r.ok) return r;
  if (r.reason === 'too-long') fail(region, at, `${what()} in ${scope}: varint too long (more than 10 bytes)`);
  fail(region, at, `${what()} runs past the end of ${scope} (byte ${region.base + end})`);
}

/**
 * Validates the message `type` encoded in `bytes[start, end)`; `depth` is the nesting level of
 * this message in the file (the NetParameter is 0). Throws CaffemodelError on the first problem.
 */
export function validateMessage(region: Region, start: number, end: number, type: protobuf.Type, depth: number): void {
  if (depth > MAX_NESTING) fail(region, start, `messages nested too deep (more than ${MAX_NESTING} levels) in '${type.name}'`);
  const scope = `the '${type.name}' message`;
  let at = start;
  while (at < end) {
    const tagStart = at;
    const tag = readVarint(region, at, end, () => 'field tag', scope);
    at = tag.next;
    const fieldNumber = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    checkTag(region, tagStart, tag.value, wireType, scope);
    if (wireType === WIRE_END_GROUP) fail(region, tagStart, `unexpected end-group marker for field ${fieldNumber} in ${scope}`);
    const field = type.fieldsById[fieldNumber];
    if (field && !acceptsWireType(field, wireType)) {
      fail(
        region,
        tagStart,
        `field ${fieldLabel(type, fieldNumber)} of ${type.name} has wire type ${wireTypeName(wireType)}, expected ${wireTypeName(elementWireType(field))}`,
      );
    }
    if (wireType === WIRE_START_GROUP) {
      at = skipGroup(region, at, end, fieldNumber, depth + 1, scope);
      continue;
    }
    const size = fixedSize(wireType);
    if (size !== undefined) {
      if (at + size > end) fail(region, tagStart, `${size}-byte value of ${fieldLabel(type, fieldNumber)} runs past the end of ${scope}`);
      at += size;
      continue;
    }
    if (wireType === WIRE_VARINT) {
      at = readVarint(region, at, end, () => `value of ${fieldLabel(type, fieldNumber)}`, scope).next;
      continue;
    }
    // Length-delimited.
    const length = readVarint(region, at, end, () => `length of ${fieldLabel(type, fieldNumber)}`, scope);
    const valueEnd = length.next + length.value;
    if (valueEnd > end) {
      fail(
        region,
        tagStart,
        `length ${length.value} of field ${fieldLabel(type, fieldNumber)} runs past the end of ${scope} (byte ${region.base + end})`,
      );
    }
    if (field) validateValue(region, length.next, valueEnd, field, depth, tagStart);
    at = valueEnd;
  }
}

/** Validates a length-delimited value of a schema field: a sub-message or a packed array. */
function validateValue(region: Region, start: number, end: number, field: protobuf.Field, depth: number, tagStart: number): void {
  field.resolve();
  if (field.resolvedType instanceof protobuf.Type) {
    validateMessage(region, start, end, field.resolvedType, depth + 1);
    return;
  }
  const element = elementWireType(field);
  if (element === WIRE_LENGTH_DELIMITED) return; // string or bytes: any content
  const label = `packed field '${field.name}' (${field.id})`;
  const size = fixedSize(element);
  if (size !== undefined) {
    if ((end - start) % size !== 0) fail(region, tagStart, `${label} has length ${end - start}, not a multiple of ${size}`);
    return;
  }
  for (let at = start; at < end;) at = readVarint(region, at, end, () => `element of ${label}`, `the ${label}`).next;
}

function checkTag(region: Region, at: number, tag: number, wireType: number, scope: string): void {
  if (tag > MAX_TAG) fail(region, at, `invalid field tag ${tag} in ${scope} (field number too large)`);
  if (tag < 8) fail(region, at, `invalid field number 0 in ${scope}`);
  if (wireType > WIRE_FIXED32) fail(region, at, `invalid wire type ${wireType} in ${scope}`);
}

/** Skips an (unknown, deprecated) group up to its end marker; returns the offset after it. */
function skipGroup(region: Region, start: number, end: number, groupField: number, depth: number, scope: string): number {
  if (depth > MAX_NESTING) fail(region, start, `groups nested too deep (more than ${MAX_NESTING} levels) in ${scope}`);
  let at = start;
  while (at < end) {
    const tagStart = at;
    const tag = readVarint(region, at, end, () => 'field tag', scope);
    at = tag.next;
    const fieldNumber = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    checkTag(region, tagStart, tag.value, wireType, scope);
    if (wireType === WIRE_END_GROUP) {
      if (fieldNumber !== groupField)
        fail(region, tagStart, `end-group marker for field ${fieldNumber} closes group ${groupField} in ${scope}`);
      return at;
    }
    if (wireType === WIRE_START_GROUP) {
      at = skipGroup(region, at, end, fieldNumber, depth + 1, scope);
    } else if (wireType === WIRE_VARINT) {
      at = readVarint(region, at, end, () => 'varint', scope).next;
    } else if (wireType === WIRE_LENGTH_DELIMITED) {
      const length = readVarint(region, at, end, () => 'length', scope);
      at = length.next + length.value;
      if (at > end) fail(region, tagStart, `length ${length.value} of field ${fieldNumber} runs past the end of ${scope}`);
    } else {
      at += wireType === WIRE_FIXED64 ? 8 : 4;
      if (at > end) fail(region, tagStart, `value of field ${fieldNumber} runs past the end of ${scope}`);
    }
  }
  fail(region, start, `group ${groupField} is not closed before the end of ${scope}`);
}
