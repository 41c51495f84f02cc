// Graph diagnostics on small crafted nets: each problem has its own code, points at the right text, and
// leaves what it invalidates unknown rather than guessed.
import { strict as assert } from 'assert';
import { analyzeText } from '../../../server/src/net';
import type { NetAnalysis } from '../../../server/src/net/types';
import type { Problem } from '../../../server/src/problem';

const INPUT = 'input: "data" input_shape { dim: 1 dim: 4 dim: 8 dim: 8 }\n';

function problem(a: NetAnalysis, code: string): Problem {
  const p = a.problems.find((x) => x.code === code);
  assert.ok(p, `expected a '${code}' problem, got ${a.problems.map((x) => x.code).join(', ') || 'none'}`);
  return p;
}

const textAt = (text: string, p: Problem) => text.slice(p.span.start, p.span.end);

describe('net: graph diagnostics', () => {
  it('undefined bottom: error on the bottom value; the layer and everything after stay unknown', () => {
    const text = `${INPUT}layer { name: "r" type: "ReLU" bottom: "dta" top: "r" }
layer { name: "fc" type: "InnerProduct" bottom: "r" top: "fc" inner_product_param { num_output: 3 } }`;
    const a = analyzeText(text);
    const p = problem(a, 'undefined-bottom');
    assert.equal(p.severity, 'error');
    assert.equal(textAt(text, p), '"dta"');
    assert.equal(a.layers.find((l) => l.name === 'fc')?.features.macs, undefined);
    assert.equal(a.complete, false);
  });

  it('a bottom produced only by a later layer is still undefined (Caffe builds in file order)', () => {
    const a = analyzeText(
      `${INPUT}layer { name: "a" type: "ReLU" bottom: "b" top: "a" }\nlayer { name: "b" type: "ReLU" bottom: "data" top: "b" }`,
    );
    assert.match(problem(a, 'undefined-bottom').message, /later layer/);
  });

  it('a bottom produced only in another phase says so; one produced nowhere gives no reason', () => {
    const a = analyzeText(`${INPUT}layer { name: "t" type: "ReLU" bottom: "data" top: "t" include { phase: TRAIN } }
layer { name: "u" type: "ReLU" bottom: "t" top: "u" }
layer { name: "v" type: "ReLU" bottom: "nowhere" top: "v" }`);
    const messages = a.problems.filter((p) => p.code === 'undefined-bottom').map((p) => p.message);
    assert.deepEqual(messages, [
      "u: bottom blob 't' is not produced by any earlier layer or input (it is only produced by layers left out of this phase).",
      "v: bottom blob 'nowhere' is not produced by any earlier layer or input.",
    ]);
  });

  it('duplicate layer names (within the analysed phase) and duplicate tops (not in place)', () => {
    const text = `${INPUT}layer { name: "x" type: "ReLU" bottom: "data" top: "a" }
layer { name: "x" type: "ReLU" bottom: "data" top: "a" }
layer { name: "ok" type: "ReLU" bottom: "a" top: "a" }`;
    const a = analyzeText(text);
    const name = problem(a, 'duplicate-layer-name');
    assert.equal(name.span.start, text.lastIndexOf('"x"'));
    const top = problem(a, 'duplicate-top');
    assert.equal(top.severity, 'error');
    assert.equal(top.span.start, text.indexOf('"a"', text.indexOf('"a"') + 1));
    assert.equal(a.problems.filter((p) => p.code === 'duplicate-top').length, 1, 'in-place reuse is fine');
  });

  it('TRAIN and TEST data layers may share a name and a top', () => {
    const text = `layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 2 } } include { phase: TRAIN } }
layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 2 } } include { phase: TEST } }`;
    assert.deepEqual(analyzeText(text).problems, []);
  });

  it('kernel larger than the padded input (conv and pool), and a non-positive deconv output', () => {
    const conv = `${INPUT}layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 2 kernel_size: 11 pad: 1 } }`;
    const p = problem(analyzeText(conv), 'kernel-too-large');
    assert.equal(textAt(conv, p), '11');
    assert.match(p.message, /extent 11 .* padded input 10/);
    problem(
      analyzeText(`${INPUT}layer { name: "p" type: "Pooling" bottom: "data" top: "p" pooling_param { kernel_size: 9 } }`),
      'kernel-too-large',
    );
    const deconv = analyzeText(`input: "x" input_shape { dim: 1 dim: 2 dim: 1 dim: 1 }
layer { name: "d" type: "Deconvolution" bottom: "x" top: "d" convolution_param { num_output: 2 kernel_size: 1 pad: 1 } }`);
    problem(deconv, 'non-positive-output');
    assert.equal(deconv.layers[0].outputShapes[0], undefined);
  });

  it('Eltwise and Concat shape mismatches point at the offending bottom', () => {
    const text = `${INPUT}layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 4 kernel_size: 3 } }
layer { name: "sum" type: "Eltwise" bottom: "data" bottom: "c" top: "sum" }
layer { name: "cat" type: "Concat" bottom: "data" bottom: "c" top: "cat" }`;
    const a = analyzeText(text);
    const sum = problem(a, 'eltwise-shape-mismatch');
    assert.equal(sum.span.start, text.indexOf('"c"', text.indexOf('name: "sum"')));
    assert.match(sum.message, /1x4x6x6.*1x4x8x8/);
    const cat = problem(a, 'concat-shape-mismatch');
    assert.equal(cat.span.start, text.indexOf('"c"', text.indexOf('name: "cat"')));
  });

  it('group that does not divide the channels', () => {
    const text = `${INPUT}layer { name: "g" type: "Convolution" bottom: "data" top: "g" convolution_param { num_output: 6 kernel_size: 1 group: 3 } }`;
    const p = problem(analyzeText(text), 'group-mismatch');
    assert.equal(textAt(text, p), '3');
  });

  it('an output nobody reads is a faded hint; final outputs, losses and labels are not', () => {
    const text = `layer { name: "data" type: "Input" top: "data" top: "label" input_param { shape { dim: 1 dim: 4 } shape { dim: 1 } } }
layer { name: "branch" type: "InnerProduct" bottom: "data" top: "branch" inner_product_param { num_output: 2 } }
layer { name: "fc" type: "InnerProduct" bottom: "data" top: "fc" inner_product_param { num_output: 3 } }
layer { name: "prob" type: "Softmax" bottom: "fc" top: "prob" }
layer { name: "aux" type: "InnerProduct" bottom: "data" top: "aux" loss_weight: 0.3 inner_product_param { num_output: 3 } }
layer { name: "last" type: "ReLU" bottom: "fc" top: "last" }`;
    const a = analyzeText(text);
    const unused = a.problems.filter((p) => p.code === 'unused-output');
    assert.deepEqual(
      unused.map((p) => textAt(text, p)),
      ['"branch"'],
    );
    assert.equal(unused[0].severity, 'hint');
    assert.deepEqual(unused[0].tags, ['unnecessary']);
  });

  it('nets without result layers (feature extractors, detection heads) get no unused-output hints', () => {
    const a =
      analyzeText(`${INPUT}layer { name: "h1" type: "Convolution" bottom: "data" top: "h1" convolution_param { num_output: 2 kernel_size: 1 } }
layer { name: "h2" type: "Convolution" bottom: "data" top: "h2" convolution_param { num_output: 2 kernel_size: 1 } }`);
    assert.ok(!a.problems.some((p) => p.code === 'unused-output'));
  });

  it('an unknown layer type warns on the type and leaves its outputs, and all that follows, unknown', () => {
    const text = `${INPUT}layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 2 kernel_size: 3 } }
layer { name: "odd" type: "MyCustomLayer" bottom: "c" top: "odd" }
layer { name: "fc" type: "InnerProduct" bottom: "odd" top: "fc" inner_product_param { num_output: 3 } }`;
    const a = analyzeText(text);
    const p = problem(a, 'unknown-layer-type');
    assert.equal(p.severity, 'warning');
    assert.equal(textAt(text, p), '"MyCustomLayer"');
    const fc = a.layers.find((l) => l.name === 'fc');
    assert.deepEqual(fc?.outputShapes, [undefined]);
    assert.equal(fc?.features.macs, undefined);
    assert.equal(fc?.features.params, undefined);
    assert.equal(a.totals.macs, 2 * 6 * 6 * 4 * 9, 'only the known conv is counted');
    assert.equal(a.complete, false);
  });
});
