// The accuracy–complexity frontier: per number of fitted parameters the model with the lowest
// held-out MAPE, keeping only those that beat every simpler one (so MAPE falls as complexity grows).

export interface Scored {
  complexity: number;
  mape: number;
}

export function paretoFront<T extends Scored>(models: readonly T[]): T[] {
  const best = new Map<number, T>();
  for (const m of models) {
    if (!Number.isFinite(m.mape)) continue;
    const b = best.get(m.complexity);
    if (!b || m.mape < b.mape) best.set(m.complexity, m);
  }
  const front: T[] = [];
  for (const m of [...best.values()].sort((a, b) => a.complexity - b.complexity)) {
    if (front.length === 0 || m.mape < front[front.length - 1].mape) front.push(m);
  }
  return front;
}

/** The simplest model within `tolerance` (relative, default 5 %) of the front's lowest MAPE. */
export function recommendedIndex(front: readonly Scored[], tolerance = 0.05): number {
  if (front.length === 0) return -1;
  const lowest = Math.min(...front.map((m) => m.mape));
  return front.findIndex((m) => m.mape <= lowest * (1 + tolerance));
}
