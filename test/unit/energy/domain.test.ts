// Training domains: recorded from the rows a sub-model was fitted on, and a layer outside them is
// flagged in the hover with what differs ("stride 2; trained on stride 1").
import { strict as assert } from 'assert';
import { DocumentAnalysis } from '../../../server/src/analysis/document-analysis';
import { outsideDomain, trainingDomain } from '../../../server/src/energy/domain';
import { ModelRegistry } from '../../../server/src/energy/registry';
import { hoverEnergyLines } from '../../../server/src/lsp/energy-text';
import { DEFAULT_SETTINGS } from '../../../server/src/protocol';

describe('training domain', () => {
  it('keeps ranges of continuous features and the values of discrete hyper-parameters', () => {
    const d = trainingDomain([
      { macs: 100, strideH: 1, kernelH: 3 },
      { macs: 900, strideH: 1, kernelH: 5 },
      { macs: 400, strideH: 1, kernelH: 3 },
    ])!;
    assert.deepEqual(d.ranges, { macs: [100, 900] });
    assert.deepEqual(d.values, { kernelH: [3, 5], strideH: [1] });
  });

  it('names what lies outside: discrete values always, ranges only of features the model reads', () => {
    const d = {
      ranges: { macs: [100, 900] as [number, number], channelsIn: [3, 64] as [number, number] },
      values: { strideH: [1], strideW: [1], padH: [0], padW: [0] },
    };
    assert.equal(
      outsideDomain(d, { macs: 500, strideH: 1, strideW: 1, padH: 0, padW: 0, channelsIn: 512 }, ['macs']),
      undefined,
      'channelsIn is out of range but the model does not read it',
    );
    assert.equal(outsideDomain(d, { macs: 500, strideH: 2, strideW: 2, padH: 0, padW: 0 }, ['macs']), 'stride 2; trained on stride 1');
    assert.equal(
      outsideDomain(d, { macs: 5000, strideH: 2, strideW: 1, padH: 1, padW: 1 }, ['macs']),
      'stride 2×1; trained on stride 1; pad 1; trained on pad 0; macs 5000; trained on 100 – 900',
    );
    assert.equal(outsideDomain(undefined, { macs: 1e12 }, ['macs']), undefined, 'no recorded domain: nothing to say');
  });

  it('the TX2 GPU built-in (stride-1 unpadded sweep) flags a stride-2 convolution in the hover, not a stride-1 one', () => {
    const platform = 'jetson-tx2/pytorch-cuda/gpu';
    const model = new ModelRegistry().get(platform)!;
    assert.deepEqual(model.model.subModels.Convolution.domain?.values?.strideH, [1]);
    const text = (stride: number) =>
      [
        'input: "data"',
        'input_shape { dim: 1 dim: 16 dim: 56 dim: 56 }',
        `layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 32 kernel_size: 3 stride: ${stride} } }`,
        '',
      ].join('\n');
    const hoverOf = (stride: number) => {
      const a = new DocumentAnalysis('file:///w/d.prototxt', 1, text(stride), { ...DEFAULT_SETTINGS, platform }, model);
      return hoverEnergyLines(
        a,
        a.net!.layers.find((l) => l.name === 'c')!,
      ).join('\n');
    };
    assert.match(hoverOf(2), /outside the model's data \(stride 2; trained on stride 1\)/);
    assert.doesNotMatch(hoverOf(1), /outside the model's data/);
  });

  it('a net the model was fitted on says so (in-sample), another does not', () => {
    const model = new ModelRegistry().get(DEFAULT_SETTINGS.platform)!;
    assert.deepEqual(model.model.subModels.Convolution.domain?.networks, ['squeezenet_v1.0']);
    const text =
      'input: "data"\ninput_shape { dim: 1 dim: 3 dim: 32 dim: 32 }\n' +
      'layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 16 kernel_size: 3 } }\n';
    const hoverOf = (file: string) => {
      const a = new DocumentAnalysis(`file:///w/${file}`, 1, text, DEFAULT_SETTINGS, model);
      return hoverEnergyLines(a, a.net!.layers[0]).join('\n');
    };
    assert.match(hoverOf('squeezenet_v1.0.prototxt'), /fitted on this net \(in-sample/);
    assert.doesNotMatch(hoverOf('alexnet.prototxt'), /fitted on this net/);
  });
});
