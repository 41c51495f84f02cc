// Typed reads of protobuf text-format fields from the syntax tree. Text format lets a singular field
// appear several times (the last one wins), enums be written by name or number and booleans as
// true/false/1/0; these helpers apply those rules once so the layer code stays about Caffe.
import { valuesOf, type Field, type MessageValue, type NumberValue, type Span, type StringValue, type Value } from '../text/ast';

/** Last field named `name` that has a value. */
export function lastField(message: MessageValue, name: string): Field | undefined {
  const fields = message.fields;
  for (let i = fields.length - 1; i >= 0; i--) {
    const f = fields[i];
    if (f.name === name && f.value) return f;
  }
  return undefined;
}

/** Scalars and messages of every occurrence of `name`, list values flattened. */
export const allValues = valuesOf;

/** The value of the last occurrence of `name` (the last item of a list), without allocating. */
export function lastValue(message: MessageValue, name: string): Value | undefined {
  const fields = message.fields;
  for (let i = fields.length - 1; i >= 0; i--) {
    const f = fields[i];
    if (f.name !== name || !f.value) continue;
    const v = f.value;
    if (v.kind !== 'list') return v;
    if (v.items.length > 0) return v.items[v.items.length - 1];
  }
  return undefined;
}

export function subMessage(message: MessageValue, name: string): MessageValue | undefined {
  const v = lastValue(message, name);
  return v?.kind === 'message' ? v : undefined;
}

export function subMessages(message: MessageValue, name: string): MessageValue[] {
  return allValues(message, name).filter((v): v is MessageValue => v.kind === 'message');
}

export function numberValue(message: MessageValue, name: string): NumberValue | undefined {
  const v = lastValue(message, name);
  return v?.kind === 'number' ? v : undefined;
}

export function numberOf(message: MessageValue, name: string): number | undefined {
  return numberValue(message, name)?.value;
}

export function numberValues(message: MessageValue, name: string): NumberValue[] {
  return valuesOfKind(message, name, 'number') as NumberValue[];
}

export function stringValue(message: MessageValue, name: string): StringValue | undefined {
  const v = lastValue(message, name);
  return v?.kind === 'string' ? v : undefined;
}

export function stringValues(message: MessageValue, name: string): StringValue[] {
  return valuesOfKind(message, name, 'string') as StringValue[];
}

const NO_VALUES: Value[] = Object.freeze([]) as unknown as Value[];

/**
 * Values of `name` of one kind, list items included. Sized exactly (a counting pass first): these run
 * for every layer on every keystroke, and growing arrays from [] costs more than the reads.
 */
function valuesOfKind(message: MessageValue, name: string, kind: Value['kind']): Value[] {
  let n = 0;
  for (const f of message.fields) {
    if (f.name !== name || !f.value) continue;
    if (f.value.kind === kind) n++;
    else if (f.value.kind === 'list') for (const v of f.value.items) if (v.kind === kind) n++;
  }
  if (n === 0) return NO_VALUES;
  const out = new Array<Value>(n);
  let i = 0;
  for (const f of message.fields) {
    if (f.name !== name || !f.value) continue;
    if (f.value.kind === kind) out[i++] = f.value;
    else if (f.value.kind === 'list') for (const v of f.value.items) if (v.kind === kind) out[i++] = v;
  }
  return out;
}

/** An enum written as a name (`MAX`) or a number (`0`), as its name. `names[i]` is the name of value i. */
export function enumOf(message: MessageValue, name: string, names: readonly string[]): string | undefined {
  const v = lastValue(message, name);
  if (!v) return undefined;
  if (v.kind === 'identifier') return v.value;
  if (v.kind === 'number' && v.isInteger) return names[v.value];
  return undefined;
}

const TRUE_WORDS = new Set(['true', 'True', 't']);
const FALSE_WORDS = new Set(['false', 'False', 'f']);

export function boolOf(message: MessageValue, name: string): boolean | undefined {
  const v = lastValue(message, name);
  if (!v) return undefined;
  if (v.kind === 'identifier') {
    if (TRUE_WORDS.has(v.value)) return true;
    if (FALSE_WORDS.has(v.value)) return false;
    return undefined;
  }
  if (v.kind === 'number' && v.isInteger && (v.value === 0 || v.value === 1)) return v.value === 1;
  return undefined;
}

/** Whether the field is present at all (Caffe's `has_xxx()`). */
export function has(message: MessageValue, name: string): boolean {
  for (const f of message.fields) if (f.name === name && f.value !== undefined) return true;
  return false;
}

/** Span of the last value of `name`, for pointing a problem at the offending parameter. */
export function valueSpan(message: MessageValue | undefined, name: string): Span | undefined {
  if (!message) return undefined;
  const f = lastField(message, name);
  if (!f?.value) return undefined;
  const v = f.value;
  if (v.kind === 'list') return v.items.length ? v.items[v.items.length - 1].span : v.span;
  return v.span;
}
