// Forward stepwise selection with a swap pass: grow the subset one candidate at a time (the one that
// lowers the held-out score most), then try replacing each chosen term by each other candidate while
// that helps. Ties go to the earlier candidate, so the path is deterministic.

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
}

/** Best subset found at each size reached (forced-only size first when there are forced entries). */
export function forwardStepwise(
  candidates: readonly number[],
  score: (subset: number[]) => number | undefined,
  options: StepwiseOptions,
): PathStep[] {
  const forced = options.forced ?? [];
  const path: PathStep[] = [];
  let current = [...forced];
  if (forced.length > 0) {
    const s = score(current);
    if (s !== undefined && Number.isFinite(s)) path.push({ subset: [...current], score: s });
  }
  const memo = new Map<string, number | undefined>();
  const scored = (subset: number[]) => {
    const key = [...subset].sort((a, b) => a - b).join(',');
    if (!memo.has(key)) {
      const s = score(subset);
      memo.set(key, s !== undefined && Number.isFinite(s) ? s : undefined);
    }
    return memo.get(key);
  };
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
          if (s !== undefined && s < best.score - 1e-12) {
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
