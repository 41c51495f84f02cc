// Caffe → Caffe2 translation of the real corpus: every translated op's output shape, computed by
// the Caffe2 shape functions from the NetDef alone, equals the project's Caffe shape inference.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { decodeNetDef, encodeNetDef } from '../../../server/src/caffe2/netdef';
import { inferNetShapes } from '../../../server/src/caffe2/shapes';
import { TranslationError, translateToCaffe2 } from '../../../server/src/caffe2/translate';
import { SHARED } from '../shared-paths';

const CORPUS = path.join(SHARED, 'corpus', 'prototxt');

describe('Caffe → Caffe2 translation (corpus)', function () {
  this.timeout(120000);
  const files = fs
    .readdirSync(CORPUS)
    .filter((f) => f.endsWith('.prototxt'))
    .sort();
  const translated: string[] = [];
  const refused: string[] = [];

  for (const file of files) {
    it(`${file}: op shapes match Caffe's, or the refusal names a layer`, () => {
      const text = fs.readFileSync(path.join(CORPUS, file), 'utf8');
      let t;
      try {
        t = translateToCaffe2(text, { inputShape: undefined });
      } catch (e) {
        assert.ok(e instanceof TranslationError, `${file}: ${String(e)}`);
        assert.match(e.message, /^(Layer "[^"]+" \([A-Za-z0-9]+\): |the shape of input|the network has no input)/);
        refused.push(`${file}: ${e.message}`);
        return;
      }
      // The bytes decode back to the same nets (what the phone reads).
      const predict = decodeNetDef(encodeNetDef(t.predictNet));
      const init = decodeNetDef(encodeNetDef(t.initNet));
      assert.strictEqual(predict.op.length, t.predictNet.op.length);
      assert.deepStrictEqual(init.external_output, [...t.params.keys()]);
      const known = new Map([[t.input.name, t.input.shape], ...t.params]);
      const shapes = inferNetShapes(predict, known);
      for (const l of t.layers) {
        const op = predict.op[l.ops[l.ops.length - 1]];
        assert.deepStrictEqual(shapes.get(op.output[0]), l.caffeShape, `${file}: ${l.layer} (${l.layerType} → ${op.type})`);
      }
      translated.push(file);
    });
  }

  after(() => {
    // Most of the corpus must translate; the refusals are printed so a reader sees why.
    if (refused.length) console.log(`      refused:\n${refused.map((r) => `        ${r}`).join('\n')}`);
  });

  it('translates the seed networks (AlexNet, SqueezeNet, GoogLeNet, VGG-16, ResNet-50, MobileNet)', () => {
    for (const f of [
      'alexnet.prototxt',
      'squeezenet_v1.0.prototxt',
      'googlenet.prototxt',
      'vgg16.prototxt',
      'resnet50.prototxt',
      'mobilenet_v1.prototxt',
    ]) {
      const t = translateToCaffe2(fs.readFileSync(path.join(CORPUS, f), 'utf8'));
      assert.ok(t.predictNet.op.length > 5, f);
    }
  });

  it('maps layer types as caffe_translator does', () => {
    const t = translateToCaffe2(fs.readFileSync(path.join(CORPUS, 'alexnet.prototxt'), 'utf8'));
    const byLayer = new Map(t.layers.map((l) => [l.layer, t.predictNet.op[l.ops[0]]]));
    const conv2 = byLayer.get('conv2')!;
    assert.strictEqual(conv2.type, 'Conv');
    assert.deepStrictEqual(conv2.input.slice(1), ['conv2_w', 'conv2_b']);
    assert.deepStrictEqual(
      conv2.arg.find((a) => a.name === 'group'),
      { name: 'group', i: 2 },
    );
    assert.deepStrictEqual(t.params.get('conv2_w'), [256, 48, 5, 5]);
    const pool1 = byLayer.get('pool1')!;
    assert.strictEqual(pool1.type, 'MaxPool');
    assert.deepStrictEqual(
      pool1.arg.find((a) => a.name === 'legacy_pad'),
      { name: 'legacy_pad', i: 3 },
    );
    assert.deepStrictEqual(byLayer.get('norm1')!.output, ['norm1', '_norm1_scale']);
    assert.deepStrictEqual(byLayer.get('drop6')!.output, ['fc6', '_fc6_mask']);
    assert.deepStrictEqual(
      byLayer.get('drop6')!.arg.find((a) => a.name === 'is_test'),
      { name: 'is_test', i: 1 },
    );
    assert.strictEqual(byLayer.get('fc6')!.type, 'FC');
    assert.deepStrictEqual(t.params.get('fc6_w'), [4096, 9216]);
    assert.strictEqual(byLayer.get('prob')!.type, 'Softmax');
    const g = translateToCaffe2(fs.readFileSync(path.join(CORPUS, 'googlenet.prototxt'), 'utf8'));
    const concat = g.predictNet.op.find((o) => o.type === 'Concat')!;
    assert.strictEqual(concat.output.length, 2);
    assert.match(concat.output[1], /^_.*_dims$/);
  });

  it('refuses an unsupported layer by name', () => {
    const text =
      'name: "n"\ninput: "data"\ninput_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\nlayer { name: "odd" type: "Power" bottom: "data" top: "p" }\n';
    assert.throws(
      () => translateToCaffe2(text),
      (e: unknown) => e instanceof TranslationError && e.layer === 'odd' && /Layer "odd" \(Power\): no Caffe2 translation/.test(e.message),
    );
  });
});
