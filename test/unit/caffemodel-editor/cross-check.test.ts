// The cross-check of a network definition with trained weights: the two real models of the corpus
// agree with the definitions shipped with them (train-vs-deploy variants: data and loss layers hold
// no blobs), and planted disagreements are found on the field that causes them.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { readCaffemodelStructure } from '../../../server/src/caffe/caffemodel/structure';
import type { BlobStructure, CaffemodelStructure, LayerStructure } from '../../../server/src/caffe/caffemodel/types';
import { compareBlob, crossCheckWeights } from '../../../server/src/weights/cross-check';
import { caffemodelNetwork, snapshotPhase } from '../../../server/src/weights/caffemodel-network';
import { analyzeDocument, analyzeText } from '../../../server/src/net';
import { parse } from '../../../server/src/text/parser';
import { CORPUS_CAFFEMODEL } from '../shared-paths';

const REAL = [
  { model: 'lenet_iter_10000.caffemodel', companion: 'lenet_iter_10000.companion_mnist_deploy.prototxt' },
  { model: 'cifar10_quick_iter_5000.caffemodel', companion: 'cifar10_quick_iter_5000.companion_prediction_example.prototxt' },
];

function check(text: string, structure: CaffemodelStructure, fileName = 'w.caffemodel') {
  const doc = parse(text);
  assert.deepEqual(doc.errors, []);
  return crossCheckWeights(doc, analyzeDocument(doc, {}, text), structure, fileName);
}

/** Replaces the `occurrence`-th match of `pattern` in the layer block named `layer`. */
function plant(text: string, layer: string, from: string, to: string): string {
  const at = text.indexOf(`name: "${layer}"`);
  assert.ok(at >= 0, `layer ${layer} is in the text`);
  const hit = text.indexOf(from, at);
  assert.ok(hit >= 0, `${from} follows layer ${layer}`);
  return text.slice(0, hit) + to + text.slice(hit + from.length);
}

function storedDims(structure: CaffemodelStructure, layer: string, blob = 0): string {
  const found = structure.layers.find((l) => l.name === layer);
  assert.ok(found, `${layer} is in the weights`);
  return found.blobs[blob].dims.join('x');
}

for (const { model, companion } of REAL) {
  describe(`cross-check ${model} with its companion prototxt`, () => {
    let structure: CaffemodelStructure;
    let text: string;
    before(async () => {
      structure = await readCaffemodelStructure(path.join(CORPUS_CAFFEMODEL, model));
      text = fs.readFileSync(path.join(CORPUS_CAFFEMODEL, companion), 'utf8');
    });

    it('finds no disagreement and matches every weighted layer', () => {
      const result = check(text, structure, model);
      assert.deepEqual(
        result.problems.map((p) => p.message),
        [],
      );
      const weighted = structure.layers.filter((l) => l.blobs.length > 0).map((l) => l.name);
      assert.ok(weighted.length >= 4);
      for (const name of weighted) assert.ok(result.matched.has(name), `${name} is matched by name`);
    });

    it('reports a planted num_output on its value, naming both shapes', () => {
      const planted = plant(text, 'ip2', 'num_output: 10', 'num_output: 12');
      const [problem, ...rest] = check(planted, structure, model).problems;
      assert.equal(rest.length, 0);
      assert.equal(problem.severity, 'error');
      assert.equal(problem.code, 'weights-shape-mismatch');
      assert.equal(planted.slice(problem.span.start, problem.span.end), '12');
      assert.match(
        problem.message,
        new RegExp(
          `^ip2: weights in ${model.replace(/\./g, '\\.')} are ${storedDims(structure, 'ip2')} but this layer implies (1x1x)?12x\\d+ \\(num_output\\); bias is`,
        ),
      );
    });

    it('reports a planted kernel_size on its value', () => {
      const planted = plant(text, 'conv1', 'kernel_size: 5', 'kernel_size: 7');
      const problems = check(planted, structure, model).problems;
      const conv1 = problems.find((p) => p.message.startsWith('conv1:'));
      assert.ok(conv1, problems.map((p) => p.message).join('\n'));
      assert.equal(planted.slice(conv1.span.start, conv1.span.end), '7');
      const stored = storedDims(structure, 'conv1').split('x');
      assert.ok(
        conv1.message.includes(
          `are ${stored.join('x')} but this layer implies ${[...stored.slice(0, 2), '7', '7'].join('x')} (kernel_size)`,
        ),
        conv1.message,
      );
      // A wider kernel shrinks later blobs: where ip1's input features change, they disagree too, on the layer name.
      const features = (t: string) => analyzeText(t).layers.find((l) => l.name === 'ip1')?.features.channelsIn;
      const ip1 = problems.find((p) => p.message.startsWith('ip1:'));
      if (features(planted) === features(text)) {
        assert.equal(ip1, undefined);
      } else {
        assert.ok(ip1 && ip1.message.includes('(input features)'), problems.map((p) => p.message).join('\n'));
        assert.equal(planted.slice(ip1.span.start, ip1.span.end), '"ip1"');
      }
    });

    it('reports a bias_term the weights do not have as a blob-count error', () => {
      const planted = plant(text, 'conv2', 'num_output:', 'bias_term: false\n    num_output:');
      const problem = check(planted, structure, model).problems.find((p) => p.code === 'weights-blob-count');
      assert.ok(problem);
      assert.equal(planted.slice(problem.span.start, problem.span.end), 'false');
      assert.match(problem.message, /^conv2: .* holds 2 blobs for this layer but it implies 1 \(weights\), see bias_term/);
    });

    it('gives a hint for a learnable layer the weights do not have', () => {
      const planted = plant(text, 'conv2', 'name: "conv2"', 'name: "conv2_renamed"');
      const problems = check(planted, structure, model).problems;
      const hint = problems.find((p) => p.code === 'weights-missing-layer');
      assert.ok(hint);
      assert.equal(hint.severity, 'hint');
      assert.equal(planted.slice(hint.span.start, hint.span.end), '"conv2_renamed"');
      assert.match(hint.message, /conv2_renamed: not in .* weights and bias at their initial/);
    });
  });
}

