// Whatever the file says, the analysis returns: no exception, and every number it gives is a real
// count (shapes of positive integers, MACs and params finite non-negative integers), never NaN.
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { analyzeText } from '../../../server/src/net';
import { NavigationIndex } from '../../../server/src/net/navigation';
import { parse } from '../../../server/src/text/parser';
import type { NetAnalysis } from '../../../server/src/net/types';
import { corpusText } from './helpers';

function assertSane(a: NetAnalysis): void {
  for (const l of a.layers) {
    for (const shape of l.outputShapes) {
      if (shape)
        assert.ok(
          shape.every((d) => Number.isInteger(d) && d > 0),
          `${l.name}: shape ${shape}`,
        );
    }
    for (const [key, value] of Object.entries(l.features)) {
      assert.ok(Number.isInteger(value) && value >= 0, `${l.name}.${key} = ${value}`);
    }
  }
  assert.ok(Number.isInteger(a.totals.macs) && Number.isInteger(a.totals.params));
  for (const p of a.problems) assert.ok(p.span.start <= p.span.end && p.message.length > 0, p.code);
}

const TYPES = [
  'Convolution',
  'Deconvolution',
  'ConvolutionDepthwise',
  'Pooling',
  'InnerProduct',
  'ReLU',
  'PReLU',
  'Scale',
  'Bias',
  'BatchNorm',
  'Concat',
  'Eltwise',
  'Slice',
  'Split',
  'Crop',
  'Tile',
  'Flatten',
  'Reshape',
  'Reduction',
  'ArgMax',
  'Softmax',
  'SoftmaxWithLoss',
  'Accuracy',
  'Silence',
  'Input',
  'DummyData',
  'Data',
  'Mystery',
];
const FIELDS = [
  'convolution_param { num_output: %n kernel_size: %n stride: %n pad: %n group: %n dilation: %n }',
  'convolution_param { num_output: %n kernel_h: %n kernel_w: %n axis: %n }',
  'pooling_param { pool: AVE kernel_size: %n stride: %n pad: %n }',
  'pooling_param { global_pooling: true round_mode: FLOOR }',
  'inner_product_param { num_output: %n axis: %n }',
  'concat_param { axis: %n }',
  'slice_param { slice_point: %n slice_point: %n axis: %n }',
  'reshape_param { shape { dim: %n dim: %n dim: %n } axis: %n num_axes: %n }',
  'flatten_param { axis: %n end_axis: %n }',
  'crop_param { axis: %n offset: %n }',
  'tile_param { tiles: %n axis: %n }',
  'scale_param { axis: %n num_axes: %n bias_term: true }',
  'argmax_param { top_k: %n axis: %n }',
  'input_param { shape { dim: %n dim: %n dim: %n } }',
  'dummy_data_param { shape { dim: %n dim: %n } }',
  '',
];
const NUMBERS = fc.constantFrom(-3, -1, 0, 1, 2, 3, 4, 7, 64, 1.5, 1e12);

const layerArb = fc.record({
  type: fc.constantFrom(...TYPES),
  field: fc.constantFrom(...FIELDS),
  numbers: fc.array(NUMBERS, { minLength: 5, maxLength: 5 }),
  bottoms: fc.array(fc.constantFrom('data', 'b0', 'b1', 'b2', 'nowhere'), { maxLength: 3 }),
  top: fc.constantFrom('b0', 'b1', 'b2', 'data'),
});

describe('net: robustness', () => {
  it('random nets of known and unknown layers with odd parameters', () => {
    fc.assert(
      fc.property(fc.array(layerArb, { maxLength: 8 }), fc.integer({ min: 1, max: 4 }), (layers, batch) => {
        const body = layers
          .map((l, i) => {
            let n = 0;
            const field = l.field.replace(/%n/g, () => String(l.numbers[n++ % l.numbers.length]));
            return `layer { name: "l${i}" type: "${l.type}" ${l.bottoms.map((b) => `bottom: "${b}"`).join(' ')} top: "${l.top}" ${field} }`;
          })
          .join('\n');
        const text = `input: "data" input_shape { dim: 1 dim: 3 dim: 9 dim: 9 }\n${body}`;
        assertSane(analyzeText(text, { batch }));
      }),
      { numRuns: 400 },
    );
  });

  it('corpus files cut at random places still analyse sanely, and navigation never throws', () => {
    const texts = ['googlenet.prototxt', 'imagenet_caffenet_2014-02_v0.prototxt', 'all_cnn_c_trainval.prototxt'].map(corpusText);
    fc.assert(
      fc.property(fc.nat(2), fc.nat(), fc.nat(400), fc.nat(), (which, from, length, offset) => {
        const text = texts[which];
        const start = from % text.length;
        const cut = text.slice(0, start) + text.slice(start + length);
        assertSane(analyzeText(cut));
        const nav = new NavigationIndex(parse(cut));
        const at = offset % (cut.length + 1);
        nav.definitionOf(at);
        nav.referencesOf(at);
        nav.renameEdits(at, 'renamed');
      }),
      { numRuns: 150 },
    );
  });

  it('non-integer sizes are rejected, not propagated', () => {
    const a = analyzeText(
      'input: "x" input_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\nlayer { name: "c" type: "Convolution" bottom: "x" top: "c" convolution_param { num_output: 2.5 kernel_size: 3 } }',
    );
    assert.equal(a.layers[0].outputShapes[0], undefined);
    assert.ok(a.problems.some((p) => p.code === 'invalid-layer-parameters'));
  });
});
