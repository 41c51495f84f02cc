import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as protobuf from 'protobufjs';
import { caffeSchema } from '../../../server/src/caffe/schema';
import { FORK_FIELDS, FORK_LAYER_TYPES } from '../../../server/src/caffe/forks';
import { SHARED } from '../shared-paths';

// The corpus notes list BVLC caffe.proto's fields as "name = id  (label type [options])" under a
// "Message:" header, with nested enums as "enum Name: A=0, B=1". Parsed here so that any
// difference between the notes and our caffe.proto fails a test.
interface NoteField {
  name: string;
  id: number;
  label: string;
  type: string;
  options?: string;
}
interface NoteMessage {
  fields: NoteField[];
  enums: Map<string, Map<string, number>>;
}

function parseNotes(text: string): { messages: Map<string, NoteMessage>; topEnums: Map<string, Map<string, number>> } {
  const messages = new Map<string, NoteMessage>();
  const topEnums = new Map<string, Map<string, number>>();
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => l.startsWith('Field listing'));
  assert.ok(start >= 0, 'notes file has a "Field listing" section');
  const parseEnum = (body: string) =>
    new Map(
      body.split(',').map((kv) => {
        const [k, v] = kv.trim().split('=');
        return [k, Number(v)] as [string, number];
      }),
    );
  let current: NoteMessage | undefined;
  for (const line of lines.slice(start + 1)) {
    let m: RegExpExecArray | null;
    if ((m = /^top-level enum (\w+): (.*)$/.exec(line))) topEnums.set(m[1], parseEnum(m[2]));
    else if ((m = /^(\w+):\s*$/.exec(line))) messages.set(m[1], (current = { fields: [], enums: new Map() }));
    else if ((m = /^\s+enum (\w+): (.*)$/.exec(line))) current!.enums.set(m[1], parseEnum(m[2]));
    else if ((m = /^\s+(\w+) = (\d+)\s+\((optional|repeated|required) (\S+?)(?: \[(.*)\])?\)\s*$/.exec(line))) {
      current!.fields.push({ name: m[1], id: Number(m[2]), label: m[3], type: m[4], options: m[5] });
    } else if (line.trim() !== '' && !/^-+$/.test(line)) assert.fail(`unparsed notes line: ${line}`);
  }
  return { messages, topEnums };
}

