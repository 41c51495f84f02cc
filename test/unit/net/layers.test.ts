// Caffe's shape rules layer by layer, on one-layer nets. Expected values are worked out from the Caffe
// formulas quoted in each case, not read back from the code.
import { strict as assert } from 'assert';
import { analyzeText } from '../../../server/src/net';
import type { AnalyzedLayer, NetAnalysis } from '../../../server/src/net/types';

function net(inputs: number[][], body: string): NetAnalysis {
  const tops = inputs.map((_, i) => `top: "in${i}"`).join(' ');
  const shapes = inputs.map((s) => `shape { ${s.map((d) => `dim: ${d}`).join(' ')} }`).join(' ');
  return analyzeText(`layer { name: "input" type: "Input" ${tops} input_param { ${shapes} } }\n${body}`, { batch: inputs[0][0] });
}

/** One layer `t` of `type` reading in0..in(k-1), with `params` inside the layer block. */
function one(type: string, inputs: number[][], params = '', tops = 1): AnalyzedLayer {
  const bottoms = inputs.map((_, i) => `bottom: "in${i}"`).join(' ');
  const topList = Array.from({ length: tops }, (_, i) => `top: "t${i}"`).join(' ');
  const a = net(inputs, `layer { name: "t" type: "${type}" ${bottoms} ${topList} ${params} }`);
  const l = a.layers.find((x) => x.name === 't');
  assert.ok(l);
  return l;
}

const codes = (a: NetAnalysis) => a.problems.map((p) => p.code);

describe('net: Convolution family', () => {
  it('out = (in + 2*pad - (dilation*(k-1)+1)) / stride + 1, per axis; MACs and params', () => {
    const l = one(
      'Convolution',
      [[2, 4, 11, 9]],
      'convolution_param { num_output: 6 kernel_size: 3 kernel_size: 2 stride: 2 pad: 1 pad: 0 dilation: 2 group: 2 }',
    );
    // H: (11 + 2 - 5) / 2 + 1 = 5; W: (9 + 0 - 3) / 2 + 1 = 4
    assert.deepEqual(l.outputShapes, [[2, 6, 5, 4]]);
    assert.equal(l.features.macs, 2 * 6 * 5 * 4 * (4 / 2) * 3 * 2);
    assert.equal(l.features.params, 6 * 2 * 3 * 2 + 6);
    assert.deepEqual([l.features.kernelH, l.features.kernelW, l.features.strideH, l.features.padW], [3, 2, 2, 0]);
  });

  it('kernel_h/kernel_w, stride_h/stride_w, pad_h/pad_w and bias_term: false', () => {
    const l = one(
      'Convolution',
      [[1, 3, 17, 17]],
      'convolution_param { num_output: 8 kernel_h: 1 kernel_w: 7 pad_h: 0 pad_w: 3 stride_h: 2 stride_w: 1 bias_term: false }',
    );
    assert.deepEqual(l.outputShapes, [[1, 8, 9, 17]]);
    assert.equal(l.features.params, 8 * 3 * 7);
  });

  it('pad_h alone leaves pad_w at its default 0; kernel_h alone is an error (kernel_w 0)', () => {
    assert.deepEqual(one('Convolution', [[1, 1, 8, 8]], 'convolution_param { num_output: 1 kernel_size: 3 pad_h: 1 }').outputShapes, [
      [1, 1, 8, 6],
    ]);
    assert.deepEqual(one('Convolution', [[1, 1, 8, 8]], 'convolution_param { num_output: 1 kernel_h: 3 }').outputShapes, [undefined]);
  });

  it('integer division truncates: (10 - 3) / 2 + 1 = 4', () => {
    assert.deepEqual(one('Convolution', [[1, 1, 10, 10]], 'convolution_param { num_output: 1 kernel_size: 3 stride: 2 }').outputShapes, [
      [1, 1, 4, 4],
    ]);
  });

  it('Deconvolution: out = stride*(in-1) + extent - 2*pad; MACs = Cin*Hin*Win*(Cout/group)*k*k', () => {
    const l = one('Deconvolution', [[1, 8, 7, 7]], 'convolution_param { num_output: 4 kernel_size: 4 stride: 2 pad: 1 }');
    assert.deepEqual(l.outputShapes, [[1, 4, 14, 14]]);
    assert.equal(l.features.macs, 8 * 7 * 7 * 4 * 16);
    assert.equal(l.features.params, 4 * 8 * 16 + 4);
  });

  it('ConvolutionDepthwise keeps the channel count and learns one filter per channel', () => {
    const l = one(
      'ConvolutionDepthwise',
      [[1, 6, 8, 8]],
      'convolution_param { num_output: 6 kernel_size: 3 stride: 2 pad: 1 bias_term: false }',
    );
    assert.deepEqual(l.outputShapes, [[1, 6, 4, 4]]);
    assert.equal(l.features.macs, 6 * 4 * 4 * 9);
    assert.equal(l.features.params, 6 * 9);
  });

  it('convolution axis: 2 treats axis 1 as an outer axis', () => {
    const l = one('Convolution', [[1, 2, 3, 10]], 'convolution_param { num_output: 5 kernel_size: 3 axis: 2 }');
    assert.deepEqual(l.outputShapes, [[1, 2, 5, 8]]);
  });
});

