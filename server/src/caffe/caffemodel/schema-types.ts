// The protobufjs message types the reader walks, taken from the project's Caffe schema, plus the
// fork extensions (forks.ts) that sit directly in LayerParameter, e.g. ShuffleNet's
// shuffle_channel_param = 164: BVLC's LayerParameter does not know them, so they are decoded
// with their own message types.
import * as protobuf from 'protobufjs';
import { FORK_FIELDS } from '../forks';
import { caffeSchema } from '../schema';

export interface ForkFieldType {
  name: string;
  type: protobuf.Type;
}

export interface CaffeTypes {
  NetParameter: protobuf.Type;
  LayerParameter: protobuf.Type;
  V1LayerParameter: protobuf.Type;
  V0LayerParameter: protobuf.Type;
  BlobProto: protobuf.Type;
  /** Message-typed fork fields of LayerParameter, by field number. */
  layerForkFields: ReadonlyMap<number, ForkFieldType>;
}

let cached: CaffeTypes | undefined;

export function caffeTypes(): CaffeTypes {
  if (cached) return cached;
  const schema = caffeSchema();
  const type = (name: string): protobuf.Type => {
    const found = schema.messageType(name);
    if (!found) throw new Error(`caffe.proto has no message ${name}`);
    return found;
  };
  const layerForkFields = new Map<number, ForkFieldType>();
  for (const f of FORK_FIELDS) {
    const forkType = f.parent === 'LayerParameter' && !f.repeated ? schema.messageType(f.type) : undefined;
    if (forkType) layerForkFields.set(f.id, { name: f.name, type: forkType });
  }
  cached = {
    NetParameter: type('NetParameter'),
    LayerParameter: type('LayerParameter'),
    V1LayerParameter: type('V1LayerParameter'),
    V0LayerParameter: type('V0LayerParameter'),
    BlobProto: type('BlobProto'),
    layerForkFields,
  };
  return cached;
}
