// V0, V1 and V2 files, the three header styles and phase/stage/level rules all lead to one network.
import { strict as assert } from 'assert';
import { analyzeText } from '../../../server/src/net';
import type { NetAnalysis } from '../../../server/src/net/types';
import { analyzeCorpus, layer } from './helpers';

/** name -> [output shapes, MACs, params] of the file's own computing layers. */
function signature(a: NetAnalysis): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const l of a.layers) {
    if (l.isSplit || l.type === 'Input') continue;
    out[l.name] = [l.type, l.outputShapes, l.features.macs, l.features.params];
  }
  return out;
}

describe('net: one model for V0/V1/V2 files', () => {
  it('AlexNet as V1 (input_dim), V2 input_dim, V2 input_shape and V2 Input layer: identical layers', () => {
    const reference = signature(analyzeCorpus('alexnet.prototxt'));
    assert.equal(Object.keys(reference).length, 23);
    for (const file of [
      'alexnet_2014-09_v1_layers.prototxt',
      'alexnet_2015-02_v2_input_dim.prototxt',
      'alexnet_2015-08_v2_input_shape.prototxt',
    ]) {
      assert.deepEqual(signature(analyzeCorpus(file)), reference, file);
    }
    assert.equal(analyzeCorpus('alexnet_2014-09_v1_layers.prototxt').format, 'V1');
  });

  it('CaffeNet V0 (2014-02): padding layers fold into the next conv as Caffe upgrades them', () => {
    const v0 = analyzeCorpus('imagenet_caffenet_2014-02_v0.prototxt');
    assert.equal(v0.format, 'V0');
    assert.deepEqual(signature(v0), signature(analyzeCorpus('caffenet.prototxt')));
    assert.ok(!v0.layers.some((l) => l.name.startsWith('pad')));
    const conv2 = layer(v0, 'conv2');
    assert.deepEqual(conv2.bottoms, ['norm1']);
    assert.equal(conv2.features.padH, 2);
    assert.equal(conv2.features.group, 2);
  });

  it('LeNet V0, V1 and V2 agree; GoogLeNet V1 and V2 agree', () => {
    const lenet = signature(analyzeCorpus('lenet.prototxt'));
    assert.deepEqual(signature(analyzeCorpus('lenet_2014-09_v1_layers.prototxt')), lenet);
    assert.deepEqual(signature(analyzeCorpus('lenet_2014-02_v0.prototxt')), lenet);
    assert.deepEqual(signature(analyzeCorpus('googlenet_2014-12_v1_layers.prototxt')), signature(analyzeCorpus('googlenet.prototxt')));
  });

  it('V1 enum types may be written as numbers (type: 4 is CONVOLUTION)', () => {
    const a = analyzeText(
      'input: "x" input_dim: 1 input_dim: 3 input_dim: 8 input_dim: 8\nlayers { name: "c" type: 4 bottom: "x" top: "c" convolution_param { num_output: 2 kernel_size: 3 } }',
    );
    assert.equal(layer(a, 'c').type, 'Convolution');
    assert.deepEqual(layer(a, 'c').outputShapes, [[1, 2, 6, 6]]);
  });
});

