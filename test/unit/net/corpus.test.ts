// Every real network of the corpus analyses completely, and the shapes the papers and the corpus notes
// single out (fork fields, CEIL rounding, asymmetric kernels, custom layers) come out right.
import { strict as assert } from 'assert';
import { analyzeCorpus, corpusFiles, layer } from './helpers';
import type { AnalyzeOptions, NetAnalysis } from '../../../server/src/net/types';

/** Data-layer nets: C,H,W come from a database; these are what the papers and crop_size say. */
const DATA_INPUTS: Record<string, AnalyzeOptions> = {
  'all_cnn_c_trainval.prototxt': { inputShape: [1, 3, 32, 32] },
  'nin_imagenet_trainval.prototxt': { inputShape: [1, 3, 224, 224] },
  'squeezenet_residual_trainval.prototxt': { inputShape: [1, 3, 227, 227] },
};

/** The output of the last layer (of `types`, if given) with spatial size hw x hw: a stage's output. */
function lastAt(a: NetAnalysis, hw: number, types?: string[]): number[] {
  const hits = a.layers.filter(
    (l) =>
      !l.isSplit &&
      (!types || types.includes(l.type)) &&
      l.outputShapes[0]?.length === 4 &&
      l.outputShapes[0][2] === hw &&
      l.outputShapes[0][3] === hw,
  );
  assert.ok(hits.length > 0, `no layer at ${hw}x${hw}`);
  return hits[hits.length - 1].outputShapes[0] as number[];
}

