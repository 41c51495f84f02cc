// Impossible sizes follow Caffe's limits: a blob over INT_MAX elements, a dimension past INT_MAX or a
// non-integer size is an error with a range, and no ∞ or NaN reaches shapes, MACs or predictions.
import { strict as assert } from 'assert';
import { analyzeText } from '../../../server/src/net';
import { DocumentAnalysis } from '../../../server/src/analysis/document-analysis';
import { ModelService } from '../../../server/src/analysis/model-service';
import { DEFAULT_SETTINGS } from '../../../server/src/protocol';
import { blobShapeProblem, MAX_BLOB_COUNT } from '../../../server/src/net/layers/limits';
import { predictNet } from '../../../server/src/energy/predict';
import type { EnergyModel } from '../../../server/src/energy/model';

const HEAD = 'name: "n"\ninput: "data"\ninput_shape { dim: 1 dim: 3 dim: 32 dim: 32 }\n';
const conv = (numOutput: string) =>
  `layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: ${numOutput} kernel_size: 3 } }\n`;

/** Every number the analysis gives is finite. */
function assertFinite(text: string): void {
  const a = analyzeText(text);
  for (const l of a.layers) {
    for (const s of l.outputShapes) if (s) assert.ok(s.every(Number.isFinite), `${l.name} shape ${s}`);
    for (const [k, v] of Object.entries(l.features)) assert.ok(Number.isFinite(v), `${l.name}.${k} = ${v}`);
  }
  assert.ok(Number.isFinite(a.totals.macs) && Number.isFinite(a.totals.params));
}

describe("net: Caffe's size limits", () => {
  it('blobShapeProblem: INT_MAX elements is the limit', () => {
    assert.equal(blobShapeProblem([1, MAX_BLOB_COUNT]), undefined);
    assert.match(blobShapeProblem([2, MAX_BLOB_COUNT])!, /exceeds Caffe's limit of INT_MAX \(2147483647\)/);
    assert.match(blobShapeProblem([1, 1e308])!, /exceeds INT_MAX/);
    assert.match(blobShapeProblem([1, 2.5])!, /not a non-negative whole number/);
    assert.match(blobShapeProblem([1, Infinity])!, /not a non-negative whole number/);
  });

  for (const [what, value] of [
    ['1e308', '1e308'],
    ['4294967295 (valid uint32, blob too large)', '4294967295'],
    ['300000000', '300000000'],
  ] as const) {
    it(`num_output: ${what} is an error on the layer, its top unknown, everything finite`, () => {
      const text = HEAD + conv(value);
      const a = analyzeText(text);
      const problem = a.problems.find((p) => p.code === 'blob-too-large');
      assert.ok(problem, a.problems.map((p) => p.code).join(','));
      assert.equal(problem.severity, 'error');
      assert.equal(text.slice(problem.span.start, problem.span.end), '"c"', 'the range is the layer name');
      assert.equal(a.layers.find((l) => l.name === 'c')?.outputShapes[0], undefined);
      assertFinite(text);
    });
  }

  it('a blob just under the limit is fine', () => {
    // 1 x 2,000,000 x 30 x 30 = 1.8e9 elements < INT_MAX.
    const a = analyzeText(HEAD + conv('2000000'));
    assert.ok(!a.problems.some((p) => p.code === 'blob-too-large'));
    assert.deepEqual(a.layers[0].outputShapes[0], [1, 2_000_000, 30, 30]);
  });

  it('an input dimension of 99999999999 is an error at the input (Caffe aborts)', () => {
    const text = 'name: "n"\ninput: "data"\ninput_shape { dim: 1 dim: 3 dim: 99999999999 dim: 32 }\n' + conv('4');
    const a = analyzeText(text);
    const problem = a.problems.find((p) => p.code === 'blob-too-large');
    assert.ok(problem);
    assert.match(problem.message, /Input 'data': dimension 99999999999 exceeds INT_MAX/);
    assert.equal(a.inputs[0].shape, undefined);
    assertFinite(text);
  });

  it('Input layers and Reshape are checked too', () => {
    const input = 'layer { name: "in" type: "Input" top: "data" input_param { shape { dim: 1 dim: 100000 dim: 100000 } } }\n';
    assert.ok(analyzeText(input).problems.some((p) => p.code === 'blob-too-large'));
    const reshape = `${HEAD}layer { name: "r" type: "Reshape" bottom: "data" top: "r" reshape_param { shape { dim: 0 dim: -1 dim: 99999999999 } } }\n`;
    assertFinite(reshape);
  });

  it('uint32 fields out of range or not whole: schema errors with the value as range', () => {
    for (const [field, value, code] of [
      ['kernel_size', '4294967296', 'out-of-range'],
      ['num_output', '-1', 'out-of-range'],
      ['stride', '2.5', 'wrong-value-type'],
    ]) {
      const text = `${HEAD}layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 4 kernel_size: 3 ${field}: ${value} } }\n`;
      const analysis = new DocumentAnalysis('file:///n.prototxt', 1, text, DEFAULT_SETTINGS);
      const problem = analysis.schemaProblems.find((p) => p.severity === 'error' && p.code === code);
      assert.ok(problem, `${field}: ${value} -> ${analysis.schemaProblems.map((p) => p.code)}`);
      assert.equal(text.slice(problem.span.start, problem.span.end), value);
    }
  });

  it('the CLI check (the editor diagnostics) fails on them', () => {
    const analysis = new DocumentAnalysis('file:///n.prototxt', 1, HEAD + conv('4294967295'), DEFAULT_SETTINGS);
    assert.ok(analysis.problems.some((p) => p.severity === 'error' && p.code === 'blob-too-large'));
  });

  it('a prediction past the range of doubles is no prediction, not ∞', () => {
    const model = new ModelService().get(DEFAULT_SETTINGS.platform)!.model;
    const huge: EnergyModel = JSON.parse(JSON.stringify(model));
    for (const sub of Object.values(huge.subModels)) sub.sigmaLog = 1e308;
    const a = analyzeText(HEAD + conv('4'));
    const p = predictNet(a.layers, huge).layers.find((l) => l.name === 'c')!;
    assert.equal(p.status, 'invalid');
    assert.equal(p.predicted_mJ, undefined);
    assert.match(p.message!, /past the range of numbers/);
  });
});