function noteDefault(raw: string): string | number | boolean {
  if (/^".*"$|^'.*'$/.test(raw)) return raw.slice(1, -1);
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

const lastSegment = (name: string) => name.slice(name.lastIndexOf('.') + 1);

describe('caffe schema', () => {
  const schema = caffeSchema();
  const notesPath = path.join(SHARED, 'corpus', 'NOTES_caffe_proto_fields.txt');

  it('loads once and exposes the protobufjs root', () => {
    assert.equal(caffeSchema(), schema);
    assert.ok(schema.messageType('NetParameter') instanceof protobuf.Type);
    assert.equal(schema.messageType('NoSuchMessage'), undefined);
    assert.equal(schema.fieldOf('NoSuchMessage', 'x'), undefined);
    assert.deepEqual(schema.fieldsOf('NoSuchMessage'), []);
  });

  it('matches every field, label, type, default and enum listed in the corpus notes', () => {
    const { messages, topEnums } = parseNotes(fs.readFileSync(notesPath, 'utf8'));
    assert.ok(messages.size >= 20, `expected the notes to list many messages, got ${messages.size}`);
    let checked = 0;
    for (const [msgName, note] of messages) {
      const bvlcFields = schema.fieldsOf(msgName).filter((f) => !f.fork);
      assert.ok(bvlcFields.length > 0, `schema has message ${msgName}`);
      // The notes list all top-level fields: same set of names, none missing, none extra.
      assert.deepEqual(bvlcFields.map((f) => f.name).sort(), note.fields.map((f) => f.name).sort(), `fields of ${msgName}`);
      const pbType = schema.messageType(msgName)!;
      for (const nf of note.fields) {
        const where = `${msgName}.${nf.name}`;
        const info = schema.fieldOf(msgName, nf.name)!;
        assert.equal(info.id, nf.id, `${where} number`);
        assert.equal(info.repeated, nf.label === 'repeated', `${where} repeated`);
        assert.equal(info.required, nf.label === 'required', `${where} required`);
        assert.equal(lastSegment(info.type), nf.type, `${where} type`);
        const opts = new Map(
          (nf.options ?? '')
            .split(',')
            .filter((s) => s.trim())
            .map((s) => {
              const [k, v] = s.split('=').map((x) => x.trim());
              return [k, v] as [string, string];
            }),
        );
        if (opts.has('default')) {
          assert.ok(info.hasExplicitDefault, `${where} has a declared default`);
          assert.equal(info.defaultValue, noteDefault(opts.get('default')!), `${where} default`);
        } else {
          assert.ok(!info.hasExplicitDefault, `${where} has no declared default`);
        }
        assert.equal(pbType.fields[nf.name].options?.packed === true, opts.get('packed') === 'true', `${where} packed`);
        checked++;
      }
      for (const [enumName, values] of note.enums) {
        const ours = new Map(schema.enumValues(`${msgName}.${enumName}`).map((v) => [v.name, v.number]));
        assert.deepEqual([...ours].sort(), [...values].sort(), `enum ${msgName}.${enumName}`);
      }
    }
    for (const [enumName, values] of topEnums) {
      const ours = new Map(schema.enumValues(enumName).map((v) => [v.name, v.number]));
      assert.deepEqual([...ours].sort(), [...values].sort(), `enum ${enumName}`);
    }
    assert.ok(checked >= 200, `checked ${checked} fields`);
  });

  it('describes fields with kind, scalar type, enum values, defaults and the meaning from comments', () => {
    const pool = schema.fieldOf('PoolingParameter', 'pool')!;
    assert.equal(pool.kind, 'enum');
    assert.equal(pool.type, 'PoolingParameter.PoolMethod');
    assert.deepEqual(
      pool.enumValues!.map((v) => v.name),
      ['MAX', 'AVE', 'STOCHASTIC'],
    );
    assert.equal(pool.defaultValue, 'MAX');
    assert.match(pool.doc ?? '', /pooling method/i);
    assert.match(pool.enumValues![1].doc ?? '', /average/i);

    const numOutput = schema.fieldOf('ConvolutionParameter', 'num_output')!;
    assert.equal(numOutput.kind, 'scalar');
    assert.equal(numOutput.scalarType, 'uint32');
    assert.equal(numOutput.defaultValue, 0, 'proto2 implicit default');
    assert.equal(numOutput.hasExplicitDefault, false);
    assert.match(numOutput.doc ?? '', /output channels/);

    const layer = schema.fieldOf('NetParameter', 'layer')!;
    assert.equal(layer.kind, 'message');
    assert.equal(layer.type, 'LayerParameter');
    assert.equal(layer.repeated, true);

    const clipMin = schema.fieldOf('ClipParameter', 'min')!;
    assert.equal(clipMin.required, true);
    assert.equal(schema.fieldOf('SolverParameter', 'weights')?.id, 42);
    assert.equal(schema.fieldOf('SolverParameter', 'solver_mode')?.defaultValue, 'GPU');
    assert.equal(schema.fieldOf('SolverParameter', 'random_seed')?.scalarType, 'int64');
  });

  it('references only messages and enums that exist (every *Parameter of LayerParameter resolves)', () => {
    for (const msg of ['LayerParameter', 'V1LayerParameter', 'V0LayerParameter', 'SolverParameter', 'NetParameter']) {
      for (const f of schema.fieldsOf(msg)) {
        if (f.kind === 'message') assert.ok(schema.fieldsOf(f.type).length > 0, `${msg}.${f.name} → ${f.type}`);
        if (f.kind === 'enum') assert.ok(f.enumValues!.length > 0, `${msg}.${f.name} → ${f.type}`);
      }
    }
    const params = schema.fieldsOf('LayerParameter').filter((f) => f.name.endsWith('_param') && !f.fork);
    assert.equal(params.length, 49);
  });

  it('keeps fork extensions in a side table, with BVLC numbering untouched', () => {
    const ceil = schema.fieldOf('PoolingParameter', 'ceil_mode')!;
    assert.ok(ceil.fork);
    assert.equal(ceil.scalarType, 'bool');
    assert.equal(ceil.id, schema.fieldOf('PoolingParameter', 'round_mode')!.id, 'both use number 13');
    // The protobufjs message (used to decode .caffemodel files) has only BVLC's round_mode.
    assert.equal(schema.messageType('PoolingParameter')!.fieldsById[13].name, 'round_mode');

    const shuffle = schema.fieldOf('LayerParameter', 'shuffle_channel_param')!;
    assert.equal(shuffle.kind, 'message');
    assert.equal(shuffle.id, 164);
    assert.equal(schema.fieldOf(shuffle.type, 'group')?.scalarType, 'uint32');
    assert.equal(schema.messageType('LayerParameter')!.fieldsById[164], undefined);

    for (const f of FORK_FIELDS) {
      const bvlc = schema.messageType(f.parent)!;
      assert.ok(!(f.name in bvlc.fields), `${f.name} is not a BVLC field of ${f.parent}`);
      if (!['bool', 'uint32', 'int32', 'float', 'string'].includes(f.type)) assert.ok(schema.messageType(f.type), f.type);
    }
  });

  it('lists layer types of all three format versions', () => {
    const v2 = schema.v2LayerTypes();
    for (const t of ['Convolution', 'Pooling', 'InnerProduct', 'BatchNorm', 'Scale', 'Eltwise', 'Input', 'Swish', 'Clip']) {
      assert.ok(v2.includes(t), t);
      assert.equal(schema.layerType(t)?.fork, undefined, t);
    }
    for (const f of FORK_LAYER_TYPES) {
      assert.ok(v2.includes(f.type));
      assert.ok(schema.layerType(f.type)?.fork);
    }
    for (const t of ['ShuffleChannel', 'ConvolutionDepthwise', 'DepthwiseConvolution']) assert.ok(schema.layerType(t)?.fork, t);
    assert.equal(new Set(v2).size, v2.length, 'no duplicates');

    const v1 = schema.v1LayerTypeNames();
    assert.equal(v1.length, 40);
    // Every V1 enum value upgrades to a known V2 type (NONE aside), and back.
    for (const name of v1.filter((n) => n !== 'NONE')) {
      const v2name = schema.v1ToV2LayerType(name);
      assert.ok(v2name && schema.layerType(v2name), `${name} → ${v2name}`);
      assert.equal(schema.v2ToV1LayerType(v2name), name);
    }
    assert.equal(schema.v0ToV2LayerType('conv'), 'Convolution');
    assert.equal(schema.v0ToV2LayerType('innerproduct'), 'InnerProduct');
    assert.equal(schema.v0ToV2LayerType('padding'), null);
    assert.equal(schema.v0ToV2LayerType('nope'), undefined);
  });
});
