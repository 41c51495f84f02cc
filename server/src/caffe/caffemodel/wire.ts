// Protobuf wire-format facts shared by the streaming reader and the sub-message validator:
// varint decoding with explicit failure kinds, which wire types a schema field accepts, and how
// fields are named in error messages.
import * as protobuf from 'protobufjs';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

/** Protobuf field numbers are at most 2^29 - 1, so a tag never exceeds 2^32 - 1. */
export const MAX_TAG = 2 ** 32 - 1;
export const MAX_VARINT_BYTES = 10;

const WIRE_TYPE_NAMES = ['varint', '64-bit', 'length-delimited', 'start-group', 'end-group', '32-bit'];

export function wireTypeName(wireType: number): string {
  return `${wireType} (${WIRE_TYPE_NAMES[wireType] ?? 'invalid'})`;
}

export type VarintResult = { ok: true; value: number; next: number } | { ok: false; reason: 'truncated' | 'too-long' };

/**
 * Decodes the varint at `bytes[at]`, reading no byte at or past `end`. Values above 2^53 lose
 * precision, which is harmless here: lengths and tags that large are rejected anyway.
 */
export function decodeVarint(bytes: Uint8Array, at: number, end: number): VarintResult {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (at + i >= end) return { ok: false, reason: 'truncated' };
    const b = bytes[at + i];
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return { ok: true, value, next: at + i + 1 };
  }
  return { ok: false, reason: 'too-long' };
}

/** The fixed payload size of a wire type, or undefined for varint/length-delimited/groups. */
export function fixedSize(wireType: number): number | undefined {
  return wireType === WIRE_FIXED32 ? 4 : wireType === WIRE_FIXED64 ? 8 : undefined;
}

/** Wire type of one element of a field (a message or string is length-delimited). */
export function elementWireType(field: protobuf.Field): number {
  field.resolve();
  if (field.resolvedType instanceof protobuf.Type) return WIRE_LENGTH_DELIMITED;
  if (field.resolvedType instanceof protobuf.Enum) return WIRE_VARINT;
  const basic = (protobuf.types.basic as Record<string, number | undefined>)[field.type];
  return basic ?? WIRE_LENGTH_DELIMITED;
}

/** Whether a repeated field may also arrive packed (numbers, bools and enums). */
export function isPackable(field: protobuf.Field): boolean {
  return field.repeated && elementWireType(field) !== WIRE_LENGTH_DELIMITED;
}

/** Whether `wireType` is a valid encoding of `field` (protobuf parsers accept packed and unpacked alike). */
export function acceptsWireType(field: protobuf.Field, wireType: number): boolean {
  return wireType === elementWireType(field) || (wireType === WIRE_LENGTH_DELIMITED && isPackable(field));
}

/** `'layer' (100)` for a schema field, `field 164` for an unknown one. */
export function fieldLabel(type: protobuf.Type, fieldNumber: number): string {
  const field = type.fieldsById[fieldNumber];
  return field ? `'${field.name}' (${fieldNumber})` : `field ${fieldNumber}`;
}
