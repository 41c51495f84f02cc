// Scatter thinning: bounded, deterministic, order-preserving, keeps extremes, outliers and rare
// series; untouched when under budget.
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { thinPoints } from '../../../client/src/panel/thin-points';

interface P {
  x: number;
  y: number;
  t: string;
  id: number;
}

function cloud(n: number, seed = 1): P[] {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  return Array.from({ length: n }, (_, id) => ({ x: Math.exp(rand() * 12), y: Math.exp(rand() * 12), t: 'A', id }));
}

describe('refit panel: thinning scatter points', () => {
  it('returns everything when under budget', () => {
    const pts = cloud(100);
    assert.deepEqual(thinPoints(pts, 100, { xLog: true, yLog: true }), pts);
  });

  it('keeps at most the budget, in input order, and the four extremes', () => {
    const pts = cloud(10_000);
    const kept = thinPoints(pts, 2000, { xLog: true, yLog: true });
    assert.ok(kept.length <= 2000, `${kept.length} kept`);
    assert.ok(kept.length >= 1000, `the budget is used (${kept.length} kept)`);
    for (let i = 1; i < kept.length; i++) assert.ok(kept[i - 1].id < kept[i].id, 'input order');
    const ids = new Set(kept.map((p) => p.id));
    const by = (f: (p: P) => number, pick: (a: number, b: number) => boolean) => pts.reduce((a, b) => (pick(f(b), f(a)) ? b : a));
    for (const extreme of [
      by(
        (p) => p.x,
        (a, b) => a < b,
      ),
      by(
        (p) => p.x,
        (a, b) => a > b,
      ),
      by(
        (p) => p.y,
        (a, b) => a < b,
      ),
      by(
        (p) => p.y,
        (a, b) => a > b,
      ),
    ]) {
      assert.ok(ids.has(extreme.id), `extreme point ${extreme.id} kept`);
    }
  });

  it('keeps a lone outlier that a stride would drop', () => {
    const pts = cloud(5000).map((p) => ({ ...p, x: 1 + p.x / 1e6, y: 1 + p.y / 1e6 }));
    pts[2501] = { x: 1.5, y: 1.5, t: 'A', id: 2501 }; // far from the dense cloud, not an extreme on both axes
    pts.push({ x: 3, y: 1, t: 'A', id: 5000 }, { x: 1, y: 3, t: 'A', id: 5001 });
    const kept = thinPoints(pts, 300, { xLog: false, yLog: false });
    assert.ok(
      kept.some((p) => p.id === 2501),
      'the outlier is drawn',
    );
  });

  it('keeps a rare series visible when points are keyed by series', () => {
    const pts = cloud(8000);
    for (let i = 0; i < 8000; i += 800) pts[i] = { ...pts[i], t: 'Rare' };
    const kept = thinPoints(pts, 500, { xLog: true, yLog: true, key: (p) => p.t });
    assert.equal(kept.filter((p) => p.t === 'Rare').length, 10, 'every rare point has a cell of its own');
  });

  it('is deterministic', () => {
    const pts = cloud(6000, 7);
    assert.deepEqual(
      thinPoints(pts, 700, { xLog: true, yLog: false }).map((p) => p.id),
      thinPoints(pts, 700, { xLog: true, yLog: false }).map((p) => p.id),
    );
  });

  it('copes with identical points and rejects a budget below 1', () => {
    const same = Array.from({ length: 3000 }, (_, id) => ({ x: 2, y: 2, t: 'A', id }));
    assert.equal(thinPoints(same, 10, { xLog: true, yLog: true }).length, 1);
    assert.throws(() => thinPoints(same, 0, { xLog: false, yLog: false }), /at least 1/);
  });

  it('never exceeds the budget and returns only input points (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            x: fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
            y: fc.double({ min: -1e3, max: 1e3, noNaN: true }),
            k: fc.integer({ min: 0, max: 3 }),
          }),
          { maxLength: 400 },
        ),
        fc.integer({ min: 5, max: 120 }),
        (raw, max) => {
          const pts = raw.map((p, id) => ({ ...p, id }));
          const kept = thinPoints(pts, max, { xLog: true, yLog: false, key: (p) => p.k });
          if (pts.length <= max) assert.equal(kept.length, pts.length);
          else assert.ok(kept.length <= max && kept.length > 0, `${kept.length} kept of ${pts.length}, budget ${max}`);
          for (const p of kept) assert.equal(pts[p.id], p);
        },
      ),
      { numRuns: 150 },
    );
  });
});