describe('net: corpus', () => {
  for (const file of corpusFiles()) {
    it(`${file}: every shape, MAC and param count known, no errors or warnings`, () => {
      const a = analyzeCorpus(file, DATA_INPUTS[file]);
      assert.equal(a.complete, true);
      for (const l of a.layers) {
        assert.ok(
          l.outputShapes.every((s) => s !== undefined),
          `${l.name}: unknown output`,
        );
        assert.ok(l.features.macs !== undefined && l.features.params !== undefined, `${l.name}: features`);
      }
      const serious = a.problems.filter((p) => p.severity === 'error' || p.severity === 'warning');
      assert.deepEqual(
        serious.map((p) => `${p.code}: ${p.message}`),
        [],
      );
      assert.ok(a.totals.macs > 0 && a.totals.params > 0);
    });
  }

  it('without an input shape, Data-layer nets say so instead of inventing one', () => {
    const a = analyzeCorpus('nin_imagenet_trainval.prototxt');
    assert.equal(a.complete, false);
    assert.ok(a.problems.some((p) => p.code === 'missing-input-shape'));
    assert.equal(layer(a, 'conv1').outputShapes[0], undefined);
    assert.equal(layer(a, 'conv1').features.macs, undefined);
  });

  it('DenseNet-121 and WRN-50-2 pool1 honour the fork field ceil_mode: false (56x56, not 57x57)', () => {
    assert.deepEqual(layer(analyzeCorpus('densenet121.prototxt'), 'pool1').outputShapes, [[1, 64, 56, 56]]);
    assert.deepEqual(layer(analyzeCorpus('wrn50_2.prototxt'), 'pool1').outputShapes, [[1, 64, 56, 56]]);
  });

  it('Places-CNDS pool5 (k2 s2 on 7x7) is 4x4 with Caffe CEIL rounding, so fc6 reads 8192 features', () => {
    const a = analyzeCorpus('places_cnds_8conv3fc.prototxt');
    assert.deepEqual(layer(a, 'pool5').outputShapes, [[1, 512, 4, 4]]);
    assert.equal(layer(a, 'fc6').features.channelsIn, 8192);
  });

  it('GoogLeNet inception outputs equal the paper (Table 1)', () => {
    const a = analyzeCorpus('googlenet.prototxt');
    const expected: Record<string, number[]> = {
      'inception_3a/output': [256, 28],
      'inception_3b/output': [480, 28],
      'inception_4a/output': [512, 14],
      'inception_4b/output': [512, 14],
      'inception_4c/output': [512, 14],
      'inception_4d/output': [528, 14],
      'inception_4e/output': [832, 14],
      'inception_5a/output': [832, 7],
      'inception_5b/output': [1024, 7],
    };
    for (const [name, [c, hw]] of Object.entries(expected)) assert.deepEqual(layer(a, name).outputShapes, [[1, c, hw, hw]], name);
  });

  it('SqueezeNet v1.0 fire outputs equal the paper (Table 1, 227 input)', () => {
    const a = analyzeCorpus('squeezenet_v1.0.prototxt');
    const expected: Array<[string, number, number]> = [
      ['conv1', 96, 111],
      ['pool1', 96, 55],
      ['fire2/concat', 128, 55],
      ['fire3/concat', 128, 55],
      ['fire4/concat', 256, 55],
      ['pool4', 256, 27],
      ['fire5/concat', 256, 27],
      ['fire6/concat', 384, 27],
      ['fire7/concat', 384, 27],
      ['fire8/concat', 512, 27],
      ['pool8', 512, 13],
      ['fire9/concat', 512, 13],
    ];
    for (const [name, c, hw] of expected) assert.deepEqual(layer(a, name).outputShapes, [[1, c, hw, hw]], name);
    // The Caffe file pads conv10 by 1 (the paper's table says 13x13): the file wins.
    assert.deepEqual(layer(a, 'conv10').outputShapes, [[1, 1000, 15, 15]]);
  });

  it('Inception-v3 asymmetric kernels (kernel_h/kernel_w, pad_h/pad_w) keep 17x17 and 8x8 grids', () => {
    const a = analyzeCorpus('inception_v3.prototxt');
    const asymmetric = a.layers.filter((l) => l.features.kernelH !== undefined && l.features.kernelH !== l.features.kernelW);
    assert.ok(asymmetric.length >= 10);
    for (const l of asymmetric) {
      assert.equal(l.features.heightIn, l.features.heightOut, l.name);
      assert.equal(l.features.widthIn, l.features.widthOut, l.name);
    }
    assert.deepEqual(lastAt(a, 8).slice(1), [2048, 8, 8]);
  });

  it('ShuffleNet 1x g3 stages (ConvolutionDepthwise, ShuffleChannel) output 240/480/960 channels (paper Table 1)', () => {
    const a = analyzeCorpus('shufflenet_1x_g3.prototxt');
    const joins = ['Eltwise', 'Concat'];
    assert.equal(lastAt(a, 28, joins)[1], 240);
    assert.equal(lastAt(a, 14, joins)[1], 480);
    assert.equal(lastAt(a, 7, joins)[1], 960);
    const dw = a.layers.find((l) => l.type === 'ConvolutionDepthwise');
    assert.equal(dw?.features.group, dw?.features.channelsIn);
  });

  it('ShuffleNet v2 1x (Slice, Concat) stages output 116/232/464 channels and conv5 1024 (paper Table 5)', () => {
    const a = analyzeCorpus('shufflenet_v2_1x.prototxt');
    assert.equal(lastAt(a, 28, ['Concat'])[1], 116);
    assert.equal(lastAt(a, 14, ['Concat'])[1], 232);
    assert.equal(lastAt(a, 7, ['Concat'])[1], 464);
    assert.deepEqual(layer(a, 'conv5').outputShapes, [[1, 1024, 7, 7]]);
    const slices = a.layers.filter((l) => l.type === 'Slice');
    assert.ok(slices.length > 0 && slices.every((l) => l.outputShapes.length === 2 && l.outputShapes[0]?.[1] === l.outputShapes[1]?.[1]));
  });

  it('MobileNet depthwise convs are grouped convs: MACs = C*H*W*9', () => {
    const dw = layer(analyzeCorpus('mobilenet_v1.prototxt'), 'conv2_1/dw');
    assert.equal(dw.features.group, 32);
    assert.equal(dw.features.macs, 32 * 112 * 112 * 9);
    assert.equal(dw.features.params, 32 * 9);
  });
});
