// The frontier as text: one markdown table per layer type (params, family, held-out errors, the
// calibrated 90 % interval and its measured coverage, the formula), plus a JSON-ready summary.
// Shared by the CLI and the refit panel so both show the same figures.
import { formatFormula } from '../../formula';
import type { Quantity, SubModel } from '../../model';
import { Z_90 } from '../../predict';
import type { FrontierModel, SearchReport, TypeSearch } from './search';

const pct = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)} %` : '–');

/** The formula of a frontier model, as hovers show sub-models ("E = 0.69 mJ + smooth-max(…)"). */
export function frontierFormula(m: FrontierModel, quantity: Quantity = 'energy'): string {
  const sub = {
    features: m.terms,
    coefficients: m.coefficients,
    intercept: m.intercept,
    ...(m.family === 'log' ? { link: 'log' } : {}),
    ...(m.family === 'roofline' ? { form: 'smooth-max', exponent: m.exponent } : {}),
  } as unknown as SubModel;
  return formatFormula(sub, quantity);
}

export function intervalFactor(m: FrontierModel): number {
  return Math.exp(Z_90 * m.errors.sigmaLog);
}

/** `quantity` names what the models predict: energy (mJ, "E = …") or latency (ms, "t = …"). */
export function frontierTable(t: TypeSearch, quantity: Quantity = 'energy'): string {
  const header = [
    'Params',
    'Family',
    'Held-out MAPE',
    'Median',
    'p90',
    '90 % interval',
    'Coverage',
    quantity === 'latency' ? 'Model (predicted latency, ms per layer)' : 'Model (predicted energy, mJ per layer)',
  ];
  const rows = t.front.map((m, i) => [
    `${m.complexity}${i === t.recommended ? ' ★' : ''}`,
    m.family,
    pct(m.errors.mape),
    pct(m.errors.medianApe),
    pct(m.errors.p90Ape),
    `×/÷ ${intervalFactor(m).toFixed(2)}`,
    pct(100 * m.errors.coverage90),
    frontierFormula(m, quantity),
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 1 || i === 7 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

export function frontierJson(report: SearchReport, quantity: Quantity = 'energy') {
  return {
    quantity,
    validation: report.validation,
    maxParams: report.maxParams,
    notes: report.notes,
    warnings: report.warnings,
    types: report.types.map((t) => ({
      type: t.type,
      rows: t.rows,
      seconds: Number((t.milliseconds / 1000).toFixed(2)),
      librarySizes: t.librarySizes,
      recommended: t.recommended,
      front: t.front.map((m) => ({
        complexity: m.complexity,
        family: m.family,
        label: m.label,
        formula: frontierFormula(m, quantity),
        mape: m.errors.mape,
        medianApe: m.errors.medianApe,
        p90Ape: m.errors.p90Ape,
        rmspe: m.errors.rmspe,
        coverage90: m.errors.coverage90,
        interval90Factor: intervalFactor(m),
        terms: m.terms,
        coefficients: m.coefficients,
        intercept: m.intercept,
        ...(m.exponent !== undefined ? { exponent: m.exponent } : {}),
        ...(m.smearing !== undefined ? { smearing: m.smearing } : {}),
      })),
    })),
  };
}
