// Thins a scatter plot for drawing: at most `maxPoints` points, keeping one point per occupied grid
// cell (per series key) and the extremes. Unlike a stride, this keeps outliers and sparse regions
// (the points a person looks for) and drops only points that would overlap anyway. Deterministic:
// the same data always draws the same points. Scatter data has no x order, so chart.js's own
// decimation (line charts with sorted x only) does not apply.

export interface ThinOptions<T> {
  xLog: boolean;
  yLog: boolean;
  /** Points with different keys never share a cell (e.g. layer types, so a rare type stays visible). */
  key?: (p: T) => number | string;
}

export const DEFAULT_MAX_POINTS = 2000;
/** Finer than a chart's pixels is pointless; the cap also keeps cell numbers small integers (fast sets). */
const MAX_GRID = 1024;

export function thinPoints<T extends { x: number; y: number }>(points: readonly T[], maxPoints: number, options: ThinOptions<T>): T[] {
  if (!(maxPoints >= 1)) throw new Error(`maxPoints must be at least 1, got ${maxPoints}`);
  if (points.length <= maxPoints) return points.slice();
  const tx = (v: number) => (options.xLog ? Math.log10(v) : v);
  const ty = (v: number) => (options.yLog ? Math.log10(v) : v);
  const X = new Float64Array(points.length);
  const Y = new Float64Array(points.length);
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  points.forEach((p, i) => {
    X[i] = tx(p.x);
    Y[i] = ty(p.y);
    if (X[i] < x0) x0 = X[i];
    if (X[i] > x1) x1 = X[i];
    if (Y[i] < y0) y0 = Y[i];
    if (Y[i] > y1) y1 = Y[i];
  });
  // Keys as small integers, so a cell is one number (fast to hash).
  const keyIds = new Map<number | string, number>();
  const K = options.key
    ? Int32Array.from(points, (p) => {
        const k = options.key!(p);
        let id = keyIds.get(k);
        if (id === undefined) keyIds.set(k, (id = keyIds.size));
        return id;
      })
    : undefined;
  const extremes = maxPoints >= 8 ? extremeIndexes(X, Y) : [];

  // One representative (the first) per cell of a g×g grid; the finest grid that stays within budget.
  const cellsOf = (g: number): number[] => {
    const sx = x1 > x0 ? g / (x1 - x0) : 0;
    const sy = y1 > y0 ? g / (y1 - y0) : 0;
    const seen = new Set<number>();
    const kept: number[] = [];
    for (let i = 0; i < points.length; i++) {
      const cx = Math.min(g - 1, Math.floor((X[i] - x0) * sx));
      const cy = Math.min(g - 1, Math.floor((Y[i] - y0) * sy));
      const cell = ((K ? K[i] : 0) * g + cy) * g + cx;
      if (!seen.has(cell)) {
        seen.add(cell);
        kept.push(i);
      }
    }
    return kept;
  };
  const budget = Math.max(1, maxPoints - extremes.length);
  // Occupied cells grow with g: search the largest g whose occupancy fits the budget, starting
  // where a uniform spread would land (√budget); within 1/8 of it is close enough.
  let lo = 1;
  let best = cellsOf(1);
  let hi = 0; // smallest g known to exceed the budget (0: none found)
  for (let g = Math.min(MAX_GRID, Math.max(2, Math.floor(Math.sqrt(budget)))); ; g = Math.min(MAX_GRID, g * 2)) {
    const kept = cellsOf(g);
    if (kept.length > budget) {
      hi = g;
      break;
    }
    best = kept;
    lo = g;
    if (g === MAX_GRID || kept.length === points.length) break;
  }
  while (hi > 0 && hi - lo > Math.max(1, lo >> 3)) {
    const mid = (lo + hi) >> 1;
    const kept = cellsOf(mid);
    if (kept.length > budget) hi = mid;
    else {
      best = kept;
      lo = mid;
    }
  }
  if (best.length > budget) best = best.slice(0, budget); // a single cell per key can still exceed it
  const chosen = new Set([...best, ...extremes]);
  return [...chosen].sort((a, b) => a - b).map((i) => points[i]);
}

/** Indexes of the points with the smallest and largest x and y (the axes' ranges stay true). */
function extremeIndexes(X: Float64Array, Y: Float64Array): number[] {
  let a = 0,
    b = 0,
    c = 0,
    d = 0;
  for (let i = 1; i < X.length; i++) {
    if (X[i] < X[a]) a = i;
    if (X[i] > X[b]) b = i;
    if (Y[i] < Y[c]) c = i;
    if (Y[i] > Y[d]) d = i;
  }
  return [...new Set([a, b, c, d])];
}
