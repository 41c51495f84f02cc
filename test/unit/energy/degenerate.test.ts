// Degenerate data gives a clear message naming the problem, never NaN coefficients.
import { strict as assert } from 'assert';
import { fitDataset } from '../../../server/src/energy/fit/engine';
import { FitError } from '../../../server/src/energy/fit/dataset';
import { METHODS, type Method } from '../../../server/src/energy/fit/spec';
import { dataset, lcg } from './helpers';

function fitError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof FitError, `expected a FitError, got ${(e as Error).stack}`);
    return e.message;
  }
  assert.fail('expected the fit to fail');
}

describe('energy fit: degenerate data', () => {
  const rand = lcg(1);
  const base = Array.from({ length: 12 }, () => 1 + 10 * rand());

  it('names both terms when one feature is a multiple of another', () => {
    const ds = dataset(
      ['macs', 'params'],
      base.map((m) => ({ x: [m, 2 * m], y: 3 * m })),
    );
    const message = fitError(() => fitDataset(ds, { family: 'layer-type', method: 'ols', features: ['macs', 'params'] }));
    assert.match(message, /'macs', 'params' are collinear/);
    assert.match(message, /^Convolution:/);
  });

  it('says a constant feature cannot be told apart from the intercept', () => {
    const ds = dataset(
      ['macs', 'kernelH'],
      base.map((m) => ({ x: [m, 3], y: 3 * m + 1 })),
    );
    const message = fitError(() => fitDataset(ds, { family: 'layer-type', method: 'ols-intercept', features: ['macs', 'kernelH'] }));
    assert.match(message, /'kernelH' is constant in these rows, so it cannot be told apart from the intercept/);
  });

  it('says how many rows are needed', () => {
    const ds = dataset(
      ['a', 'b', 'c'],
      [
        { x: [1, 2, 3], y: 1 },
        { x: [2, 1, 3], y: 2 },
      ],
    );
    assert.match(
      fitError(() => fitDataset(ds, { family: 'layer-type', method: 'ols', features: ['a', 'b', 'c'] })),
      /2 rows cannot determine 3 coefficients \(a, b, c\)/,
    );
  });

  it('names a term that is zero in every row', () => {
    const ds = dataset(
      ['macs', 'padH'],
      base.map((m) => ({ x: [m, 0], y: m })),
    );
    assert.match(
      fitError(() => fitDataset(ds, { family: 'layer-type', method: 'ols', features: ['macs', 'padH'] })),
      /'padH' is 0 in every row/,
    );
  });

  it('points at the row when the log method meets a non-positive feature', () => {
    const ds = dataset(['macs'], [...base.map((m) => ({ x: [m], y: m })), { x: [0], y: 1 }]);
    assert.match(
      fitError(() => fitDataset(ds, { family: 'layer-type', method: 'log', features: ['macs'] })),
      /test\.csv:14: log\(macs\) needs macs > 0, got 0/,
    );
  });

  it('leaves constant features out of the individual family with a warning', () => {
    const ds = dataset(
      ['c', 'k'],
      base.map((c) => ({ x: [c, 3], y: 2 * c })),
    );
    const r = fitDataset(ds, { family: 'individual', method: 'lasso', features: ['c', 'k'], degree: 2 });
    assert.ok(
      r.warnings.some((w) => /feature 'k' is 3 in every row/.test(w)),
      r.warnings.join('\n'),
    );
    assert.ok(r.subModels[0].terms.every((t) => !t.includes('k')));
  });

  it('gives finite coefficients or a FitError for every method on collinear data', () => {
    const ds = dataset(
      ['a', 'b'],
      base.map((m) => ({ x: [m, 2 * m], y: 3 * m + 1 })),
    );
    for (const method of METHODS as readonly Method[]) {
      try {
        const r = fitDataset(ds, { family: 'layer-type', method, features: ['a', 'b'] });
        for (const m of r.subModels) {
          assert.ok(m.coefficients.every(Number.isFinite) && Number.isFinite(m.intercept), `${method}: ${m.coefficients}`);
        }
      } catch (e) {
        assert.ok(e instanceof FitError, `${method}: ${(e as Error).stack}`);
        assert.ok(!/NaN/.test(e.message), e.message);
      }
    }
  });

  it('refuses an empty dataset and meaningless option combinations', () => {
    assert.match(
      fitError(() => fitDataset(dataset(['a'], []), { family: 'layer-type', method: 'ols', features: ['a'] })),
      /no data rows/,
    );
    const ds = dataset(
      ['a'],
      base.map((m) => ({ x: [m], y: m })),
    );
    assert.match(
      fitError(() => fitDataset(ds, { family: 'layer-type', method: 'log', features: ['a'], intercept: false })),
      /always fits an intercept/,
    );
    assert.match(
      fitError(() => fitDataset(ds, { family: 'layer-type', method: 'ols', features: ['nope'] })),
      /'nope', which is not a feature of the data \(a\)/,
    );
    assert.match(
      fitError(() => fitDataset(ds, { family: 'individual', method: 'ols', features: ['a'], degree: 9 })),
      /degree must be an integer from 1 to 6/,
    );
  });
});
