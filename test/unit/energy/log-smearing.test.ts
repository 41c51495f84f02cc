// The plain log method (`fit --method log`, the panel's "Log space"): exp(fitted ln E) is the median of
// E, so network totals summed from it are low by about exp(σ²/2); the fit folds Duan's smearing factor
// of its training rows into the intercept (the same helper as the search's log family).
import { strict as assert } from 'assert';
import { fitDataset } from '../../../server/src/energy/fit/engine';
import { dataset, lcg } from './helpers';

describe('smearing of the plain log method', () => {
  const rand = lcg(11);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const sigma = 0.5;
  const layersPerNet = 50;
  const rows = Array.from({ length: 4000 }, (_, i) => {
    const x = 1e4 * 10 ** rand();
    return { x: [x], y: Math.exp(-9 + 0.8 * Math.log(x) + sigma * gauss()), group: `net${Math.floor(i / layersPerNet)}` };
  });
  const train = dataset(['macs'], rows.slice(0, 2000));
  const test = rows.slice(2000);
  /** Mean signed relative error of the held-out networks' totals. */
  const networkBias = (predict: (x: number) => number) => {
    let sum = 0,
      nets = 0;
    for (let start = 0; start < test.length; start += layersPerNet) {
      let p = 0,
        m = 0;
      for (const r of test.slice(start, start + layersPerNet)) {
        p += predict(r.x[0]);
        m += r.y;
      }
      sum += p / m - 1;
      nets++;
    }
    return sum / nets;
  };

  it('makes held-out network totals unbiased where exp of the log fit is systematically low', () => {
    const m = fitDataset(train, { family: 'layer-type', method: 'log', features: ['macs'] }).subModels[0];
    assert.equal(m.link, 'log');
    assert.ok(m.smearing !== undefined, 'the log fit reports its smearing factor');
    const smearing = m.smearing;
    assert.ok(Math.abs(smearing - Math.exp(sigma ** 2 / 2)) < 0.05, `smearing factor ${smearing}`);
    const corrected = (x: number) => Math.exp(m.intercept + m.coefficients[0] * Math.log(x));
    const plain = (x: number) => corrected(x) / smearing;
    const expectedLow = Math.exp(-(sigma ** 2) / 2) - 1; // ≈ −11.8 %
    assert.ok(Math.abs(networkBias(plain) - expectedLow) < 0.04, `uncorrected bias ${networkBias(plain)}`);
    assert.ok(Math.abs(networkBias(corrected)) < 0.04, `corrected bias ${networkBias(corrected)}`);
    assert.ok(Math.abs(networkBias(corrected)) < Math.abs(networkBias(plain)) / 2);
  });

  it('applies to the out-of-fold predictions of validation too', () => {
    const all = dataset(['macs'], rows);
    const r = fitDataset(all, { family: 'layer-type', method: 'log', features: ['macs'] }, { cv: { kind: 'kfold', k: 10 }, seed: 3 });
    let p = 0,
      y = 0;
    rows.forEach((row, i) => {
      p += r.cv!.predictions[i];
      y += row.y;
    });
    assert.ok(Math.abs(p / y - 1) < 0.04, `held-out total ratio ${p / y}`);
  });
});
