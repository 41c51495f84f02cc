// Caffe's split insertion, and input shapes given by directive comments with the quick fixes that add them.
import { strict as assert } from 'assert';
import { analyzeText } from '../../../server/src/net';
import type { TextEdit } from '../../../server/src/problem';
import { corpusText } from './helpers';

function applyEdits(text: string, edits: TextEdit[]): string {
  return [...edits]
    .sort((a, b) => b.span.start - a.span.start)
    .reduce((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);
}

describe('net: Split layers as Caffe inserts them', () => {
  it('a blob read by three layers gets <blob>_<layer>_<top>_split with outputs _0.._2, after its producer', () => {
    const a = analyzeText(`input: "data" input_shape { dim: 1 dim: 4 }
layer { name: "a" type: "ReLU" bottom: "data" top: "x" }
layer { name: "b" type: "ReLU" bottom: "x" top: "b" }
layer { name: "c" type: "ReLU" bottom: "x" top: "c" }
layer { name: "d" type: "Eltwise" bottom: "x" bottom: "b" top: "d" }`);
    assert.deepEqual(
      a.layers.map((l) => l.name),
      ['a', 'x_a_0_split', 'b', 'c', 'd'],
    );
    const split = a.layers[1];
    assert.equal(split.isSplit, true);
    assert.deepEqual(split.tops, ['x_a_0_split_0', 'x_a_0_split_1', 'x_a_0_split_2']);
    assert.deepEqual(split.outputShapes, [
      [1, 4],
      [1, 4],
      [1, 4],
    ]);
    assert.deepEqual(a.layers[4].caffeBottoms, ['x_a_0_split_2', 'b']);
    assert.deepEqual(a.layers[4].bottoms, ['x', 'b'], 'bottoms keep the names of the file');
  });

  it('header inputs belong to the layer Caffe calls "input"; in-place chains need no split', () => {
    const a = analyzeText(`input: "data" input_shape { dim: 1 dim: 4 }
layer { name: "r" type: "ReLU" bottom: "data" top: "data" }
layer { name: "s" type: "Sigmoid" bottom: "data" top: "s" }
layer { name: "t" type: "TanH" bottom: "data" top: "t" }`);
    assert.deepEqual(
      a.layers.map((l) => l.name),
      ['r', 'data_r_0_split', 's', 't'],
      "data feeds only r (in place); r's output feeds s and t",
    );
    const b = analyzeText(
      'input: "data" input_shape { dim: 1 dim: 4 }\nlayer { name: "s" type: "Sigmoid" bottom: "data" top: "s" }\nlayer { name: "t" type: "TanH" bottom: "data" top: "t" }',
    );
    assert.equal(b.layers[0].name, 'data_input_0_split');
  });

  it('an explicit loss_weight on a shared top counts as a consumer, and consumers start at split output 1', () => {
    const a = analyzeText(`input: "data" input_shape { dim: 1 dim: 4 }
layer { name: "l" type: "ReLU" bottom: "data" top: "x" loss_weight: 1 }
layer { name: "u" type: "ReLU" bottom: "x" top: "u" }`);
    const split = a.layers.find((l) => l.isSplit);
    assert.deepEqual(split?.tops, ['x_l_0_split_0', 'x_l_0_split_1']);
    assert.deepEqual(a.layers.find((l) => l.name === 'u')?.caffeBottoms, ['x_l_0_split_1']);
  });
});

describe('net: input shapes for Data layers', () => {
  const dataNet = `name: "n"
layer {
  name: "data"
  type: "Data"
  top: "data"
  top: "label"
  transform_param { crop_size: 227 }
  data_param { source: "x_lmdb" batch_size: 50 }
}
layer { name: "conv" type: "Convolution" bottom: "data" top: "conv" convolution_param { num_output: 8 kernel_size: 3 } }
layer { name: "loss" type: "SoftmaxWithLoss" bottom: "conv" bottom: "label" top: "loss" }`;

  it('without a shape: a warning on the layer offering directive fixes (crop_size first, generic second)', () => {
    const a = analyzeText(dataNet);
    const p = a.problems.find((x) => x.code === 'missing-input-shape');
    assert.ok(p);
    assert.equal(p.severity, 'warning');
    assert.equal(dataNet.slice(p.span.start, p.span.end), '"data"');
    assert.deepEqual(
      p.fixes?.map((f) => f.edits[0].newText),
      ['# energy-lens: input 1,3,227,227\n', '# energy-lens: input 1,3,224,224\n'],
    );
    assert.equal(p.fixes?.[0].preferred, true);
    assert.deepEqual(a.layers[0].outputShapes, [undefined, [1]], 'the label shape is known: [batch]');
  });

  it('applying the fix makes the net fully analysable', () => {
    const fix = analyzeText(dataNet).problems.find((x) => x.code === 'missing-input-shape')?.fixes?.[0];
    assert.ok(fix);
    const fixed = applyEdits(dataNet, fix.edits);
    assert.ok(fixed.includes('\n# energy-lens: input 1,3,227,227\nlayer {\n  name: "data"'));
    const a = analyzeText(fixed);
    assert.equal(a.complete, true);
    assert.deepEqual(a.layers.find((l) => l.name === 'conv')?.outputShapes, [[1, 8, 225, 225]]);
    assert.deepEqual(a.problems, []);
  });

  it("the fix keeps the layer's indentation", () => {
    const indented = dataNet.replace('layer {\n  name: "data"', '  layer {\n  name: "data"');
    const fix = analyzeText(indented).problems.find((x) => x.code === 'missing-input-shape')?.fixes?.[0];
    assert.ok(applyEdits(indented, fix?.edits ?? []).includes('\n  # energy-lens: input 1,3,227,227\n  layer {'));
  });

  it('directives anywhere in the file, naming the blob or not; N is always the batch', () => {
    const named = analyzeText(`${dataNet}\n# energy-lens: input data 8,1,64,64`, { batch: 2 });
    assert.deepEqual(named.inputs.find((i) => i.name === 'data')?.shape, [2, 1, 64, 64]);
    const unnamed = analyzeText(`# energy-lens: input 1, 3, 32, 32\n${dataNet}`);
    assert.deepEqual(unnamed.layers.find((l) => l.name === 'conv')?.outputShapes, [[1, 8, 30, 30]]);
  });

  it('a malformed directive, or one naming no input, is reported', () => {
    const bad = analyzeText(`# energy-lens: input 1,3,abc\n${dataNet}`);
    assert.ok(bad.problems.some((p) => p.code === 'invalid-directive'));
    const unknown = analyzeText(`# energy-lens: input images 1,3,32,32\n${dataNet}`);
    assert.ok(unknown.problems.some((p) => p.code === 'invalid-directive' && /images/.test(p.message)));
  });

  it('options.inputShape wins over a directive', () => {
    const a = analyzeText(`# energy-lens: input 1,3,32,32\n${dataNet}`, { inputShape: [1, 3, 10, 10] });
    assert.deepEqual(a.inputs[0].shape, [1, 3, 10, 10]);
  });

  it('a V1 ImageData net with new_height/new_width needs no directive', () => {
    const a = analyzeText(corpusText('cifar10_quick_iter_5000.companion_prediction_example.prototxt'));
    assert.deepEqual(
      a.inputs.map((i) => i.shape),
      [[1, 3, 32, 32], [1]],
    );
    assert.equal(a.complete, true);
  });
});
