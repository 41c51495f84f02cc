// Latency beside energy: a model file's latency section (format version 3), per-layer and whole-net
// latency predictions with intervals, and formulas written in time units.
import { strict as assert } from 'assert';
import { PredictionCache, Z_90, isLatencyLowerBound, predictLatency, predictNet } from '../../../server/src/energy/predict';
import { formatCoefficient, formatFormula } from '../../../server/src/energy/formula';
import { parseModelText } from '../../../server/src/energy/load-model';
import { formatVersionFor } from '../../../server/src/energy/format-version';
import type { EnergyModel } from '../../../server/src/energy/model';
import { layer, model, subModel } from './helpers';

const near = (a: number, b: number, what = '') => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what} ${a} vs ${b}`);

function withLatency(): EnergyModel {
  const m = model({
    Convolution: subModel({ coefficients: [2e-6], sigmaLog: 0.2 }),
    Pooling: subModel({ features: ['inputElements'], coefficients: [1e-4], sigmaLog: 0.1 }),
  });
  return {
    ...m,
    formatVersion: 3,
    latency: {
      unit: 'ms',
      subModels: { Convolution: subModel({ coefficients: [1e-7], intercept: 0.5, sigmaLog: 0.3 }) },
    },
  };
}

describe('latency models', () => {
  const layers = [
    layer('data', 'Input', {}),
    layer('conv1', 'Convolution', { macs: 100e6 }),
    layer('conv2', 'Convolution', { macs: 50e6 }),
    layer('pool1', 'Pooling', { inputElements: 200_000 }),
  ];

  it('predicts per-layer latency with its interval and a time formula', () => {
    const lat = predictLatency(layers, withLatency(), { cache: new PredictionCache() })!;
    const conv1 = lat.layers[1];
    assert.equal(conv1.status, 'predicted');
    near(conv1.predicted_ms!, 0.5 + 10);
    near(conv1.low_ms!, 10.5 * Math.exp(-Z_90 * 0.3));
    near(conv1.high_ms!, 10.5 * Math.exp(Z_90 * 0.3));
    assert.equal(conv1.formula, 't = 500 µs + 100 ps × MACs');
  });

  it('sums latency over layers and says which types it leaves out', () => {
    const lat = predictLatency(layers, withLatency(), { cache: new PredictionCache() })!;
    near(lat.total.predicted_ms, 10.5 + 5.5);
    // One sub-model: its bounds add (errors correlated within a sub-model).
    near(lat.total.low_ms, 16 * Math.exp(-Z_90 * 0.3));
    assert.deepEqual(lat.notModelledTypes, ['Pooling']);
    assert.equal(lat.layers[3].status, 'not-modelled');
    assert.ok(isLatencyLowerBound(lat), 'a total without the pooling layer is a lower bound');
    assert.equal(isLatencyLowerBound(predictLatency(layers.slice(0, 3), withLatency())!), false);
  });

  it('keeps energy and latency apart in the shared cache', () => {
    const cache = new PredictionCache();
    const m = withLatency();
    const energy = predictNet(layers, m, { cache });
    const lat = predictLatency(layers, m, { cache })!;
    near(energy.layers[1].predicted_mJ!, 200);
    near(lat.layers[1].predicted_ms!, 10.5);
    near(predictNet(layers, m, { cache }).layers[1].predicted_mJ!, 200);
  });

  it('gives no latency for a model without a latency section', () => {
    assert.equal(predictLatency(layers, model({ Convolution: subModel() })), undefined);
  });

  it('writes time coefficients with SI prefixes', () => {
    assert.equal(formatCoefficient(1.73, 'latency'), '1.73 ms');
    assert.equal(formatCoefficient(7.04e-9, 'latency'), '7.04 ps');
    assert.equal(formatCoefficient(1500, 'latency'), '1.5 s');
    assert.equal(formatFormula(subModel({ coefficients: [2e-6] }), 'latency'), 't = 2 ns × MACs');
  });
});

describe('model files: the latency section', () => {
  it('reads a version-3 file with latency sub-models', () => {
    const r = parseModelText(JSON.stringify(withLatency()), 'lat.json');
    assert.ok('model' in r, 'error' in r ? r.error : '');
    assert.equal(r.model.latency?.subModels.Convolution.intercept, 0.5);
  });

  it('rejects a latency section in an older file, at its pointer', () => {
    const old = { ...withLatency(), formatVersion: 2 };
    const r = parseModelText(JSON.stringify(old), 'old.json');
    assert.ok('error' in r);
    assert.match(r.error, /old\.json: \/latency: latency sub-models need "formatVersion": 3/);
  });

  it('names the latency sub-model of a wrong field', () => {
    const bad = withLatency() as unknown as { latency: { subModels: Record<string, Record<string, unknown>> } };
    bad.latency.subModels.Convolution.coefficients = [1, 2];
    const r = parseModelText(JSON.stringify(bad), 'bad.json');
    assert.ok('error' in r);
    assert.match(r.error, /bad\.json: \/latency\/subModels\/Convolution\/coefficients: /);
  });

  it('rejects a latency unit other than ms', () => {
    const bad = withLatency() as unknown as { latency: { unit: string } };
    bad.latency.unit = 's';
    const r = parseModelText(JSON.stringify(bad), 'unit.json');
    assert.ok('error' in r);
    assert.match(r.error, /\/latency\/unit/);
  });

  it('writers choose version 3 only when latency is present', () => {
    assert.equal(formatVersionFor(withLatency()), 3);
    assert.equal(formatVersionFor(model({ Convolution: subModel() })), 1);
  });
});