describe('net: Pooling', () => {
  const pool = (input: number[], params: string) => one('Pooling', [input], `pooling_param { ${params} }`).outputShapes[0];

  it('CEIL by default: ceil((7 - 2) / 2) + 1 = 4', () => {
    assert.deepEqual(pool([1, 2, 7, 7], 'pool: MAX kernel_size: 2 stride: 2'), [1, 2, 4, 4]);
  });

  it('padding correction: a last window starting in the padding is dropped', () => {
    // in 6, k 3, s 2, pad 1: ceil((6 + 2 - 3) / 2) + 1 = 4; (4 - 1) * 2 = 6 >= 6 + 1 is false -> 4 stays
    assert.deepEqual(pool([1, 1, 6, 6], 'kernel_size: 3 stride: 2 pad: 1'), [1, 1, 4, 4]);
    // in 5, k 2, s 2, pad 1: ceil((5 + 2 - 2) / 2) + 1 = 4; (4 - 1) * 2 = 6 >= 5 + 1 -> 3
    assert.deepEqual(pool([1, 1, 5, 5], 'kernel_size: 2 stride: 2 pad: 1'), [1, 1, 3, 3]);
  });

  it('round_mode: FLOOR and the fork field ceil_mode: false both floor', () => {
    assert.deepEqual(pool([1, 1, 112, 112], 'kernel_size: 3 stride: 2 pad: 1'), [1, 1, 57, 57]);
    assert.deepEqual(pool([1, 1, 112, 112], 'kernel_size: 3 stride: 2 pad: 1 ceil_mode: false'), [1, 1, 56, 56]);
    assert.deepEqual(pool([1, 1, 112, 112], 'kernel_size: 3 stride: 2 pad: 1 round_mode: FLOOR'), [1, 1, 56, 56]);
    assert.deepEqual(pool([1, 1, 7, 7], 'kernel_size: 2 stride: 2 ceil_mode: true'), [1, 1, 4, 4]);
  });

  it('global_pooling, kernel_h/kernel_w and AVE/STOCHASTIC methods', () => {
    assert.deepEqual(pool([1, 10, 6, 5], 'pool: AVE global_pooling: true'), [1, 10, 1, 1]);
    assert.deepEqual(pool([1, 1, 9, 9], 'pool: STOCHASTIC kernel_h: 3 kernel_w: 1 stride_h: 3 stride_w: 1'), [1, 1, 3, 9]);
  });

  it('padding with STOCHASTIC pooling or pad >= kernel is rejected as Caffe does', () => {
    const a = net(
      [[1, 1, 8, 8]],
      'layer { name: "p" type: "Pooling" bottom: "in0" top: "p" pooling_param { pool: STOCHASTIC kernel_size: 2 pad: 1 } }',
    );
    assert.ok(codes(a).includes('invalid-layer-parameters'));
    assert.equal(a.layers[1].outputShapes[0], undefined);
  });
});

