// Broken and non-Caffe files end in one CaffemodelError that names the byte and what was expected.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { CaffemodelError } from '../../../server/src/caffe/caffemodel/errors';
import {
  MAX_DEFINITION_FIELDS,
  MAX_LAYERS,
  MAX_UNKNOWN_FIELDS,
  readCaffemodelStructure,
} from '../../../server/src/caffe/caffemodel/structure';
import { CORPUS_CAFFEMODEL } from '../shared-paths';
import { TempFiles, bytes, ld, packedFloats, tag, varint, varintField } from './model-bytes';

const LENET = path.join(CORPUS_CAFFEMODEL, 'lenet_iter_10000.caffemodel');
const LENET_DEPLOY = path.join(CORPUS_CAFFEMODEL, 'lenet_iter_10000.companion_mnist_deploy.prototxt');

async function readError(file: string): Promise<CaffemodelError> {
  try {
    await readCaffemodelStructure(file);
  } catch (err) {
    assert.ok(err instanceof CaffemodelError, `expected a CaffemodelError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the read to fail');
}

describe('caffemodel reader errors', () => {
  const files = new TempFiles();
  after(() => files.cleanup());

  it('names the field whose length runs past the end of the file', async () => {
    const content = bytes(ld(1, 'x'), tag(100, 2), varint(4294967295), Buffer.alloc(40));
    const err = await readError(files.write(content));
    assert.equal(err.offset, 3);
    assert.equal(err.message, `at byte 3: length 4294967295 of field 'layer' (100) runs past the end of the file (size ${content.length})`);
  });

  it('reports a real model truncated inside a layer at the layer that no longer fits', async () => {
    const whole = await readCaffemodelStructure(LENET);
    const cut = 5000;
    const layer = whole.layers.find((l) => l.offset < cut && l.offset + l.byteLength > cut);
    assert.ok(layer);
    const err = await readError(files.write(fs.readFileSync(LENET).subarray(0, cut)));
    assert.equal(err.offset, layer.offset);
    assert.match(err.message, /^at byte \d+: length \d+ of field 'layer' \(100\) runs past the end of the file \(size 5000\)$/);
  });

  it('checks nested lengths against the enclosing message, not the file', async () => {
    const blob = bytes(tag(7, 2), varint(1000), packedFloats(5, 2));
    const layer = bytes(tag(100, 2), varint(blob.length), blob, Buffer.alloc(2000));
    const err = await readError(files.write(layer));
    const layerEnd = 3 + blob.length; // 2-byte tag, 1-byte length, the blob
    assert.equal(
      err.message,
      `at byte 3: length 1000 of field 'blobs' (7) runs past the end of the enclosing 'LayerParameter' message (byte ${layerEnd})`,
    );
  });

  it('rejects invalid wire types, field number 0, overlong varints and wrong wire types', async () => {
    const cases: Array<[Buffer, number, RegExp]> = [
      [bytes(ld(1, 'net'), tag(3, 7), [1, 2, 3]), 5, /invalid wire type 7 in 'NetParameter'/],
      [bytes(ld(1, 'net'), [0x02, 0x00]), 5, /invalid field number 0/],
      [bytes(ld(1, 'net'), tag(100, 2), Buffer.alloc(11, 0xff)), 7, /length of field 'layer' \(100\): varint too long/],
      [
        bytes(ld(100, varintField(1, 5))),
        3,
        /field 'name' \(1\) of LayerParameter has wire type 0 \(varint\), expected 2 \(length-delimited\)/,
      ],
      [bytes(ld(100, ld(7, ld(5, Buffer.alloc(10))))), 5, /packed field 'data' \(5\) has length 10, not a multiple of 4/],
      [bytes(ld(100, ld(106, ld(7, varintField(1, 3))))), 8, /field 'type' \(1\) of FillerParameter has wire type 0/],
      [bytes(ld(100, ld(1, 'a')), tag(2, 4)), 6, /unexpected end-group marker/],
    ];
    for (const [content, offset, pattern] of cases) {
      const err = await readError(files.write(content));
      assert.match(err.message, pattern);
      assert.equal(err.offset, offset, err.message);
    }
  });

  it('bounds nesting of groups, in streamed layers and in parameter messages', async () => {
    const deep = (n: number) => bytes(...Array.from({ length: n }, () => tag(600, 3)), ...Array.from({ length: n }, () => tag(600, 4)));
    let err = await readError(files.write(ld(100, ld(1, 'a'), deep(100))));
    assert.match(err.message, /nested too deep/);
    err = await readError(files.write(ld(100, ld(106, deep(100)))));
    assert.match(err.message, /nested too deep/);
    // Shallow groups are fine.
    assert.equal((await readCaffemodelStructure(files.write(ld(100, ld(1, 'a'), ld(106, deep(3)), deep(3))))).layers.length, 1);
  });

  it('says when a file is empty, has no layers, or is a PNG or a prototxt', async () => {
    let err = await readError(files.write(Buffer.alloc(0)));
    assert.equal(err.message, 'at byte 0: not a Caffe model: the file is empty');
    err = await readError(files.write(bytes(ld(1, 'just a name'), varintField(5, 1))));
    assert.match(err.message, /^at byte 0: not a Caffe model: no layers found/);
    err = await readError(files.write(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], Buffer.alloc(64, 7))));
    assert.match(err.message, /^at byte 0: not a Caffe model: the file looks like a PNG image \(at byte \d+: /);
    err = await readError(LENET_DEPLOY);
    assert.match(err.message, /not a Caffe model: the file looks like text \(a prototxt network definition\?\)/);
  });

  it('gives up quickly on floods of unknown fields or of tiny definition fields', async () => {
    let started = performance.now();
    let err = await readError(files.write(Buffer.alloc(4 * 1024 * 1024, Buffer.from(varintField(9, 0)))));
    assert.equal(
      err.message,
      `at byte ${MAX_UNKNOWN_FIELDS * 2}: more than ${MAX_UNKNOWN_FIELDS} fields unknown to caffe.proto: not a plausible Caffe model`,
    );
    assert.ok(performance.now() - started < 2000);
    started = performance.now();
    err = await readError(files.write(Buffer.alloc(1024 * 1024, Buffer.from(varintField(7, 0))))); // debug_info
    assert.equal(
      err.message,
      `at byte ${MAX_DEFINITION_FIELDS * 2}: the network definition has more than ${MAX_DEFINITION_FIELDS} fields: not a plausible Caffe model`,
    );
    assert.ok(performance.now() - started < 5000);
  });

  it('refuses an implausible number of layers instead of growing without bound', async () => {
    const empty = bytes(tag(100, 2), varint(0));
    const err = await readError(files.write(Buffer.concat(Array.from({ length: MAX_LAYERS + 1 }, () => empty))));
    assert.equal(err.offset, MAX_LAYERS * empty.length);
    assert.match(err.message, new RegExp(`more than ${MAX_LAYERS} layers`));
  });
});
