// Log-space fits turned back into mJ: exp(fitted ln E) is the median, not the mean, so a network total
// summed from it is low by about exp(σ²/2). Duan's smearing factor removes that bias.
import { strict as assert } from 'assert';
import { CONSTANT, LinearSubsets } from '../../../../server/src/energy/fit/search/linear-subsets';
import { lcg } from '../helpers';

describe('smearing bias correction of log-space fits', () => {
  it('makes network totals unbiased where the uncorrected back-transform is systematically low', () => {
    const rand = lcg(11);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const n = 3000;
    const sigma = 0.5;
    const x = Float64Array.from({ length: n }, () => 1e4 * 10 ** (3 * rand()));
    const logX = Float64Array.from(x, Math.log);
    const y = Float64Array.from(x, (v) => Math.exp(-9 + 0.8 * Math.log(v) + sigma * gauss()));
    const folds = 10;
    const foldOf = Int32Array.from({ length: n }, (_, i) => i % folds);
    const subsets = new LinearSubsets([logX], y, 'log', foldOf, folds);
    const corrected = subsets.heldOut([CONSTANT, 0])!;
    const plain = subsets.heldOut([CONSTANT, 0], { smearing: false })!;
    // "Networks" of 50 layers each: the mean signed error of their totals.
    const bias = (predicted: Float64Array) => {
      let sum = 0,
        nets = 0;
      for (let start = 0; start < n; start += 50) {
        let p = 0,
          m = 0;
        for (let i = start; i < start + 50; i++) {
          p += predicted[i];
          m += y[i];
        }
        sum += p / m - 1;
        nets++;
      }
      return sum / nets;
    };
    const expectedLow = Math.exp(-(sigma ** 2) / 2) - 1; // ≈ −11.8 %
    assert.ok(Math.abs(bias(plain) - expectedLow) < 0.04, `uncorrected bias ${bias(plain)}`);
    assert.ok(Math.abs(bias(corrected)) < 0.04, `corrected bias ${bias(corrected)}`);
    assert.ok(Math.abs(bias(corrected)) < Math.abs(bias(plain)) / 2);
    const factor = subsets.fitAll([CONSTANT, 0])!.smearing;
    assert.ok(Math.abs(factor - Math.exp(sigma ** 2 / 2)) < 0.05, `smearing factor ${factor}`);
  });
});
