// Predictions: per-layer values and 90 % intervals, per-type and whole-net totals with the stated
// combination rule, shares, "not modelled" reporting, formulas, and the evaluation cache.
import { strict as assert } from 'assert';
import { PredictionCache, Z_90, predictNet } from '../../../server/src/energy/predict';
import { formatEnergyCoefficient, formatFormula } from '../../../server/src/energy/formula';
import { layer, model, subModel } from './helpers';
import { analyzeText } from '../../../server/src/net';

const near = (a: number, b: number, what = '') => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what} ${a} vs ${b}`);

describe('energy prediction', () => {
  const m = model({
    Convolution: subModel({ coefficients: [2e-6], sigmaLog: 0.2, appliesTo: ['ConvolutionDepthwise'] }),
    Pooling: subModel({ features: ['inputElements'], coefficients: [1e-4], sigmaLog: 0.1 }),
    InnerProduct: subModel({ coefficients: [2e-6], sigmaLog: 0.2, extrapolated: true, note: 'copied' }),
  });
  const layers = [
    layer('data', 'Input', {}),
    layer('conv1', 'Convolution', { macs: 100e6 }),
    layer('conv1_dw', 'ConvolutionDepthwise', { macs: 10e6 }),
    layer('relu1', 'ReLU', { macs: 0 }),
    layer('pool1', 'Pooling', { inputElements: 200_000 }),
    layer('fc', 'InnerProduct', { macs: 4e6 }),
    layer('conv_unknown', 'Convolution', {}),
    layer('conv1_split', 'Split', {}, { isSplit: true }),
  ];

  it('predicts each layer with a multiplicative 90 % interval', () => {
    const p = predictNet(layers, m, { cache: new PredictionCache() });
    const conv = p.layers[1];
    assert.equal(conv.status, 'predicted');
    near(conv.predicted_mJ!, 200);
    near(conv.low_mJ!, 200 * Math.exp(-Z_90 * 0.2));
    near(conv.high_mJ!, 200 * Math.exp(Z_90 * 0.2));
    assert.equal(conv.formula, 'E = 2 nJ × MACs');
    assert.equal(p.layers[2].subModel, 'Convolution', 'ConvolutionDepthwise uses the Convolution sub-model');
    near(p.layers[2].predicted_mJ!, 20);
    near(p.layers[4].predicted_mJ!, 20);
    assert.equal(p.layers[5].extrapolated, true);
  });

  it('says which layers are not modelled, lack features or do no work', () => {
    const p = predictNet(layers, m, { cache: new PredictionCache() });
    assert.deepEqual(
      p.layers.map((l) => l.status),
      ['no-compute', 'predicted', 'predicted', 'not-modelled', 'predicted', 'predicted', 'missing-features', 'no-compute'],
    );
    assert.equal(p.layers[3].notModelled, true);
    assert.match(p.layers[3].message!, /ReLU layers are not modelled on Test board/);
    assert.match(p.layers[6].message!, /macs unknown/);
    assert.deepEqual(p.notModelledTypes, ['ReLU']);
    assert.deepEqual(p.coveredTypes, ['Convolution', 'ConvolutionDepthwise', 'InnerProduct', 'Pooling']);
    assert.deepEqual(p.unpredictedLayers, ['conv_unknown']);
  });

  it('sums bounds within a type and combines types in quadrature', () => {
    const p = predictNet(layers, m, { cache: new PredictionCache() });
    const conv = p.byType.find((t) => t.subModel === 'Convolution')!;
    assert.deepEqual(conv.layerTypes, ['Convolution', 'ConvolutionDepthwise']);
    near(conv.predicted_mJ, 220);
    near(conv.low_mJ, 220 * Math.exp(-Z_90 * 0.2));
    near(conv.high_mJ, 220 * Math.exp(Z_90 * 0.2));
    const groups = p.byType.map((t) => ({ mid: t.predicted_mJ, up: t.high_mJ - t.predicted_mJ, down: t.predicted_mJ - t.low_mJ }));
    near(p.total.predicted_mJ, 220 + 20 + 8);
    near(p.total.high_mJ, 248 + Math.sqrt(groups.reduce((s, g) => s + g.up ** 2, 0)));
    near(p.total.low_mJ, 248 - Math.sqrt(groups.reduce((s, g) => s + g.down ** 2, 0)));
    assert.ok(p.total.high_mJ - p.total.predicted_mJ < groups.reduce((s, g) => s + g.up, 0), 'narrower than fully correlated');
    assert.deepEqual(
      p.byType.map((t) => t.subModel),
      ['Convolution', 'Pooling', 'InnerProduct'],
      'largest first',
    );
  });

  it('gives shares of the predicted total that add up to one', () => {
    const p = predictNet(layers, m, { cache: new PredictionCache() });
    near(p.layers[1].share!, 200 / 248);
    near(
      p.layers.reduce((s, l) => s + (l.share ?? 0), 0),
      1,
    );
    near(
      p.byType.reduce((s, t) => s + t.share, 0),
      1,
    );
  });

  it('flags a prediction at or below zero instead of showing it', () => {
    const neg = model({ Convolution: subModel({ coefficients: [1e-6], intercept: -5 }) });
    const p = predictNet([layer('tiny', 'Convolution', { macs: 1000 })], neg, { cache: new PredictionCache() });
    assert.equal(p.layers[0].status, 'invalid');
    assert.match(p.layers[0].message!, /≤ 0/);
    assert.equal(p.total.predicted_mJ, 0);
  });

  it('evaluates log-link models as power laws', () => {
    const power = model({
      Convolution: subModel({ features: ['log(macs)'], coefficients: [0.5], intercept: Math.log(3e-3), link: 'log' }),
    });
    const p = predictNet([layer('c', 'Convolution', { macs: 1e6 })], power, { cache: new PredictionCache() });
    near(p.layers[0].predicted_mJ!, 3e-3 * 1000);
    assert.equal(p.layers[0].formula, 'E = 3 µJ × MACs^0.5');
  });

  it('re-evaluates only the edited layer (cache by model, type and feature values)', () => {
    const cache = new PredictionCache();
    const net = Array.from({ length: 50 }, (_, i) => layer(`conv${i}`, 'Convolution', { macs: 1e6 * (i + 1) }));
    predictNet(net, m, { cache });
    assert.equal(cache.evaluations, 50);
    const edited = net.map((l, i) => (i === 17 ? layer(l.name, l.type, { macs: 123e6 }) : l));
    const before = cache.evaluations;
    const p = predictNet(edited, m, { cache });
    assert.equal(cache.evaluations - before, 1, 'one layer changed, one evaluation');
    near(p.layers[17].predicted_mJ!, 246);
    predictNet(edited, m, { cache });
    assert.equal(cache.evaluations - before, 1, 'nothing changed, nothing evaluated');
  });

  it('never serves a stale value when a model with the same platform id changes', () => {
    const cache = new PredictionCache();
    const net = [layer('c', 'Convolution', { macs: 1e6 })];
    const a = predictNet(net, model({ Convolution: subModel({ coefficients: [2e-6] }) }), { cache });
    const b = predictNet(net, model({ Convolution: subModel({ coefficients: [3e-6] }) }), { cache });
    near(a.layers[0].predicted_mJ!, 2);
    near(b.layers[0].predicted_mJ!, 3);
    assert.equal(cache.evaluations, 2);
  });

  it('bounds the cache size', () => {
    const cache = new PredictionCache(10);
    predictNet(
      Array.from({ length: 25 }, (_, i) => layer(`c${i}`, 'Convolution', { macs: i + 1 })),
      m,
      { cache },
    );
    assert.equal(cache.size, 10);
  });
});

describe('energy formulas', () => {
  it('writes coefficients with an SI energy prefix', () => {
    assert.equal(formatEnergyCoefficient(5.78e-6), '5.78 nJ');
    assert.equal(formatEnergyCoefficient(0.693), '693 µJ');
    assert.equal(formatEnergyCoefficient(43.7e-9), '43.7 pJ');
    assert.equal(formatEnergyCoefficient(1500), '1.5 J');
  });

  it('writes intercepts, several terms, negative terms and long models readably', () => {
    assert.equal(
      formatFormula(subModel({ features: ['macs', 'inputElements'], coefficients: [43.7e-9, 30.7e-6], intercept: 0.693 })),
      'E = 693 µJ + 43.7 pJ × MACs + 30.7 nJ × input elements',
    );
    assert.equal(
      formatFormula(subModel({ features: ['macs', 'channelsIn^2*kernelH'], coefficients: [1e-6, -2e-9] })),
      'E = 1 nJ × MACs − 2 pJ × channelsIn^2 × kernelH',
    );
    const many = subModel({
      features: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((_, i) => `channelsIn^${i + 1}`),
      coefficients: [1, 1, 1, 1, 1, 1],
    });
    assert.match(formatFormula(many), /\+ … \(2 more terms\)$/);
  });

  describe('every layer that does work is counted', () => {
    const memory = model({
      Convolution: subModel({ coefficients: [2e-6], sigmaLog: 0.2 }),
      MemoryTraffic: subModel({
        appliesTo: ['ReLU', 'Dropout', 'Concat'],
        features: ['activationBytes'],
        coefficients: [1e-6],
        sigmaLog: 0.5,
        extrapolated: true,
      }),
    });
    /** conv → relu → dropout → flatten, with the relu and dropout in place or out of place. */
    const net = (inPlace: boolean) =>
      analyzeText(
        [
          'input: "data" input_shape { dim: 1 dim: 3 dim: 8 dim: 8 }',
          'layer { name: "conv" type: "Convolution" bottom: "data" top: "conv" convolution_param { num_output: 4 kernel_size: 3 } }',
          `layer { name: "relu" type: "ReLU" bottom: "conv" top: "${inPlace ? 'conv' : 'relu'}" }`,
          `layer { name: "drop" type: "Dropout" bottom: "${inPlace ? 'conv' : 'relu'}" top: "${inPlace ? 'conv' : 'drop'}" }`,
          `layer { name: "flat" type: "Flatten" bottom: "${inPlace ? 'conv' : 'drop'}" top: "flat" }`,
        ].join('\n'),
      ).layers;

    it('counts an in-place layer once, as one read and one write of its blob, like an out-of-place one', () => {
      const inPlace = predictNet(net(true), memory, { cache: new PredictionCache() });
      const outOfPlace = predictNet(net(false), memory, { cache: new PredictionCache() });
      const relu = (p: typeof inPlace) => p.layers.find((l) => l.name === 'relu')!;
      // 4 × 6 × 6 floats read and as many written, at 1 nJ per byte.
      near(relu(inPlace).predicted_mJ!, 2 * 4 * 6 * 6 * 4 * 1e-6, 'in-place relu');
      near(relu(outOfPlace).predicted_mJ!, relu(inPlace).predicted_mJ!, 'out-of-place relu');
      assert.equal(inPlace.layers.filter((l) => l.name === 'relu').length, 1);
      assert.deepEqual(inPlace.notModelledTypes, []);
    });

    it('gives nothing to Flatten (shares its data) or an in-place Dropout (a no-op at test time), but copies out of place', () => {
      const inPlace = predictNet(net(true), memory, { cache: new PredictionCache() });
      const outOfPlace = predictNet(net(false), memory, { cache: new PredictionCache() });
      const status = (p: typeof inPlace, name: string) => p.layers.find((l) => l.name === name)!.status;
      assert.equal(status(inPlace, 'flat'), 'no-compute');
      assert.equal(status(inPlace, 'drop'), 'no-compute');
      assert.equal(status(outOfPlace, 'drop'), 'predicted');
      assert.ok(outOfPlace.total.predicted_mJ > inPlace.total.predicted_mJ, 'the out-of-place copy costs its bytes');
    });

    it('says how much of the total is extrapolated and from which types', () => {
      const p = predictNet(net(false), memory, { cache: new PredictionCache() });
      const extrapolated = p.layers.filter((l) => l.extrapolated && l.status === 'predicted');
      near(p.extrapolatedShare, extrapolated.reduce((s, l) => s + l.predicted_mJ!, 0) / p.total.predicted_mJ, 'share');
      assert.ok(p.extrapolatedShare > 0 && p.extrapolatedShare < 1);
      assert.deepEqual(p.extrapolatedTypes, ['Dropout', 'ReLU']);
      const convOnly = model({ Convolution: subModel() });
      assert.equal(predictNet(net(false), convOnly, { cache: new PredictionCache() }).extrapolatedShare, 0, 'nothing extrapolated');
    });
  });
});
