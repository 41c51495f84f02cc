// The prototxt rendering of a .caffemodel: valid for the project's parser and validator, already in
// formatter style, with the stored blob shapes as comments.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { readCaffemodelStructure } from '../../../server/src/caffe/caffemodel/structure';
import { caffemodelToPrototxt, formatFloat32 } from '../../../server/src/caffe/caffemodel/to-prototxt';
import { validateDocument } from '../../../server/src/caffe/validate';
import { lastField, stringValues, subMessages } from '../../../server/src/net/fields';
import type { ParsedDocument } from '../../../server/src/text/ast';
import { parse } from '../../../server/src/text/parser';
import { formatDocument } from '../../../server/src/text/printer';
import { CORPUS_CAFFEMODEL } from '../shared-paths';
import { companionLayers } from './companion';
import { TempFiles, blobShape, bytes, float32Field, ld, packedFloats, varintField } from './model-bytes';

function parseClean(text: string): ParsedDocument {
  const doc = parse(text);
  assert.deepEqual(doc.errors, []);
  const errors = validateDocument(doc).filter((p) => p.severity === 'error');
  assert.deepEqual(
    errors.map((p) => p.message),
    [],
  );
  assert.equal(formatDocument(text, doc), text, 'the text is already formatted');
  return doc;
}

const REAL = [
  ['lenet_iter_10000.caffemodel', 'lenet_iter_10000.companion_mnist_deploy.prototxt', 'layer'],
  ['cifar10_quick_iter_5000.caffemodel', 'cifar10_quick_iter_5000.companion_prediction_example.prototxt', 'layers'],
] as const;

describe('caffemodel to prototxt', () => {
  const files = new TempFiles();
  after(() => files.cleanup());

  for (const [file, companionFile, layerField] of REAL) {
    it(`renders ${file} as valid prototxt with its layers and blob shapes`, async () => {
      const structure = await readCaffemodelStructure(path.join(CORPUS_CAFFEMODEL, file));
      const text = caffemodelToPrototxt(structure, file);
      const doc = parseClean(text);
      const layers = subMessages(doc.root, layerField);
      assert.deepEqual(
        layers.map((l) => stringValues(l, 'name')[0]?.value),
        structure.layers.map((l) => l.name),
      );
      assert.deepEqual(
        layers.map((l) => lastField(l, 'type')?.value && (lastField(l, 'type')!.value as { value: string }).value),
        structure.layers.map((l) => l.type),
      );

      // Each learnable layer is preceded by a comment with the weight shape the companion implies.
      const comments = doc.comments.map((c) => c.text.trim());
      for (const c of companionLayers(fs.readFileSync(path.join(CORPUS_CAFFEMODEL, companionFile), 'utf8'))) {
        if (c.blobs.length === 0) continue;
        const [weights] = c.blobs;
        const count = weights.reduce((a, b) => a * b, 1);
        const legacy = layerField === 'layers' && weights.length === 2 ? [1, 1, ...weights] : weights;
        const line = comments.find((t) => t.startsWith(`weights: ${legacy.join('x')} (${count.toLocaleString('en-US')} floats), bias: `));
        assert.ok(line, `no blob comment for ${c.name} (${legacy.join('x')}) in:\n${comments.join('\n')}`);
        const layerAfter = doc.comments.find((x) => x.text.trim() === line)!;
        const next = layers.find((l) => l.span.start > layerAfter.span.end)!;
        assert.equal(stringValues(next, 'name')[0].value, c.name);
      }
      const size = fs.statSync(path.join(CORPUS_CAFFEMODEL, file)).size.toLocaleString('en-US');
      assert.ok(text.startsWith(`# ${file}: ${size} bytes, ${structure.layers.length} layers, `));
      assert.match(
        comments[1],
        new RegExp(
          `the ${structure.totals.blobs} weight blobs \\(${structure.totals.storedValues.toLocaleString('en-US')} stored values, .*skipped`,
        ),
      );
    });
  }

  it('renders V0 layers, fork fields, unknown fields, float literals and odd blobs', async () => {
    const file = files.write(
      bytes(
        ld(1, 'odd'),
        ld(
          2,
          ld(
            1,
            ld(1, 'conv1'),
            ld(2, 'conv'),
            varintField(3, 4),
            varintField(8, 3),
            ld(50, varintField(1, 4), varintField(2, 3), varintField(3, 3), varintField(4, 3), packedFloats(5, 100)),
          ),
          ld(2, 'data'),
          ld(3, 'conv1'),
        ),
        ld(2, ld(4, 'drop'), varintField(5, 6), ld(12, float32Field(1, 0.1)), ld(2, 'conv1'), ld(3, 'conv1'), varintField(777, 1)),
      ),
    );
    const structure = await readCaffemodelStructure(file);
    const text = caffemodelToPrototxt(structure);
    parseClean(text);
    assert.match(text, /^# m\d+\.caffemodel: /); // defaults to the file's base name
    assert.match(text, /V0 format, shown as stored/);
    assert.match(
      text,
      /# weights: 4x3x3x3 \(shape calls for 108 values but 100 floats are stored\)\nlayers \{\n {2}layer \{\n {4}name: "conv1"\n {4}type: "conv"\n {4}num_output: 4\n {4}kernelsize: 3\n {2}\}\n {2}bottom: "data"\n/,
    );
    assert.match(text, /the 1 weight blob \(100 stored values, 400 bytes\) was skipped/);
    assert.match(text, /dropout_ratio: 0\.1\n/);
    assert.match(text, /# unknown field 777 of V1LayerParameter \(wire type 0, 3 bytes at byte \d+\) not shown\n/);

    const v2 = files.write(
      bytes(ld(100, ld(1, 's'), ld(2, 'ShuffleChannel'), ld(164, varintField(1, 3)), ld(7, ld(7, blobShape()), packedFloats(8, 1, 8)))),
    );
    const v2Text = caffemodelToPrototxt(await readCaffemodelStructure(v2));
    parseClean(v2Text);
    assert.match(v2Text, /shuffle_channel_param \{\n {4}group: 3\n {2}\}/);
    assert.match(v2Text, /# blob 0: scalar \(1 double\)\n/);
  });

  it('prints 32-bit floats with the shortest decimal that reads back exactly', () => {
    for (const v of [0.1, 1e-7, 0.0001, 3.4028234663852886e38, 1.401298464324817e-45, 123456.7, -2.5, 0]) {
      const f = Math.fround(v);
      const text = formatFloat32(f);
      assert.equal(Math.fround(Number(text)), f, text);
      assert.ok(text.length <= String(v).length + 1, `${text} is longer than needed for ${v}`);
    }
    assert.equal(formatFloat32(Math.fround(0.1)), '0.1');
    assert.equal(formatFloat32(Infinity), 'inf');
    assert.equal(formatFloat32(NaN), 'nan');
  });
});
