// Subset selection over a term library, deterministic (ties go to the earlier candidate or subset):
// - forward stepwise with a swap pass: grow the subset one candidate at a time (the one that lowers
//   the held-out score most), then try replacing each chosen term by each other candidate while that
//   helps;
// - a backward-elimination pass: from the largest subset found, drop the term whose removal scores
//   best, one at a time, keeping each smaller subset that beats the forward path's at its size;
// - exhaustive best subset for small libraries (≤ 12 candidates, subsets of ≤ 4 free terms), which
//   finds combinations that only work together (no single one of them helps on its own).

export interface PathStep {
  subset: number[];
  score: number;
}

export interface StepwiseOptions {
  /** Largest subset (forced entries included). */
  maxSize: number;
  /** Always in the subset (e.g. the intercept of a log-space fit). */
  forced?: number[];
  /** Swap passes after each addition (default 1). */
  swapPasses?: number;
  /** Exhaustive search where the library is small (default true). */
  bestSubset?: boolean;
}

/** Libraries of at most this many candidates (forced ones excluded) get an exhaustive search... */
export const BEST_SUBSET_MAX_CANDIDATES = 12;
/** ...of every subset of up to this many free terms. */
export const BEST_SUBSET_MAX_TERMS = 4;

const IMPROVES = 1e-12;

/** Best subset found at each size reached (forced-only size first when there are forced entries), by size. */
export function selectSubsets(
  candidates: readonly number[],
  score: (subset: number[]) => number | undefined,
  options: StepwiseOptions,
): PathStep[] {
  const forced = options.forced ?? [];
  const memo = new Map<string, number | undefined>();
  const scored = (subset: number[]) => {
    const key = [...subset].sort((a, b) => a - b).join(',');
    if (!memo.has(key)) {
      const s = score(subset);
      memo.set(key, s !== undefined && Number.isFinite(s) ? s : undefined);
    }
    return memo.get(key);
  };
  const bySize = new Map<number, PathStep>();
  const offer = (subset: number[], s: number | undefined) => {
    if (s === undefined) return;
    const held = bySize.get(subset.length);
    if (!held || s < held.score - IMPROVES) bySize.set(subset.length, { subset: [...subset], score: s });
  };
  for (const step of forwardPath(candidates, scored, options, forced)) offer(step.subset, step.score);

  const free = candidates.filter((c) => !forced.includes(c));
  if ((options.bestSubset ?? true) && free.length <= BEST_SUBSET_MAX_CANDIDATES) {
    const most = Math.min(BEST_SUBSET_MAX_TERMS, options.maxSize - forced.length);
    for (let k = 1; k <= most; k++) for (const combo of combinations(free, k)) offer([...forced, ...combo], scored([...forced, ...combo]));
  }

  // Backward elimination from the largest subset found.
  const largest = Math.max(0, ...bySize.keys());
  let current = bySize.get(largest)?.subset;
  while (current && current.length > forced.length + 1) {
    let best: PathStep | undefined;
    for (let pos = 0; pos < current.length; pos++) {
      if (forced.includes(current[pos])) continue;
      const subset = current.filter((_, i) => i !== pos);
      const s = scored(subset);
      if (s !== undefined && (!best || s < best.score - IMPROVES)) best = { subset, score: s };
    }
    if (!best) break;
    offer(best.subset, best.score);
    current = best.subset;
  }
  return [...bySize.keys()].sort((a, b) => a - b).map((k) => bySize.get(k)!);
}

/** Forward stepwise with swap passes: the subset reached at each size. */
function forwardPath(
  candidates: readonly number[],
  scored: (subset: number[]) => number | undefined,
  options: StepwiseOptions,
  forced: number[],
): PathStep[] {
  const path: PathStep[] = [];
  let current = [...forced];
  if (forced.length > 0) {
    const s = scored(current);
    if (s !== undefined) path.push({ subset: [...current], score: s });
  }
  while (current.length < options.maxSize) {
    let best: PathStep | undefined;
    for (const c of candidates) {
      if (current.includes(c)) continue;
      const subset = [...current, c];
      const s = scored(subset);
      if (s !== undefined && (!best || s < best.score)) best = { subset, score: s };
    }
    if (!best) break;
    for (let pass = 0; pass < (options.swapPasses ?? 1); pass++) {
      let changed = false;
      for (let pos = 0; pos < best.subset.length; pos++) {
        if (forced.includes(best.subset[pos])) continue;
        for (const c of candidates) {
          if (best.subset.includes(c)) continue;
          const subset: number[] = best.subset.map((x: number, i: number) => (i === pos ? c : x));
          const s = scored(subset);
          if (s !== undefined && s < best.score - IMPROVES) {
            best = { subset, score: s };
            changed = true;
          }
        }
      }
      if (!changed) break;
    }
    current = best.subset;
    path.push({ subset: [...current], score: best.score });
  }
  return path;
}

/** The k-element subsets of `items`, in lexicographic order of positions. */
export function* combinations<T>(items: readonly T[], k: number): Generator<T[]> {
  const idx = Array.from({ length: k }, (_, i) => i);
  if (k > items.length || k <= 0) return;
  for (;;) {
    yield idx.map((i) => items[i]);
    let j = k - 1;
    while (j >= 0 && idx[j] === items.length - k + j) j--;
    if (j < 0) return;
    idx[j]++;
    for (let m = j + 1; m < k; m++) idx[m] = idx[m - 1] + 1;
  }
}
