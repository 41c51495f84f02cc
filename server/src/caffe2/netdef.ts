// Caffe2 NetDef messages as plain objects, encoded and decoded with protobufjs over the project's
// own caffe2.proto. Shared by the translator (host), the emulated phone's benchmark and the CLI.
import * as protobuf from 'protobufjs';
import protoText from './caffe2.proto';

export interface Argument {
  name: string;
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

export interface OperatorDef {
  input: string[];
  output: string[];
  name?: string;
  type: string;
  arg: Argument[];
  engine?: string;
}

export interface NetDef {
  name: string;
  op: OperatorDef[];
  type?: string;
  external_input: string[];
  external_output: string[];
}

let netDefType: protobuf.Type | undefined;

function type(): protobuf.Type {
  netDefType ??= protobuf.parse(protoText, { keepCase: true }).root.lookupType('caffe2.NetDef');
  return netDefType;
}

export function encodeNetDef(net: NetDef): Uint8Array {
  const t = type();
  const problem = t.verify(net);
  if (problem) throw new Error(`invalid Caffe2 NetDef ${net.name}: ${problem}`);
  return t.encode(t.fromObject(net)).finish();
}

export class NetDefDecodeError extends Error {}

/** Decodes a NetDef file; 64-bit integers come back as numbers (shapes and args fit in 2^53). */
export function decodeNetDef(bytes: Uint8Array): NetDef {
  let message: protobuf.Message;
  try {
    message = type().decode(bytes);
  } catch (e) {
    throw new NetDefDecodeError(`not a Caffe2 NetDef: ${e instanceof Error ? e.message : String(e)}`);
  }
  const o = type().toObject(message, { longs: Number, defaults: false, arrays: true }) as NetDef;
  for (const op of o.op) {
    op.input ??= [];
    op.output ??= [];
    op.arg ??= [];
    op.type ??= '';
  }
  o.external_input ??= [];
  o.external_output ??= [];
  o.name ??= '';
  return o;
}

export function argInt(op: OperatorDef, name: string): number | undefined {
  const a = op.arg.find((x) => x.name === name);
  return a?.i !== undefined ? Number(a.i) : undefined;
}

export function argFloat(op: OperatorDef, name: string): number | undefined {
  return op.arg.find((x) => x.name === name)?.f;
}

export function argInts(op: OperatorDef, name: string): number[] | undefined {
  return op.arg.find((x) => x.name === name)?.ints?.map(Number);
}

export function argString(op: OperatorDef, name: string): string | undefined {
  const s = op.arg.find((x) => x.name === name)?.s;
  return s === undefined ? undefined : Buffer.from(s).toString('utf8');
}

export const intArg = (name: string, i: number): Argument => ({ name, i });
export const floatArg = (name: string, f: number): Argument => ({ name, f });
export const intsArg = (name: string, ints: number[]): Argument => ({ name, ints });
export const stringArg = (name: string, s: string): Argument => ({ name, s: Buffer.from(s) });