describe('net: InnerProduct and per-channel layers', () => {
  it('InnerProduct flattens from axis; MACs = M*K*N; params K*N + N', () => {
    const l = one('InnerProduct', [[3, 4, 5, 6]], 'inner_product_param { num_output: 10 }');
    assert.deepEqual(l.outputShapes, [[3, 10]]);
    assert.equal(l.features.macs, 3 * 120 * 10);
    assert.equal(l.features.params, 120 * 10 + 10);
    const axis2 = one('InnerProduct', [[3, 4, 5, 6]], 'inner_product_param { num_output: 10 axis: 2 bias_term: false transpose: true }');
    assert.deepEqual(axis2.outputShapes, [[3, 4, 10]]);
    assert.equal(axis2.features.params, 300);
  });

  it('BatchNorm learns nothing; Scale with bias learns 2C; PReLU C (or 1 shared); Bias C', () => {
    const input = [[1, 16, 4, 4]];
    assert.equal(one('BatchNorm', input).features.params, 0);
    assert.equal(one('Scale', input, 'scale_param { bias_term: true }').features.params, 32);
    assert.equal(one('Scale', input).features.params, 16);
    assert.equal(one('Scale', input, 'scale_param { axis: 1 num_axes: -1 }').features.params, 256);
    assert.equal(one('PReLU', input).features.params, 16);
    assert.equal(one('PReLU', input, 'prelu_param { channel_shared: true }').features.params, 1);
    assert.equal(one('Bias', input).features.params, 16);
    assert.equal(
      one('Scale', [
        [1, 16, 4, 4],
        [1, 16],
      ]).features.params,
      0,
    );
  });

  it('element-wise layers keep the shape and cost 0 MACs', () => {
    for (const type of [
      'ReLU',
      'ELU',
      'Sigmoid',
      'TanH',
      'Power',
      'AbsVal',
      'BNLL',
      'Dropout',
      'LRN',
      'Softmax',
      'ShuffleChannel',
      'Swish',
      'Exp',
      'Log',
      'Threshold',
    ]) {
      const l = one(type, [[2, 3, 5, 7]]);
      assert.deepEqual(l.outputShapes, [[2, 3, 5, 7]], type);
      assert.equal(l.features.macs, 0, type);
      assert.equal(l.features.inputElements, 210, type);
      assert.equal(l.features.activationBytes, 210 * 2 * 4, type);
    }
  });
});

