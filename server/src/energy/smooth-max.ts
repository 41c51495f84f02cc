// The smooth maximum of a roofline model, (Σ costᵢ^p)^(1/p): p = 1 adds the costs, a large p picks the
// largest (the bound resource). Computed through log-sum-exp so large costs and exponents do not overflow.
// One definition for prediction (evaluate.ts) and fitting (fit/search/roofline.ts).

/** Costs ≤ 0 contribute nothing (a term that is 0 for a layer costs nothing). */
export function smoothMax(costs: ArrayLike<number>, exponent: number): number {
  let top = -Infinity;
  for (let k = 0; k < costs.length; k++) if (costs[k] > 0) top = Math.max(top, exponent * Math.log(costs[k]));
  if (top === -Infinity) return 0;
  let sum = 0;
  for (let k = 0; k < costs.length; k++) if (costs[k] > 0) sum += Math.exp(exponent * Math.log(costs[k]) - top);
  return Math.exp((top + Math.log(sum)) / exponent);
}
