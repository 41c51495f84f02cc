// Seeded randomness (mulberry32) so folds, splits and therefore every reported figure reproduce.

export function seededRandom(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = items.slice();
  const random = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Deals items round-robin, after a seeded shuffle, into k blocks of near-equal size. */
export function dealIntoFolds<T>(items: readonly T[], k: number, seed: number): T[][] {
  const folds: T[][] = Array.from({ length: k }, () => []);
  shuffled(items, seed).forEach((item, i) => folds[i % k].push(item));
  return folds;
}
