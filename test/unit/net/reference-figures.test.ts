// Whole-net MACs and parameter counts against the published figures in /work/shared/corpus/REFERENCE.tsv.
// Counting conventions (ours):
//   MACs   = multiply-accumulates of Convolution/Deconvolution/InnerProduct layers only, per image;
//   params = learnable weights + biases, BatchNorm statistics excluded, Scale gamma/beta included
//            (torchvision's convention, where BN affine weight/bias are parameters);
//   "BN-folded params" (OpenVINO Model Optimizer) = params - gamma of each BN's Scale, i.e. total minus
//            half the Scale parameters (every Scale in those files has bias_term: true).
// Only rows that count the same thing for the same architecture are checked (within 1 %); the figure is
// read from REFERENCE.tsv, so a changed table changes the test. Rows NOT used, and why:
//   - 'FLOPs ~ MACs + other ops' (convnet-burden) and OpenVINO 'GFLOPs ~ 2*MACs + non-MAC ops': other ops.
//   - torchvision AlexNet/GoogLeNet/ResNet-50 (v1.5): different architectures (noted in the table).
//   - torchvision SqueezeNet 1.0 at 224: the Caffe file's conv10 has pad: 1 (15x15 output), torchvision's not.
//   - MobileNetV2 paper 300M: this Caffe file keeps 28x28 for the 64-channel stage (stride at conv4_7).
//   - ShuffleNet 1x g3 paper 140M: recalled (R) figure; the file's stage shapes are checked instead below.
//   - GoogLeNet '1.5 billion budget' / 1550M and ResNet-50 '3.8x10^9': rounded budgets, not counts.
import { strict as assert } from 'assert';
import { analyzeCorpus, parseFigure, referenceRows, relativeError } from './helpers';
import type { AnalyzeOptions, NetAnalysis } from '../../../server/src/net/types';

type Count = 'macs' | 'params' | 'folded-params' | 'flops';

interface Check {
  file: string;
  /** REFERENCE.tsv short_name and the start of the cell holding the figure. */
  row: string;
  column: 'value' | 'params';
  startsWith: string;
  count: Count;
  options?: AnalyzeOptions;
}

const CHECKS: Check[] = [
  // MACs, conv+fc
  { file: 'alexnet', row: 'alexnet', column: 'value', startsWith: '724M', count: 'macs' },
  { file: 'alexnet', row: 'alexnet', column: 'value', startsWith: '724,406,816', count: 'macs' },
  { file: 'squeezenet_v1.0', row: 'squeezenet_v1.0', column: 'value', startsWith: '1.72 GFLOPS', count: 'flops' },
  {
    file: 'squeezenet_v1.1',
    row: 'squeezenet_v1.1',
    column: 'value',
    startsWith: '349,320,936',
    count: 'macs',
    options: { inputShape: [1, 3, 224, 224] },
  },
  { file: 'resnet101', row: 'resnet101', column: 'value', startsWith: '7.6x10^9', count: 'macs' },
  { file: 'resnet152', row: 'resnet152', column: 'value', startsWith: '11.3x10^9', count: 'macs' },
  { file: 'vgg_cnn_s_lpa_modified', row: 'vgg_cnn_s_lpa_modified', column: 'value', startsWith: '2,637,708,320', count: 'macs' },
  { file: 'inception_v3', row: 'inception_v3', column: 'value', startsWith: '5.713 GFLOPS', count: 'macs' },
  { file: 'places_cnds_8conv3fc', row: 'places_cnds_8conv3fc', column: 'value', startsWith: '2,018,873,344', count: 'macs' },
  {
    file: 'all_cnn_c_trainval',
    row: 'all_cnn_c_trainval',
    column: 'value',
    startsWith: '270,798,336',
    count: 'macs',
    options: { inputShape: [1, 3, 32, 32] },
  },
  { file: 'wrn50_2', row: 'wrn50_2', column: 'value', startsWith: '11.398 GFLOPS', count: 'macs' },
  { file: 'mobilenet_v1', row: 'mobilenet_v1', column: 'value', startsWith: '569M', count: 'macs' },
  { file: 'densenet121', row: 'densenet121', column: 'value', startsWith: '2.83-2.90 G', count: 'macs' },
  { file: 'vgg16', row: 'vgg16', column: 'value', startsWith: '15.47 GFLOPS', count: 'macs' },
  { file: 'vgg19', row: 'vgg19', column: 'params', startsWith: '143.667 MParams', count: 'params' },
  { file: 'shufflenet_v2_1x', row: 'shufflenet_v2_1x', column: 'value', startsWith: '146 MFLOPs', count: 'macs' },
  { file: 'lenet', row: 'lenet', column: 'value', startsWith: '2,293,000', count: 'macs' },
  { file: 'cifar10_quick', row: 'cifar10_quick', column: 'value', startsWith: '12,354,176', count: 'macs' },
  // Parameters, weights + biases
  { file: 'alexnet', row: 'alexnet', column: 'params', startsWith: '60,965,224', count: 'params' },
  { file: 'alexnet', row: 'alexnet', column: 'params', startsWith: '60.965 MParams', count: 'params' },
  { file: 'caffenet', row: 'caffenet', column: 'params', startsWith: '60.965 MParams', count: 'params' },
  { file: 'squeezenet_v1.0', row: 'squeezenet_v1.0', column: 'params', startsWith: '1,248,424', count: 'params' },
  { file: 'squeezenet_v1.1', row: 'squeezenet_v1.1', column: 'params', startsWith: '1,235,496', count: 'params' },
  { file: 'resnet50', row: 'resnet50', column: 'params', startsWith: '25,557,032', count: 'params' },
  { file: 'resnet50', row: 'resnet50', column: 'params', startsWith: '25.53 MParams', count: 'folded-params' },
  { file: 'resnet101', row: 'resnet101', column: 'params', startsWith: '44.5M', count: 'params' },
  { file: 'resnet152', row: 'resnet152', column: 'params', startsWith: '60.2M', count: 'params' },
  { file: 'googlenet', row: 'googlenet', column: 'params', startsWith: '6.999 MParams', count: 'params' },
  { file: 'vgg_cnn_s_lpa_modified', row: 'vgg_cnn_s_lpa_modified', column: 'params', startsWith: '102,908,520', count: 'params' },
  { file: 'inception_v3', row: 'inception_v3', column: 'params', startsWith: '23.8M w/o aux', count: 'params' },
  { file: 'places_cnds_8conv3fc', row: 'places_cnds_8conv3fc', column: 'params', startsWith: '60,407,885', count: 'params' },
  {
    file: 'all_cnn_c_trainval',
    row: 'all_cnn_c_trainval',
    column: 'params',
    startsWith: '1,369,738',
    count: 'params',
    options: { inputShape: [1, 3, 32, 32] },
  },
  { file: 'wrn50_2', row: 'wrn50_2', column: 'params', startsWith: '68,883,240', count: 'params' },
  { file: 'mobilenet_v1', row: 'mobilenet_v1', column: 'params', startsWith: '4.221 MParams', count: 'folded-params' },
  { file: 'mobilenet_v2', row: 'mobilenet_v2', column: 'params', startsWith: '3.489 MParams', count: 'folded-params' },
  { file: 'densenet121', row: 'densenet121', column: 'params', startsWith: '7,978,856', count: 'params' },
  { file: 'vgg16', row: 'vgg16', column: 'params', startsWith: '138,357,544', count: 'params' },
  { file: 'shufflenet_v2_1x', row: 'shufflenet_v2_1x', column: 'params', startsWith: '2.3M', count: 'params' },
  { file: 'lenet', row: 'lenet', column: 'params', startsWith: '431,080', count: 'params' },
  { file: 'cifar10_quick', row: 'cifar10_quick', column: 'params', startsWith: '145,578', count: 'params' },
];