/** A structure as the reader returns it, from blob shapes (legacy: stored as num/channels/height/width). */
function structureOf(layers: Array<{ name: string; type: string; blobs: number[][]; legacy?: boolean }>): CaffemodelStructure {
  const blob = (dims: number[], legacy: boolean): BlobStructure => ({
    offset: 0,
    byteLength: 0,
    dims,
    dataCount: dims.reduce((a, b) => a * b, 1),
    diffCount: 0,
    doubleDataCount: 0,
    doubleDiffCount: 0,
    ...(legacy ? { legacyShape: dims as [number, number, number, number] } : { shape: dims }),
  });
  const structured: LayerStructure[] = layers.map((l, index) => ({
    index,
    format: 'V2',
    offset: 0,
    byteLength: 0,
    name: l.name,
    type: l.type,
    bottoms: [],
    tops: [],
    message: {},
    blobs: l.blobs.map((d) => blob(d, l.legacy ?? false)),
    unknownFields: [],
  }));
  return {
    path: '/x/w.caffemodel',
    fileSize: 0,
    name: 'net',
    format: 'V2',
    header: {},
    inputs: [],
    layers: structured,
    unknownFields: [],
    totals: { blobs: 0, storedValues: 0, shapeValues: 0, skippedBytes: 0 },
  };
}