describe('net: input headers', () => {
  it('several inputs with 4 input_dim each; N becomes the batch', () => {
    const a = analyzeText(
      `input: "a" input: "b"
      input_dim: 10 input_dim: 3 input_dim: 4 input_dim: 5
      input_dim: 10 input_dim: 6 input_dim: 4 input_dim: 5
      layer { name: "cat" type: "Concat" bottom: "a" bottom: "b" top: "cat" }`,
      { batch: 2 },
    );
    assert.deepEqual(a.inputs, [
      { name: 'a', shape: [2, 3, 4, 5] },
      { name: 'b', shape: [2, 6, 4, 5] },
    ]);
    assert.deepEqual(layer(a, 'cat').outputShapes, [[2, 9, 4, 5]]);
  });

  it('input + input_shape, and an Input layer whose single shape serves every top', () => {
    const shaped = analyzeText('input: "data" input_shape { dim: 7 dim: 1 dim: 9 dim: 9 }');
    assert.deepEqual(shaped.inputs, [{ name: 'data', shape: [1, 1, 9, 9] }]);
    const layerStyle = analyzeText('layer { name: "in" type: "Input" top: "x" top: "y" input_param { shape { dim: 4 dim: 2 } } }');
    assert.deepEqual(layerStyle.inputs, [
      { name: 'x', shape: [1, 2] },
      { name: 'y', shape: [1, 2] },
    ]);
  });

  it('a wrong number of input_dim values is an error, not a guess', () => {
    const a = analyzeText('input: "data" input_dim: 1 input_dim: 3 input_dim: 9');
    assert.ok(a.problems.some((p) => p.code === 'invalid-input-header' && p.severity === 'error'));
    assert.equal(a.inputs[0].shape, undefined);
  });

  it('inputShape option overrides the first input', () => {
    const a = analyzeCorpus('alexnet.prototxt', { inputShape: [5, 3, 300, 300], batch: 2 });
    assert.deepEqual(a.inputs[0].shape, [2, 3, 300, 300]);
    assert.deepEqual(layer(a, 'conv1').outputShapes, [[2, 96, 73, 73]]);
  });
});

describe('net: phase, stage and level rules (NetStateRule)', () => {
  const net = `
    input: "x" input_shape { dim: 1 dim: 4 }
    layer { name: "train_only" type: "ReLU" bottom: "x" top: "t" include { phase: TRAIN } }
    layer { name: "not_test" type: "ReLU" bottom: "x" top: "n" exclude { phase: TEST } }
    layer { name: "deploy_stage" type: "ReLU" bottom: "x" top: "s" include { stage: "deploy" } }
    layer { name: "level2" type: "ReLU" bottom: "x" top: "l" include { min_level: 2 } }
    layer { name: "not_deploy" type: "ReLU" bottom: "x" top: "d" include { not_stage: "deploy" } }
    layer { name: "always" type: "ReLU" bottom: "x" top: "a" }`;
  const names = (a: NetAnalysis) => a.layers.filter((l) => !l.isSplit).map((l) => l.name);

  it('TEST by default; TRAIN on request', () => {
    assert.deepEqual(names(analyzeText(net)), ['not_deploy', 'always']);
    assert.deepEqual(names(analyzeText(net, { phase: 'TRAIN' })), ['train_only', 'not_test', 'not_deploy', 'always']);
  });

  it("stages and levels from options, or from the file's state block", () => {
    assert.deepEqual(names(analyzeText(net, { stages: ['deploy'], level: 3 })), ['deploy_stage', 'level2', 'always']);
    assert.deepEqual(names(analyzeText(`state { stage: "deploy" }\n${net}`)), ['deploy_stage', 'always']);
  });

  it('excluded layers are listed with their spans', () => {
    const a = analyzeText(net);
    assert.deepEqual(
      a.excluded?.map((e) => e.name),
      ['train_only', 'not_test', 'deploy_stage', 'level2'],
    );
    assert.ok(a.excluded?.every((e) => e.span.end > e.span.start));
  });

  it('V1 include rules pick the TEST data layer of NIN (batch_size 89 is ignored: batch 1)', () => {
    const a = analyzeCorpus('nin_imagenet_trainval.prototxt', { inputShape: [1, 3, 224, 224] });
    assert.equal(a.layers.filter((l) => l.name === 'data').length, 1);
    assert.equal(a.excluded?.filter((e) => e.name === 'data').length, 1);
    assert.deepEqual(layer(a, 'data').outputShapes, [[1, 3, 224, 224], [1]]);
  });

  it('include and exclude on one layer is an error', () => {
    const a = analyzeText(
      'input: "x" input_shape { dim: 1 } layer { name: "r" type: "ReLU" bottom: "x" top: "x" include { phase: TEST } exclude { phase: TRAIN } }',
    );
    assert.ok(a.problems.some((p) => p.code === 'invalid-state-rules'));
  });
});
