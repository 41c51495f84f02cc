import { strict as assert } from 'assert';
import { formatCount, formatEnergy, formatPercent, formatShape } from '../../../server/src/units';

describe('units: how numbers are shown', () => {
  it('formats energy with three significant figures and the right prefix', () => {
    assert.equal(formatEnergy(268.4), '268 mJ');
    assert.equal(formatEnergy(1523), '1.52 J');
    assert.equal(formatEnergy(0.845), '0.845 mJ');
    assert.equal(formatEnergy(0.004), '4.00 µJ');
    assert.equal(formatEnergy(Number.NaN), '? mJ');
  });
  it('formats counts with SI prefixes, or exactly', () => {
    assert.equal(formatCount(724_406_816), '724.4 M');
    assert.equal(formatCount(15_470_000_000), '15.47 G');
    assert.equal(formatCount(1_248_424, true), '1,248,424');
    assert.equal(formatCount(96), '96');
  });
  it('formats shares and shapes', () => {
    assert.equal(formatPercent(0.176), '17.6 %');
    assert.equal(formatPercent(0.0512), '5.1 %');
    assert.equal(formatPercent(0.0012), '0.12 %');
    assert.equal(formatShape([1, 96, 55, 55]), '1×96×55×55');
    assert.equal(formatShape(undefined), 'unknown');
  });
});
