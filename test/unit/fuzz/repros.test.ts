// Inputs the fuzz harness found, kept as tests once fixed.
import { strict as assert } from 'assert';
import { DocumentAnalysis } from '../../../server/src/analysis/document-analysis';
import { DEFAULT_SETTINGS } from '../../../server/src/protocol';
import { parse } from '../../../server/src/text/parser';
import { validateDocument } from '../../../server/src/caffe/validate';

const NON_FINITE = /NaN|Infinity|∞/;

/** CPU time (not wall time: the test machine is shared) of `fn`, as a guard against blow-ups only. */
function cpuMs<T>(fn: () => T): { result: T; ms: number } {
  const t0 = process.cpuUsage();
  const result = fn();
  const used = process.cpuUsage(t0);
  return { result, ms: (used.user + used.system) / 1000 };
}

describe('fuzz repros', () => {
  it('a dimension of 1e309 (Infinity when parsed) is reported without showing Infinity', () => {
    for (const header of [
      'input: "data"\ninput_shape { dim: 10 dim: 3 dim: -1e309 dim: 227 }\n',
      'input: "data"\ninput_dim: 10\ninput_dim: 1e309\ninput_dim: 28\ninput_dim: 28\n',
      'layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 64 dim: 1 dim: 1e309 dim: 28 } } }\n',
      'input: "data"\ninput_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\nlayer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 1e309 kernel_size: 3 axis: 1e309 } }\n',
      // fuzz seed 1, input 39094: a ConvolutionDepthwise num_output of nan.
      'input: "data"\ninput_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\nlayer { name: "d" type: "ConvolutionDepthwise" bottom: "data" top: "d" convolution_param { num_output: nan kernel_size: 3 } }\n',
    ]) {
      const analysis = new DocumentAnalysis('file:///r.prototxt', 1, header, DEFAULT_SETTINGS);
      const errors = analysis.problems.filter((p) => p.severity === 'error');
      assert.ok(errors.length > 0, header);
      for (const p of analysis.problems) assert.doesNotMatch(p.message, NON_FINITE, p.message);
    }
  });

  it('a V1 layer type given as a huge number is named as written, never "Infinity" (fuzz seed 1, input 70474)', () => {
    const huge = '9'.repeat(400);
    const text = `name: "n"\ninput: "data"\ninput_dim: 1\ninput_dim: 3\ninput_dim: 8\ninput_dim: 8\nlayers { name: "x" type: ${huge} bottom: "data" top: "x" }\n`;
    const analysis = new DocumentAnalysis('file:///r.prototxt', 1, text, DEFAULT_SETTINGS);
    const layer = analysis.net?.layers.find((l) => l.name === 'x');
    assert.equal(layer?.type, huge);
    for (const p of analysis.problems) assert.doesNotMatch(p.message, NON_FINITE, p.message);
  });

  it('100,000 repetitions of an unknown field: "did you mean" is worked out once per name', () => {
    const text = `name: "n"\nlayer {\n  name: "l"\n${'  res3b1_branch2a: 1\n'.repeat(100_000)}}\n`;
    const { result, ms } = cpuMs(() => validateDocument(parse(text)));
    assert.equal(result.filter((p) => p.code === 'unknown-field').length, 100_000);
    // About 10 s of CPU when every repetition computed its edit distances; under 1 s with the memo.
    assert.ok(ms < 5000, `schema check took ${ms.toFixed(0)} ms of CPU`);
  });

  it('thousands of assumable typos (one did-you-mean fix each): assuming them costs time linear in layers and fixes (fuzz seed 7, input 1762)', () => {
    const layers: string[] = [];
    for (let i = 0; i < 3000; i++) {
      layers.push(
        `layer { name: "c${i}" type: "ReLU" bottom: "${i === 0 ? 'data' : `c${i - 1}`}" top: "c${i}" relu_param { negative_slop: 0.1 } }`,
      );
    }
    const text = `input: "data"\ninput_shape { dim: 1 dim: 3 dim: 8 dim: 8 }\n${layers.join('\n')}\n`;
    const { result: analysis, ms } = cpuMs(() => {
      const a = new DocumentAnalysis('file:///r.prototxt', 1, text, DEFAULT_SETTINGS);
      void a.net;
      return a;
    });
    assert.equal(analysis.assumptions.fixes.length, 3000, 'every typo has its one fix assumed');
    assert.equal(analysis.assumptions.layers.size, 3000, 'and each layer is provisional');
    assert.ok(
      [...analysis.assumptions.layers.values()].every((f) => f.length <= 5),
      'naming at most five of the fixes it rests on',
    );
    assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms of CPU`);
  });
});
