// Model search on real data (a sample of the TX2 CPU sweep): deterministic, a monotone front whose
// held-out errors and interval coverage are what they claim, and seeds that matter.
import { strict as assert } from 'assert';
import { searchModels } from '../../../../server/src/energy/fit/search/search';
import { paretoFront, recommendedIndex } from '../../../../server/src/energy/fit/search/pareto';
import { haveSweeps, sweepSample } from './sweep-sample';

const frontOf = (seed: number) => {
  const report = searchModels(sweepSample('cpu', 5), { maxParams: 5, cv: { kind: 'kfold', k: 10 }, seed });
  return report.types[0];
};

describe('model search on the TX2 CPU sweep (real data, every 5th row)', function () {
  let first: ReturnType<typeof frontOf>;
  before(function () {
    if (!haveSweeps()) this.skip();
    first = frontOf(1);
  });

  it('is deterministic: the same seed gives the same front, coefficient for coefficient', () => {
    const again = frontOf(1);
    const summary = (t: typeof first) =>
      t.front.map((m) => ({ c: m.complexity, f: m.family, terms: m.terms, k: m.coefficients, b: m.intercept, mape: m.errors.mape }));
    assert.deepEqual(summary(again), summary(first));
    const other = frontOf(2);
    assert.notDeepEqual(
      other.front.map((m) => m.errors.mape),
      first.front.map((m) => m.errors.mape),
      'a different seed deals different folds',
    );
  });

  it('gives a monotone front: held-out MAPE falls as the parameter count grows, within the limit asked for', () => {
    assert.ok(first.front.length >= 3, `front of ${first.front.length}`);
    for (let i = 1; i < first.front.length; i++) {
      assert.ok(first.front[i].complexity > first.front[i - 1].complexity);
      assert.ok(
        first.front[i].errors.mape < first.front[i - 1].errors.mape,
        `front ${i}: ${first.front[i].errors.mape} after ${first.front[i - 1].errors.mape}`,
      );
    }
    assert.ok(first.front.every((m) => m.complexity <= 5));
    // Every candidate is either on the front or beaten by a model on it with no more parameters.
    for (const c of first.candidates) {
      assert.ok(
        first.front.some((m) => m.complexity <= c.complexity && m.errors.mape <= c.errors.mape),
        `${c.label} (${c.complexity})`,
      );
    }
  });

  it('finds structures far better than MACs alone, and recommends a model on the front', () => {
    const best = first.front[first.front.length - 1];
    assert.ok(best.errors.mape < 20, `best held-out MAPE ${best.errors.mape}`);
    assert.ok(first.recommended >= 0 && first.recommended < first.front.length);
    assert.ok(first.front[first.recommended].errors.mape <= best.errors.mape * 1.05);
  });

  it('calibrates 90 % intervals: held-out coverage 90 % ± 3 %, narrower than ×/÷ 2 for the best model', () => {
    for (const m of first.front) {
      assert.ok(Math.abs(m.errors.coverage90 - 0.9) <= 0.03, `${m.label}: coverage ${m.errors.coverage90}`);
    }
    const best = first.front[first.front.length - 1];
    assert.ok(Math.exp(1.6449 * best.errors.sigmaLog) < 2, `interval ×/÷ ${Math.exp(1.6449 * best.errors.sigmaLog)}`);
  });
});

describe('model search with a held-out split (real data, every 10th row of the GPU sweep)', function () {
  before(function () {
    if (!haveSweeps()) this.skip();
  });

  it('fits on the training split only and judges the held-out rows, coverage included', () => {
    const data = sweepSample('gpu', 10);
    const t = searchModels(data, { maxParams: 4, cv: { kind: 'holdout', fraction: 0.3 }, seed: 1 }).types[0];
    assert.ok(t.front.length >= 2, `front of ${t.front.length}`);
    const best = t.front[t.front.length - 1];
    assert.equal(best.errors.n, Math.round(0.3 * data.rows.length), 'only the held-out rows are scored');
    assert.ok(Math.abs(best.errors.coverage90 - 0.9) < 0.08, `coverage ${best.errors.coverage90}`);
  });
});

describe('Pareto front', () => {
  it('keeps per complexity the lowest MAPE and drops models no better than a simpler one', () => {
    const front = paretoFront([
      { complexity: 1, mape: 40 },
      { complexity: 2, mape: 30 },
      { complexity: 2, mape: 25 },
      { complexity: 3, mape: 26 },
      { complexity: 4, mape: 20 },
      { complexity: 5, mape: Number.NaN },
    ]);
    assert.deepEqual(
      front.map((m) => [m.complexity, m.mape]),
      [
        [1, 40],
        [2, 25],
        [4, 20],
      ],
    );
    assert.equal(recommendedIndex(front), 2);
    assert.equal(
      recommendedIndex([
        { complexity: 1, mape: 10.4 },
        { complexity: 3, mape: 10 },
      ]),
      0,
    );
  });
});

describe('model search on campaign-like data', () => {
  it('leaves out a type measured at 0 (a Split) with its row named, and searches the others', () => {
    const conv = Array.from({ length: 40 }, (_, i) => {
      const macs = 1e6 * (1 + i);
      return { values: [macs], target: 0.2 + 3e-7 * macs, type: 'Convolution', source: { file: 'c.jsonl', line: i + 2 } };
    });
    const split = [0, 0.01, 0.02].map((target, i) => ({ values: [0], target, type: 'Split', source: { file: 'c.jsonl', line: 50 + i } }));
    const report = searchModels(
      { features: ['macs'], target: 'energy_mJ', rows: [...conv, ...split] },
      { maxParams: 3, cv: { kind: 'kfold', k: 5 } },
    );
    assert.deepEqual(
      report.types.map((t) => t.type),
      ['Convolution'],
    );
    assert.ok(
      report.warnings.some((w) => /^Split: not searched: c\.jsonl:50: energy_mJ 0 must be > 0/.test(w)),
      report.warnings.join('\n'),
    );
    // Nothing searchable at all is still an error that says why.
    assert.throws(
      () => searchModels({ features: ['macs'], target: 'energy_mJ', rows: split }, { maxParams: 3, cv: { kind: 'kfold', k: 3 } }),
      /no layer type can be searched: Split: not searched/,
    );
  });
});
