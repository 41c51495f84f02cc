// A search's frontier as the panel shows it: per layer type the front's models with their held-out
// errors and formulas, the recommended and the selected one marked. The selection defaults to the
// recommended model; `picks` (layer type → parameters) holds what the user clicked. Pure: unit-tested.
import type { FrontierModel, SearchReport } from '../../../server/src/energy/fit/search/search';
import { frontierFormula, intervalFactor } from '../../../server/src/energy/fit/search/frontier-table';
import type { FrontierView } from './messages';
import type { Quantity } from '../../../server/src/energy/model';

/** The selected model of each type: the picked complexity when the front has it, else the recommended one. */
export function selectedModels(report: SearchReport, picks: Readonly<Record<string, number>>): Record<string, FrontierModel> {
  const out: Record<string, FrontierModel> = {};
  for (const t of report.types) {
    const m = t.front.find((f) => f.complexity === picks[t.type]) ?? t.front[t.recommended];
    if (m) out[t.type] = m;
  }
  return out;
}

export function frontierView(
  report: SearchReport,
  datasetId: string,
  seconds: number,
  picks: Readonly<Record<string, number>>,
  how: { automatic?: boolean; quantity?: Quantity } = {},
): FrontierView {
  const selected = selectedModels(report, picks);
  return {
    datasetId,
    validation: report.validation,
    seconds,
    automatic: how.automatic ?? false,
    quantity: how.quantity ?? 'energy',
    types: report.types.map((t) => ({
      type: t.type,
      rows: t.rows,
      points: t.front.map((m, i) => ({
        complexity: m.complexity,
        family: m.family,
        label: m.label,
        formula: frontierFormula(m),
        mape: m.errors.mape,
        medianApe: m.errors.medianApe,
        p90Ape: m.errors.p90Ape,
        interval90Factor: intervalFactor(m),
        coverage90: m.errors.coverage90,
        recommended: i === t.recommended,
        selected: selected[t.type] === m,
      })),
    })),
  };
}
