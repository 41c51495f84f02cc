// The structural reader on hand-assembled files: field order, unknown fields, unpacked and double
// payloads, legacy shapes, V0 nesting, fork fields, headers, progress and abort.
import { strict as assert } from 'assert';
import { readCaffemodelStructure } from '../../../server/src/caffe/caffemodel/structure';
import { TempFiles, blobShape, bytes, float32Field, float64Field, ld, packedFloats, tag, varint, varintField } from './model-bytes';

describe('caffemodel structure reader', () => {
  const files = new TempFiles();
  after(() => files.cleanup());

  it('reads V2 layers interleaved with other net fields, fields in any order, unknown fields skipped', async () => {
    const conv = ld(
      100,
      ld(7, packedFloats(5, 96 * 3 * 11 * 11), ld(7, blobShape(96, 3, 11, 11))), // blob data before its shape
      ld(106, varintField(1, 96), varintField(4, 11), varintField(6, 4)), // convolution_param before name
      ld(1, 'conv1'),
      ld(2, 'Convolution'),
      ld(3, 'data'),
      ld(4, 'conv1'),
      ld(7, ld(7, blobShape(96)), packedFloats(5, 96)),
      varintField(900, 5), // unknown in LayerParameter
    );
    const relu = ld(100, ld(4, 'conv1'), ld(3, 'conv1'), ld(2, 'ReLU'), ld(1, 'relu1'));
    const file = files.write(
      bytes(ld(3, 'data'), conv, ld(8, blobShape(1, 3, 227, 227)), varintField(999, 1), relu, ld(1, 'TinyNet'), varintField(5, 1)),
    );
    const s = await readCaffemodelStructure(file);
    assert.equal(s.name, 'TinyNet');
    assert.equal(s.format, 'V2');
    assert.deepEqual(s.inputs, [{ name: 'data', shape: [1, 3, 227, 227], source: 'input_shape' }]);
    assert.equal(s.header.force_backward, true);
    assert.deepEqual(
      s.layers.map((l) => [l.name, l.type, l.bottoms, l.tops]),
      [
        ['conv1', 'Convolution', ['data'], ['conv1']],
        ['relu1', 'ReLU', ['conv1'], ['conv1']],
      ],
    );
    assert.deepEqual(s.layers[0].message.convolution_param, { num_output: 96, kernel_size: [11], stride: [4] });
    assert.equal(s.layers[0].message.blobs, undefined);
    assert.deepEqual(
      s.layers[0].blobs.map((b) => [b.dims, b.dataCount, b.diffCount]),
      [
        [[96, 3, 11, 11], 34848, 0],
        [[96], 96, 0],
      ],
    );
    assert.deepEqual(
      s.layers[0].unknownFields.map((u) => [u.field, u.inMessage]),
      [[900, 'LayerParameter']],
    );
    assert.deepEqual(
      s.unknownFields.map((u) => [u.field, u.wireType, u.byteLength]),
      [[999, 0, 3]],
    );
    assert.equal(s.totals.storedValues, 34848 + 96);
    assert.equal(s.totals.shapeValues, 34848 + 96);
    assert.equal(s.totals.skippedBytes, (34848 + 96) * 4);
  });

  it('counts unpacked and mixed float payloads, doubles and diffs, across window boundaries', async () => {
    const unpacked = 50_000; // 250 KB of 5-byte fields: spans several 64 KiB windows
    const blob = ld(
      7,
      ld(7, blobShape(unpacked + 507)),
      packedFloats(5, 3),
      ...Array.from({ length: unpacked }, (_, i) => float32Field(5, i)),
      packedFloats(5, 4),
      float32Field(6, 1),
      float32Field(6, 2),
      packedFloats(6, 10),
      ...Array.from({ length: 1000 }, (_, i) => float32Field(i % 2 === 0 ? 5 : 6, i)), // alternating data/diff
    );
    const doubles = ld(7, ld(7, blobShape(2, 3)), float64Field(8, 1), packedFloats(8, 5, 8), packedFloats(9, 6, 8));
    const file = files.write(bytes(ld(100, ld(1, 'ip'), ld(2, 'InnerProduct'), blob, doubles)));
    const [layer] = (await readCaffemodelStructure(file)).layers;
    assert.equal(layer.blobs[0].dataCount, unpacked + 7 + 500);
    assert.equal(layer.blobs[0].diffCount, 12 + 500);
    assert.deepEqual([layer.blobs[1].dataCount, layer.blobs[1].doubleDataCount, layer.blobs[1].doubleDiffCount], [0, 6, 6]);
  });

  it('reads V1 layers with legacy 4-D blob dims and input_dim headers', async () => {
    const file = files.write(
      bytes(
        ld(1, 'old'),
        ld(3, 'data'),
        tag(4, 2),
        varint(4),
        [1, 3, 32, 32], // packed input_dim
        ld(
          2,
          ld(4, 'conv1'),
          varintField(5, 4),
          ld(2, 'data'),
          ld(3, 'conv1'),
          ld(6, varintField(1, 32), varintField(2, 3), varintField(3, 5), varintField(4, 5), packedFloats(5, 2400)),
          ld(6, varintField(4, 32), varintField(1, 1), packedFloats(5, 32)),
          float32Field(7, 1),
          float32Field(7, 2),
        ),
      ),
    );
    const s = await readCaffemodelStructure(file);
    assert.equal(s.format, 'V1');
    assert.deepEqual(s.inputs, [{ name: 'data', shape: [1, 3, 32, 32], source: 'input_dim' }]);
    const [layer] = s.layers;
    assert.deepEqual([layer.name, layer.type, layer.format], ['conv1', 'CONVOLUTION', 'V1']);
    assert.deepEqual(layer.message.blobs_lr, [1, 2]);
    assert.deepEqual(
      layer.blobs.map((b) => [b.legacyShape, b.shape, b.dims, b.dataCount]),
      [
        [[32, 3, 5, 5], undefined, [32, 3, 5, 5], 2400],
        [[1, 0, 0, 32], undefined, [1, 0, 0, 32], 32],
      ],
    );
    assert.equal(s.totals.storedValues, 2432);
    assert.equal(s.totals.shapeValues, 2400); // the second blob's dims multiply to 0
  });

  it('reads V0 layers nested in V1 layers, with the V0 blobs', async () => {
    const file = files.write(
      bytes(
        ld(
          2,
          ld(
            1,
            ld(1, 'conv1'),
            ld(2, 'conv'),
            varintField(3, 96),
            varintField(8, 11),
            ld(50, varintField(1, 96), varintField(2, 3), varintField(3, 11), varintField(4, 11), packedFloats(5, 34848)),
          ),
          ld(2, 'data'),
          ld(3, 'conv1'),
        ),
      ),
    );
    const s = await readCaffemodelStructure(file);
    assert.equal(s.format, 'V0');
    const [layer] = s.layers;
    assert.deepEqual([layer.name, layer.type, layer.format, layer.bottoms, layer.tops], ['conv1', 'conv', 'V0', ['data'], ['conv1']]);
    assert.deepEqual(layer.message.layer, { name: 'conv1', type: 'conv', num_output: 96, kernelsize: 11 });
    assert.deepEqual(
      layer.blobs.map((b) => [b.dims, b.dataCount]),
      [[[96, 3, 11, 11], 34848]],
    );
  });

  it('decodes fork extensions of LayerParameter and skips unknown groups', async () => {
    const file = files.write(
      bytes(
        ld(
          100,
          ld(1, 'shuffle1'),
          ld(2, 'ShuffleChannel'),
          ld(164, varintField(1, 3)),
          tag(500, 3),
          varintField(1, 7),
          tag(501, 3),
          ld(2, 'x'),
          tag(501, 4),
          tag(500, 4),
          ld(3, 'a'),
        ),
      ),
    );
    const [layer] = (await readCaffemodelStructure(file)).layers;
    assert.deepEqual(layer.message.shuffle_channel_param, { group: 3 });
    assert.deepEqual(layer.bottoms, ['a']);
    assert.deepEqual(
      layer.unknownFields.map((u) => [u.field, u.wireType]),
      [[500, 3]],
    );
  });

  it('lists inputs of Input layers', async () => {
    const file = files.write(
      bytes(
        ld(
          100,
          ld(1, 'data'),
          ld(2, 'Input'),
          ld(4, 'data'),
          ld(4, 'im_info'),
          ld(143, ld(1, blobShape(1, 3, 224, 224)), ld(1, blobShape(1, 3))),
        ),
      ),
    );
    const s = await readCaffemodelStructure(file);
    assert.deepEqual(s.inputs, [
      { name: 'data', shape: [1, 3, 224, 224], source: 'Input layer' },
      { name: 'im_info', shape: [1, 3], source: 'Input layer' },
    ]);
  });

  it('reports progress per layer and stops when aborted', async () => {
    const layers = Array.from({ length: 5 }, (_, i) => ld(100, ld(1, `l${i}`), ld(2, 'ReLU')));
    const file = files.write(bytes(...layers));
    const seen: number[] = [];
    await readCaffemodelStructure(file, { onProgress: (p) => seen.push(p.bytesDone) });
    assert.equal(seen.length, 5);
    assert.ok(seen.every((b, i) => i === 0 || b > seen[i - 1]));
    assert.equal(seen[4], Buffer.concat(layers).length);

    const early = new AbortController();
    early.abort();
    await assert.rejects(readCaffemodelStructure(file, { signal: early.signal }), { name: 'AbortError' });
    const midway = new AbortController();
    let calls = 0;
    await assert.rejects(
      readCaffemodelStructure(file, {
        signal: midway.signal,
        onProgress: () => {
          calls++;
          midway.abort();
        },
      }),
      { name: 'AbortError' },
    );
    assert.equal(calls, 1);
  });
});