function measured(a: NetAnalysis, count: Count): number {
  switch (count) {
    case 'macs':
      return a.totals.macs;
    case 'flops':
      return 2 * a.totals.macs;
    case 'params':
      return a.totals.params;
    case 'folded-params':
      return a.totals.params - (a.byType?.Scale?.params ?? 0) / 2;
  }
}

describe('net: totals against published figures (REFERENCE.tsv, within 1 %)', () => {
  const rows = referenceRows();
  for (const check of CHECKS) {
    it(`${check.file}: ${check.count} vs '${check.startsWith}'`, () => {
      const row = rows.find((r) => r.shortName === check.row && r[check.column].startsWith(check.startsWith));
      assert.ok(row, `REFERENCE.tsv has no ${check.row} row with ${check.column} '${check.startsWith}...'`);
      const figure = parseFigure(row[check.column]);
      const a = analyzeCorpus(`${check.file}.prototxt`, check.options);
      assert.equal(a.complete, true, 'every shape known');
      const ours = measured(a, check.count);
      const error = relativeError(ours, figure);
      assert.ok(error <= 0.01, `${ours} vs ${row[check.column]} (${(error * 100).toFixed(2)} % off)`);
    });
  }

  it("the brief's exact figures: AlexNet 724,406,816 MACs / 60,965,224 params; VGG-16 138,357,544 params", () => {
    const alex = analyzeCorpus('alexnet.prototxt');
    assert.equal(alex.totals.macs, 724_406_816);
    assert.equal(alex.totals.params, 60_965_224);
    assert.equal(analyzeCorpus('vgg16.prototxt').totals.params, 138_357_544);
    assert.equal(analyzeCorpus('squeezenet_v1.0.prototxt').totals.params, 1_248_424);
  });

  it('ResNet-50 (Caffe, stride on the 1x1 conv): about 3.86 G MACs', () => {
    const macs = analyzeCorpus('resnet50.prototxt').totals.macs;
    assert.ok(Math.abs(macs - 3.86e9) / 3.86e9 < 0.01, String(macs));
  });

  it('SqueezeNet v1.0: about 861 M MACs', () => {
    const macs = analyzeCorpus('squeezenet_v1.0.prototxt').totals.macs;
    assert.ok(Math.abs(macs - 861e6) / 861e6 < 0.005, String(macs));
  });

  it('parses the figure notations of the table', () => {
    assert.deepEqual(parseFigure('724,406,816'), [724406816, 724406816]);
    assert.deepEqual(parseFigure('15.47 GFLOPS'), [15.47e9, 15.47e9]);
    assert.deepEqual(parseFigure('7.6x10^9 (multiply-adds)'), [7.6e9, 7.6e9]);
    assert.deepEqual(parseFigure('2.83-2.90 G'), [2.83e9, 2.9e9]);
    assert.deepEqual(parseFigure('68,883,240 (68.9M)'), [68883240, 68883240]);
  });
});