describe('cross-check blob rules', () => {
  // Input C x H x W, a grouped conv, BatchNorm + Scale (with bias), PReLU, fc: Caffe's blob shapes.
  const C = 8,
    H = 6,
    OUT = 6,
    GROUP = 2,
    K = 3,
    FC = 5;
  const net = `name: "rules"
layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: ${C} dim: ${H} dim: ${H} } } }
layer { name: "conv" type: "Convolution" bottom: "data" top: "conv" convolution_param { num_output: ${OUT} group: ${GROUP} kernel_size: ${K} } }
layer { name: "bn" type: "BatchNorm" bottom: "conv" top: "conv" }
layer { name: "scale" type: "Scale" bottom: "conv" top: "conv" scale_param { bias_term: true } }
layer { name: "prelu" type: "PReLU" bottom: "conv" top: "conv" }
layer { name: "fc" type: "InnerProduct" bottom: "conv" top: "fc" inner_product_param { num_output: ${FC} } }
layer { name: "prob" type: "Softmax" bottom: "fc" top: "prob" }
`;
  const spatial = H - K + 1;
  const good = () => [
    { name: 'conv', type: 'Convolution', blobs: [[OUT, C / GROUP, K, K], [OUT]] },
    { name: 'bn', type: 'BatchNorm', blobs: [[OUT], [OUT], [1]] },
    { name: 'scale', type: 'Scale', blobs: [[OUT], [OUT]] },
    { name: 'prelu', type: 'PReLU', blobs: [[OUT]] },
    { name: 'fc', type: 'InnerProduct', blobs: [[FC, OUT * spatial * spatial], [FC]] },
  ];

  it('accepts the shapes Caffe creates', () => {
    assert.deepEqual(check(net, structureOf(good())).problems, []);
  });

  it('accepts legacy 4-D blobs padded with leading 1s', () => {
    const legacy = good().map((l) => ({ ...l, legacy: true, blobs: l.blobs.map((d) => [...new Array(4 - d.length).fill(1), ...d]) }));
    assert.deepEqual(check(net, structureOf(legacy)).problems, []);
  });

  for (const [layer, blob, dims, cause] of [
    ['conv', 0, [OUT, C, K, K], 'input channels / group'],
    ['bn', 1, [OUT + 1], 'input channels'],
    ['bn', 2, [2], 'always 1'],
    ['scale', 1, [OUT, 1], ''],
    ['prelu', 0, [1], 'input channels'],
    ['fc', 0, [FC, OUT], 'input features'],
  ] as const) {
    it(`finds ${layer}'s blob ${blob} stored as ${dims.join('x')}`, () => {
      const layers = good();
      layers.find((l) => l.name === layer)!.blobs[blob] = [...dims];
      const problems = check(net, structureOf(layers)).problems;
      assert.equal(problems.length, 1, problems.map((p) => p.message).join('\n'));
      assert.ok(problems[0].message.startsWith(`${layer}: `));
      assert.ok(problems[0].message.includes(dims.join('x')));
      if (cause) assert.ok(problems[0].message.includes(`(${cause})`), problems[0].message);
    });
  }

  it('compares legacy blobs as Caffe does: padding axes must be 1', () => {
    const legacy = (dims: number[]): BlobStructure => ({
      offset: 0,
      byteLength: 0,
      legacyShape: dims as [number, number, number, number],
      dims,
      dataCount: 0,
      diffCount: 0,
      doubleDataCount: 0,
      doubleDiffCount: 0,
    });
    assert.deepEqual(compareBlob(legacy([1, 1, 10, 64]), [10, 64])?.mismatched, []);
    assert.deepEqual(compareBlob(legacy([1, 2, 10, 64]), [10, 64])?.mismatched, [-1]);
    assert.deepEqual(compareBlob(legacy([1, 1, 10, 64]), [10, undefined])?.mismatched, []);
    assert.deepEqual(compareBlob(legacy([1, 1, 10, 64]), [1, 2, 3, 4, 5])?.mismatched, [0, 1, 2, 3, 4]);
  });
});

describe('caffemodel as an analysable network', () => {
  for (const { model, companion } of REAL) {
    it(`${model}: TRAIN snapshot, input shape implied by the weights equals the companion's`, async () => {
      const structure = await readCaffemodelStructure(path.join(CORPUS_CAFFEMODEL, model));
      assert.equal(snapshotPhase(structure), 'TRAIN');
      const network = caffemodelNetwork(structure, model);
      const expected = analyzeText(fs.readFileSync(path.join(CORPUS_CAFFEMODEL, companion), 'utf8')).inputs[0].shape;
      assert.deepEqual(network.input?.shape, expected);
      const analysis = analyzeText(network.text, { phase: network.phase });
      assert.deepEqual(analysis.inputs[0].shape, expected);
      assert.equal(analysis.problems.filter((p) => p.severity === 'error').length, 0, analysis.problems.map((p) => p.message).join('\n'));
      // With the shape known, every weighted layer gets its MACs (what the energy prediction needs).
      for (const l of structure.layers.filter((x) => x.blobs.length > 0)) {
        assert.ok((analysis.layers.find((a) => a.name === l.name)?.features.macs ?? 0) > 0, `${l.name} has MACs`);
      }
      // The learnable parameters the analysis counts are the values the file stores.
      assert.equal(analysis.totals.params, structure.totals.storedValues);
      // And the net as stored agrees with its own weights.
      const doc = parse(network.text);
      assert.deepEqual(crossCheckWeights(doc, analyzeDocument(doc, { phase: network.phase }), structure, model).problems, []);
    });
  }

  it('uses a known input shape instead of inferring one', async () => {
    const structure = await readCaffemodelStructure(path.join(CORPUS_CAFFEMODEL, REAL[0].model));
    const network = caffemodelNetwork(structure, REAL[0].model, { shape: [1, 1, 40, 40], reason: 'given' });
    assert.ok(network.text.includes('# energy-lens: input 1,1,40,40'));
    assert.deepEqual(analyzeText(network.text, { phase: 'TRAIN' }).inputs[0].shape, [1, 1, 40, 40]);
  });
});