describe('net: joining, splitting and reshaping', () => {
  it('Concat along axis, and the legacy concat_dim', () => {
    assert.deepEqual(
      one('Concat', [
        [1, 2, 5, 5],
        [1, 3, 5, 5],
      ]).outputShapes,
      [[1, 5, 5, 5]],
    );
    assert.deepEqual(
      one(
        'Concat',
        [
          [1, 2, 5, 5],
          [1, 2, 5, 5],
        ],
        'concat_param { axis: -1 }',
      ).outputShapes,
      [[1, 2, 5, 10]],
    );
    assert.deepEqual(
      one(
        'Concat',
        [
          [1, 2, 5, 5],
          [1, 2, 4, 5],
        ],
        'concat_param { concat_dim: 2 }',
      ).outputShapes,
      [[1, 2, 9, 5]],
    );
  });

  it('Slice by slice_point, evenly, and by the legacy slice_dim', () => {
    assert.deepEqual(one('Slice', [[1, 10, 2, 2]], 'slice_param { slice_point: 3 slice_point: 7 }', 3).outputShapes, [
      [1, 3, 2, 2],
      [1, 4, 2, 2],
      [1, 3, 2, 2],
    ]);
    assert.deepEqual(one('Slice', [[1, 10, 2, 2]], '', 2).outputShapes, [
      [1, 5, 2, 2],
      [1, 5, 2, 2],
    ]);
    assert.deepEqual(one('Slice', [[1, 2, 6, 2]], 'slice_param { slice_dim: 2 }', 3).outputShapes, [
      [1, 2, 2, 2],
      [1, 2, 2, 2],
      [1, 2, 2, 2],
    ]);
  });

  it('Flatten (axis, end_axis) and Reshape (0 copies, -1 infers, axis/num_axes)', () => {
    assert.deepEqual(one('Flatten', [[2, 3, 4, 5]]).outputShapes, [[2, 60]]);
    assert.deepEqual(one('Flatten', [[2, 3, 4, 5]], 'flatten_param { axis: 1 end_axis: 2 }').outputShapes, [[2, 12, 5]]);
    assert.deepEqual(one('Reshape', [[2, 3, 4, 5]], 'reshape_param { shape { dim: 0 dim: -1 dim: 10 } }').outputShapes, [[2, 6, 10]]);
    assert.deepEqual(one('Reshape', [[2, 3, 4, 5]], 'reshape_param { shape { dim: 2 dim: 2 } axis: 2 num_axes: 1 }').outputShapes, [
      [2, 3, 2, 2, 5],
    ]);
    assert.deepEqual(one('Reshape', [[2, 8]], 'reshape_param { shape { dim: 1 dim: 1 } axis: -1 num_axes: 0 }').outputShapes, [
      [2, 8, 1, 1],
    ]);
    assert.deepEqual(
      one('Reshape', [[2, 8]], 'reshape_param { shape { dim: 3 dim: -1 } }').outputShapes,
      [undefined],
      '16 is not divisible by 3',
    );
  });

  it('Crop (axis, offsets), Tile, Reduction, ArgMax, Split', () => {
    assert.deepEqual(
      one(
        'Crop',
        [
          [1, 3, 10, 10],
          [1, 1, 6, 7],
        ],
        'crop_param { axis: 2 offset: 1 }',
      ).outputShapes,
      [[1, 3, 6, 7]],
    );
    assert.deepEqual(one('Tile', [[1, 3, 2, 2]], 'tile_param { axis: 1 tiles: 4 }').outputShapes, [[1, 12, 2, 2]]);
    assert.deepEqual(one('Reduction', [[2, 3, 4]], 'reduction_param { axis: 1 }').outputShapes, [[2]]);
    assert.deepEqual(one('Reduction', [[2, 3, 4]]).outputShapes, [[]]);
    assert.deepEqual(one('ArgMax', [[2, 10]], 'argmax_param { top_k: 3 out_max_val: true }').outputShapes, [[2, 2, 3]]);
    assert.deepEqual(one('ArgMax', [[2, 10, 4]], 'argmax_param { top_k: 2 axis: 1 }').outputShapes, [[2, 2, 4]]);
    assert.deepEqual(one('Split', [[1, 4]], '', 3).outputShapes, [
      [1, 4],
      [1, 4],
      [1, 4],
    ]);
  });

  it('losses give a scalar; Accuracy a scalar and optionally per-class values; Silence nothing', () => {
    assert.deepEqual(one('SoftmaxWithLoss', [[4, 10], [4]]).outputShapes, [[]]);
    assert.deepEqual(one('SoftmaxWithLoss', [[4, 10], [4]], '', 2).outputShapes, [[], [4, 10]]);
    assert.deepEqual(
      one('EuclideanLoss', [
        [4, 3],
        [4, 3],
      ]).outputShapes,
      [[]],
    );
    assert.deepEqual(one('Accuracy', [[4, 10], [4]], '', 2).outputShapes, [[], [10]]);
    assert.deepEqual(one('Silence', [[4, 10]], '', 0).outputShapes, []);
  });
});

describe('net: data layers', () => {
  it('DummyData and MemoryData shapes come from the file; ImageData from new_height/new_width', () => {
    const dummy = analyzeText(
      'layer { name: "d" type: "DummyData" top: "a" top: "b" dummy_data_param { shape { dim: 5 dim: 3 dim: 8 dim: 8 } shape { dim: 5 } } }',
    );
    assert.deepEqual(dummy.layers[0].outputShapes, [[1, 3, 8, 8], [1]]);
    const legacy = analyzeText('layer { name: "d" type: "DummyData" top: "a" dummy_data_param { num: 5 channels: 2 height: 3 width: 4 } }');
    assert.deepEqual(legacy.layers[0].outputShapes, [[1, 2, 3, 4]]);
    const memory = analyzeText(
      'layer { name: "m" type: "MemoryData" top: "data" top: "label" memory_data_param { batch_size: 9 channels: 1 height: 28 width: 28 } }',
    );
    assert.deepEqual(memory.layers[0].outputShapes, [
      [1, 1, 28, 28],
      [1, 1, 1, 1],
    ]);
    const image = analyzeText(
      'layer { name: "i" type: "ImageData" top: "data" top: "label" image_data_param { new_height: 32 new_width: 40 is_color: false } }',
    );
    assert.deepEqual(image.layers[0].outputShapes, [[1, 1, 32, 40], [1]]);
  });
});
