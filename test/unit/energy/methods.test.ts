// Each regression method against small data whose solution is known exactly (or in closed form).
import { strict as assert } from 'assert';
import { fitDataset } from '../../../server/src/energy/fit/engine';
import type { FitSpec } from '../../../server/src/energy/fit/spec';
import { dataset, lcg } from './helpers';

const close = (actual: number, expected: number, rel = 1e-9, what = '') =>
  assert.ok(Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected)), `${what} ${actual} vs ${expected}`);

function only(spec: FitSpec, ds: ReturnType<typeof dataset>) {
  const r = fitDataset(ds, spec);
  assert.equal(r.subModels.length, 1);
  return r.subModels[0];
}

describe('energy fit: methods on exact data', () => {
  const xs = [1, 2, 3, 5, 8, 13, 21];

  it('ols (no intercept) recovers E = 3x', () => {
    const m = only(
      { family: 'layer-type', method: 'ols', features: ['macs'] },
      dataset(
        ['macs'],
        xs.map((x) => ({ x: [x], y: 3 * x })),
      ),
    );
    close(m.coefficients[0], 3);
    assert.equal(m.intercept, 0);
    assert.equal(m.complexity, 1);
  });

  it('ols matches the closed form Σxy/Σx² on noisy data', () => {
    const rand = lcg(7);
    const rows = xs.map((x) => ({ x: [x], y: 3 * x * (1 + 0.3 * (rand() - 0.5)) }));
    const m = only({ family: 'layer-type', method: 'ols', features: ['macs'] }, dataset(['macs'], rows));
    const expected = rows.reduce((s, r) => s + r.x[0] * r.y, 0) / rows.reduce((s, r) => s + r.x[0] ** 2, 0);
    close(m.coefficients[0], expected, 1e-12);
  });

  it('ols-intercept recovers E = 2 + 3x and counts the intercept in the complexity', () => {
    const m = only(
      { family: 'layer-type', method: 'ols-intercept', features: ['macs'] },
      dataset(
        ['macs'],
        xs.map((x) => ({ x: [x], y: 2 + 3 * x })),
      ),
    );
    close(m.intercept, 2);
    close(m.coefficients[0], 3);
    assert.equal(m.complexity, 2);
  });

  it('relative LS matches the closed form Σ(x/y) / Σ(x/y)² (weights 1/y²)', () => {
    const rand = lcg(3);
    const rows = xs.map((x) => ({ x: [x], y: 3 * x + 1 + rand() }));
    const m = only({ family: 'layer-type', method: 'relative', features: ['macs'] }, dataset(['macs'], rows));
    const expected = rows.reduce((s, r) => s + r.x[0] / r.y, 0) / rows.reduce((s, r) => s + (r.x[0] / r.y) ** 2, 0);
    close(m.coefficients[0], expected, 1e-12);
    const plain = only({ family: 'layer-type', method: 'ols', features: ['macs'] }, dataset(['macs'], rows));
    assert.ok(Math.abs(plain.coefficients[0] - m.coefficients[0]) > 1e-3, 'the weighting must change the answer');
  });

  it('nnls sets a coefficient that OLS makes negative to zero and refits the rest', () => {
    // y = 2a − 0.5b + 1: OLS (no intercept) gives b a negative coefficient; NNLS must return b = 0 and a = Σay/Σa².
    const rows = [
      [1, 1],
      [2, 0.5],
      [3, 4],
      [4, 1],
      [5, 3],
      [6, 2],
    ].map(([a, b]) => ({ x: [a, b], y: 2 * a - 0.5 * b + 1 }));
    const ds = dataset(['a', 'b'], rows);
    const ols = only({ family: 'layer-type', method: 'ols', features: ['a', 'b'] }, ds);
    assert.ok(ols.coefficients[1] < 0);
    const m = only({ family: 'layer-type', method: 'nnls', features: ['a', 'b'] }, ds);
    assert.equal(m.coefficients[1], 0);
    close(m.coefficients[0], rows.reduce((s, r) => s + r.x[0] * r.y, 0) / rows.reduce((s, r) => s + r.x[0] ** 2, 0), 1e-10);
    assert.equal(m.complexity, 1);
  });

  it('nnls equals ols when the OLS solution is already non-negative', () => {
    const rows = [
      [1, 2],
      [2, 1],
      [3, 5],
      [4, 4],
      [7, 1],
    ].map(([a, b]) => ({ x: [a, b], y: 0.5 * a + 1.5 * b }));
    const m = only({ family: 'layer-type', method: 'nnls', features: ['a', 'b'] }, dataset(['a', 'b'], rows));
    close(m.coefficients[0], 0.5);
    close(m.coefficients[1], 1.5);
  });

  it('log space recovers a power law E = 5·x^0.7', () => {
    const m = only(
      { family: 'layer-type', method: 'log', features: ['macs'] },
      dataset(
        ['macs'],
        xs.map((x) => ({ x: [x], y: 5 * x ** 0.7 })),
      ),
    );
    assert.deepEqual(
      fitDataset(
        dataset(
          ['macs'],
          xs.map((x) => ({ x: [x], y: 5 * x ** 0.7 })),
        ),
        { family: 'layer-type', method: 'log', features: ['macs'] },
      ).subModels[0].terms,
      ['log(macs)'],
    );
    close(m.intercept, Math.log(5));
    close(m.coefficients[0], 0.7);
    assert.equal(m.link, 'log');
  });

  it('ridge recovers E = 2 + 3a − b on noise-free data (cross-validation picks a negligible penalty)', () => {
    const rand = lcg(11);
    const rows = Array.from({ length: 40 }, () => {
      const a = 1 + 10 * rand(),
        b = 1 + 5 * rand();
      return { x: [a, b], y: 2 + 3 * a - b };
    });
    const m = only({ family: 'layer-type', method: 'ridge', features: ['a', 'b'] }, dataset(['a', 'b'], rows));
    close(m.coefficients[0], 3, 1e-4, 'a');
    close(m.coefficients[1], -1, 1e-4, 'b');
    close(m.intercept, 2, 1e-4, 'intercept');
  });

  it('ridge shrinks towards the mean when the features carry no signal', () => {
    const rand = lcg(5);
    const rows = Array.from({ length: 60 }, () => ({ x: [rand(), rand()], y: 10 + rand() }));
    const ridge = only({ family: 'layer-type', method: 'ridge', features: ['a', 'b'] }, dataset(['a', 'b'], rows));
    const ols = only({ family: 'layer-type', method: 'ols-intercept', features: ['a', 'b'] }, dataset(['a', 'b'], rows));
    const norm = (c: number[]) => Math.hypot(...c);
    assert.ok(norm(ridge.coefficients) < norm(ols.coefficients), `${norm(ridge.coefficients)} < ${norm(ols.coefficients)}`);
  });

  it('lasso keeps the one informative term and zeroes the others', () => {
    const rand = lcg(13);
    const rows = Array.from({ length: 50 }, () => {
      const a = rand() * 10,
        b = rand() * 10,
        c = rand() * 10;
      return { x: [a, b, c], y: 4 + 3 * a };
    });
    const m = only({ family: 'layer-type', method: 'lasso', features: ['a', 'b', 'c'] }, dataset(['a', 'b', 'c'], rows));
    close(m.coefficients[0], 3, 1e-3, 'a');
    assert.equal(m.coefficients[1], 0);
    assert.equal(m.coefficients[2], 0);
    assert.equal(m.complexity, 2, 'one term + intercept');
  });

  it('lasso on the individual-layer family selects the true product term among the polynomial terms', () => {
    const rand = lcg(17);
    const rows = Array.from({ length: 80 }, () => {
      const c = 1 + Math.floor(rand() * 64),
        k = 1 + 2 * Math.floor(rand() * 3),
        h = 4 + Math.floor(rand() * 28);
      return { x: [c, k, h], y: 0.5 + 0.01 * c * k * k };
    });
    const r = fitDataset(dataset(['c', 'k', 'h'], rows), { family: 'individual', method: 'lasso', features: ['c', 'k', 'h'], degree: 3 });
    const m = r.subModels[0];
    assert.ok(m.terms.includes('c*k^2') && m.terms.includes('log(c)'), m.terms.join(' '));
    const biggest =
      m.terms[
        m.coefficients
          .map((v, i) => [Math.abs(v) * Math.max(...rows.map((row) => termValue(m.terms[i], row.x))), i])
          .sort((p, q) => q[0] - p[0])[0][1]
      ];
    assert.equal(biggest, 'c*k^2');
    assert.ok(m.complexity < m.terms.length + 1, 'lasso must drop terms');
    assert.ok(r.subModels[0].inSample.mape < 1, `in-sample MAPE ${r.subModels[0].inSample.mape}`);
  });

  it('individual family builds products up to the degree plus logs of positive features', () => {
    const rows = [
      [1, 2],
      [2, 3],
      [3, 1],
      [4, 4],
      [5, 2],
      [6, 6],
      [7, 1],
      [2, 8],
      [9, 3],
      [5, 5],
    ].map(([a, b]) => ({ x: [a, b], y: a * b + 1 }));
    const r = fitDataset(dataset(['a', 'b'], rows), { family: 'individual', method: 'ols-intercept', features: ['a', 'b'], degree: 2 });
    assert.deepEqual(r.subModels[0].terms, ['a', 'b', 'a^2', 'a*b', 'b^2', 'log(a)', 'log(b)']);
  });
});

function termValue(term: string, x: number[]): number {
  const names: Record<string, number> = { c: x[0], k: x[1], h: x[2] };
  return term.split('*').reduce((v, f) => {
    const m = /^(log\()?(\w+)\)?(?:\^(\d+))?$/.exec(f)!;
    const base = m[1] ? Math.log(names[m[2]]) : names[m[2]];
    return v * base ** Number(m[3] ?? 1);
  }, 1);
}
