// Subset selection: forward stepwise with a swap pass, a backward-elimination pass, and exhaustive
// best subset for small libraries, on data built so that greedy forward selection misses the optimum.
import { strict as assert } from 'assert';
import { LinearSubsets } from '../../../../server/src/energy/fit/search/linear-subsets';
import { mapeOf } from '../../../../server/src/energy/fit/search/held-out-errors';
import { combinations, selectSubsets } from '../../../../server/src/energy/fit/search/stepwise';
import { lcg } from '../helpers';

/**
 * Three features that fit the energy exactly only together ((x0 + x1 − x2)/3 = 1 mJ on every row; no
 * pair of them does), and two decoys, each a noisy copy of the energy, which win every greedy step.
 */
function trap() {
  const rand = lcg(3);
  const n = 200;
  const u = Array.from({ length: n }, rand),
    v = Array.from({ length: n }, rand);
  const columns = [
    Float64Array.from(u, (x) => 1 + 3 * x),
    Float64Array.from(v, (x) => 1 + 3 * x),
    Float64Array.from(u, (x, i) => 3 * x + 3 * v[i] - 1),
    Float64Array.from(u, () => 1 + 0.3 * (rand() - 0.5)),
    Float64Array.from(u, () => 1 + 0.3 * (rand() - 0.5)),
  ];
  const y = new Float64Array(n).fill(1);
  const subsets = new LinearSubsets(
    columns,
    y,
    'relative',
    Int32Array.from({ length: n }, (_, i) => i % 5),
    5,
  );
  const score = (s: number[]) => {
    const p = subsets.heldOut(s);
    return p && mapeOf(y, p);
  };
  return { score, candidates: [0, 1, 2, 3, 4] };
}

const sorted = (s: number[]) => [...s].sort((a, b) => a - b);

describe('subset selection (stepwise and best subset)', () => {
  it('best subset finds the 3-term optimum that forward stepwise with swaps misses', () => {
    const { score, candidates } = trap();
    const greedy = selectSubsets(candidates, score, { maxSize: 3, bestSubset: false });
    const three = greedy.find((p) => p.subset.length === 3)!;
    assert.notDeepEqual(sorted(three.subset), [0, 1, 2], 'the trap must catch greedy selection');
    assert.ok(three.score > 1, `greedy 3-term MAPE ${three.score}`);
    const exhaustive = selectSubsets(candidates, score, { maxSize: 3 });
    const best = exhaustive.find((p) => p.subset.length === 3)!;
    assert.deepEqual(sorted(best.subset), [0, 1, 2]);
    assert.ok(best.score < 1e-6, `best-subset 3-term MAPE ${best.score}`);
    assert.deepEqual(
      exhaustive.map((p) => p.subset.length),
      [1, 2, 3],
    );
  });

  it('backward elimination improves a size the forward path reached badly', () => {
    // Scores by rule: forward (no swaps here) is lured by 0, the best single term, and keeps it; every
    // subset without 0 is better from two terms on, and {1, 2, 3} is the 3-term optimum.
    const score = (s: number[]) => {
      const has0 = s.includes(0);
      if (s.length === 1) return has0 ? 1 : 2;
      if (s.length === 4) return has0 ? 0.3 : 0.2;
      if (has0) return s.length === 2 ? 0.9 : 0.8;
      return s.length === 2 ? 0.85 : sorted(s).join() === '1,2,3' ? 0.1 : 0.7;
    };
    const forwardOnly = selectSubsets([0, 1, 2, 3, 4, 5], score, { maxSize: 4, bestSubset: false, swapPasses: 0 });
    // Without swaps forward keeps 0; backward from the 4-term subset drops it at size 3.
    assert.ok(forwardOnly.every((p, k) => p.subset.length === k + 1));
    assert.deepEqual(forwardOnly[2], { subset: [1, 2, 3], score: 0.1 });
    assert.equal(forwardOnly[1].score, 0.85);
    assert.equal(forwardOnly[0].score, 1);
  });

  it('is deterministic and enumerates combinations in order', () => {
    const { score, candidates } = trap();
    assert.deepEqual(selectSubsets(candidates, score, { maxSize: 4 }), selectSubsets(candidates, score, { maxSize: 4 }));
    assert.deepEqual(
      [...combinations(['a', 'b', 'c', 'd'], 2)].map((c) => c.join('')),
      ['ab', 'ac', 'ad', 'bc', 'bd', 'cd'],
    );
    assert.equal([...combinations([1, 2, 3], 4)].length, 0);
  });
});
