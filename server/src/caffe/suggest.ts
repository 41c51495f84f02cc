// "Did you mean" suggestions: the closest candidates to a misspelt name by edit distance
// (optimal string alignment: insertions, deletions, substitutions and swaps of adjacent letters),
// ignoring case so that `convolution` finds `Convolution`.

/** Edit distance between a and b; stops early and returns `limit + 1` once it exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (a === b) return 0;
  // Three rolling rows are enough for the adjacent-swap rule.
  let prevPrev = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  let prevRowMin = 0;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prevPrev[j - 2] + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    // A swap reaches back two rows, so stop only once two rows in a row are past the limit.
    if (rowMin > limit && prevRowMin > limit) return limit + 1;
    prevRowMin = rowMin;
    [prevPrev, prev, cur] = [prev, cur, prevPrev];
  }
  const d = prev[b.length];
  return d > limit ? limit + 1 : d;
}

/** Largest distance still worth suggesting for a word of this length (about a third of it). */
function maxDistanceFor(word: string): number {
  return Math.max(1, Math.floor(word.length / 3));
}

/**
 * Candidates close to `word`, best first (at most `limit`). Case differences cost nothing, so an
 * exact match but for case ranks first; ties keep the candidates' order.
 */
export function suggestAll(word: string, candidates: Iterable<string>, limit = 3): string[] {
  const lower = word.toLowerCase();
  const max = maxDistanceFor(word);
  const scored: Array<{ name: string; d: number; i: number }> = [];
  let i = 0;
  for (const name of candidates) {
    if (name === word) continue;
    const d = editDistance(lower, name.toLowerCase(), max);
    if (d <= max) scored.push({ name, d, i });
    i++;
  }
  scored.sort((x, y) => x.d - y.d || x.i - y.i);
  return scored.slice(0, limit).map((s) => s.name);
}

/** The single best candidate close to `word`, if any. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  return suggestAll(word, candidates, 1)[0];
}
