// One regression method applied to the rows of one layer type: OLS (with or without intercept),
// NNLS, relative-error LS (rows weighted 1/y², i.e. minimising Σ((ŷ−y)/y)²), LS in log space
// (ln y on log-feature terms: a power law, bias-corrected by Duan's smearing), ridge and Lasso (penalty by CV, see penalized.ts).
import { FitError } from './dataset';
import type { TypeDesign } from './design';
import { leastSquares } from './least-squares';
import { nnls } from './nnls';
import { smearingFactor } from './smearing';
import { PenalizedData, fitPenalized } from './penalized';
import type { ResolvedSpec } from './spec';

export interface SubModelFit {
  /** Per term of the design, raw units (mJ per unit of the term, or ln mJ for the log link). */
  coefficients: number[];
  intercept: number;
  /** Penalty chosen for ridge/lasso (standardised units). */
  lambda?: number;
  /** Log link: Duan's smearing factor of the training rows, already folded into the intercept (ln). */
  smearing?: number;
  /**
   * Ridge/lasso only, when the blocks served as the penalty's folds: per given block, the fit
   * without it at the chosen penalty (undefined for an empty block or nothing left to fit on).
   */
  heldOut?: Array<SubModelFit | undefined>;
  warnings: string[];
}

export function isPenalized(method: string): boolean {
  return method === 'ridge' || method === 'lasso';
}

export const INTERCEPT_NAME = '(intercept)';

export class TypeFitter {
  private penalized?: PenalizedData;
  private readonly weights: Float64Array;

  constructor(
    readonly design: TypeDesign,
    readonly spec: ResolvedSpec,
  ) {
    this.weights =
      spec.weighting === 'relative' ? Float64Array.from(design.y, (y) => 1 / (y * y)) : new Float64Array(design.y.length).fill(1);
  }

  /** Fits on the union of `blocks` (indexes into design rows); blocks serve the penalty's inner CV. */
  fit(blocks: number[][]): SubModelFit {
    const { spec, design } = this;
    const context = design.type;
    if (spec.method === 'ridge' || spec.method === 'lasso') {
      this.penalized ??= new PenalizedData(design.Z, design.y, this.weights, spec.intercept);
      const r = fitPenalized(this.penalized, blocks, spec.method, spec.intercept, {
        seed: spec.seed,
        innerFolds: spec.innerFolds,
        context,
      });
      let heldOut: SubModelFit['heldOut'];
      if (r.heldOut) {
        let k = 0;
        const perGiven = r.heldOut;
        heldOut = blocks.map((b) => {
          if (b.length === 0) return undefined;
          const h = perGiven[k++];
          return h && { coefficients: Array.from(h.coefficients), intercept: h.intercept, lambda: r.lambda, warnings: [] };
        });
      }
      return { coefficients: Array.from(r.coefficients), intercept: r.intercept, lambda: r.lambda, heldOut, warnings: r.warnings };
    }
    const rows = blocks.flat();
    if (rows.length === 0) throw new FitError(`${context}: no rows to fit`);
    const names = [...(spec.intercept ? [INTERCEPT_NAME] : []), ...design.terms.map((t) => t.text)];
    const X: Float64Array[] = [];
    const target = new Float64Array(rows.length);
    rows.forEach((i, k) => {
      const z = design.Z[i];
      const scale = Math.sqrt(this.weights[i]);
      const row = new Float64Array(names.length);
      let j = 0;
      if (spec.intercept) row[j++] = scale;
      for (let t = 0; t < z.length; t++) row[j++] = z[t] * scale;
      X.push(row);
      target[k] = (spec.link === 'log' ? Math.log(design.y[i]) : design.y[i]) * scale;
    });
    const solved = spec.method === 'nnls' ? nnls(X, target, names, context) : leastSquares(X, target, names, context);
    const all = Array.from(solved.coefficients);
    const fit: SubModelFit = {
      intercept: spec.intercept ? all[0] : 0,
      coefficients: spec.intercept ? all.slice(1) : all,
      warnings: solved.warnings,
    };
    if (spec.link === 'log') {
      // exp(fitted ln E) is the median: fold the training rows' smearing factor into the scale (intercept).
      const factor = smearingFactor(rows.length, (k) => Math.log(design.y[rows[k]]) - this.linear(fit, rows[k]));
      fit.intercept += Math.log(factor);
      fit.smearing = factor;
    }
    return fit;
  }

  /** Prediction (mJ) for design row i. */
  predict(fit: SubModelFit, i: number): number {
    const v = this.linear(fit, i);
    return this.spec.link === 'log' ? Math.exp(v) : v;
  }

  /** Intercept + terms of design row i (ln mJ for the log link). */
  private linear(fit: SubModelFit, i: number): number {
    const z = this.design.Z[i];
    let v = fit.intercept;
    for (let j = 0; j < z.length; j++) v += fit.coefficients[j] * z[j];
    return v;
  }
}

/** Non-zero coefficients (+1 for a fitted intercept), as NeuralPower's code counts model complexity. */
export function complexityOf(fit: SubModelFit, spec: ResolvedSpec): number {
  return fit.coefficients.filter((c) => c !== 0).length + (spec.intercept ? 1 : 0);
}
