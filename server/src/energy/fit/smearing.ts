// Duan's smearing estimate: a least-squares fit of ln E predicts the median of E, not its mean, so
// exp(fitted ln E) is low by about exp(σ²/2) and totals over many layers are systematically low. The
// factor mean(exp(residual)) over the training rows removes that bias without assuming normal errors;
// log-space fits fold ln(factor) into their intercept. Used by the plain log method and the search.

/** mean(exp(r)) over the `count` residuals (ln y − fitted ln y) that `residual(k)` gives; 1 when there are none. */
export function smearingFactor(count: number, residual: (k: number) => number): number {
  let sum = 0;
  for (let k = 0; k < count; k++) sum += Math.exp(residual(k));
  return count > 0 ? sum / count : 1;
}
