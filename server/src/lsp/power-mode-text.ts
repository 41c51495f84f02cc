// The best-power-mode line of the CodeLens: which mode gives this net the lowest energy (predicted
// from per-mode models, or measured by a sweep), and what it costs in latency against MAXN.
import type { ModeChoice } from '../analysis/power-modes';
import { modeLabel } from '../analysis/power-modes';
import { formatChange, formatEnergy, formatLatency } from '../units';
import { plainTitle } from '../markdown-escape';

/**
 * `best mode for this net (predicted, lowest energy of 3 modes of jetson-tx2/…): mode 1 · −12 % energy, +8.0 % latency vs MAXN (mode 0)`;
 * a measured choice names its board and what was compared.
 */
export function bestModeTitle(choice: ModeChoice): string {
  const what =
    choice.kind === 'predicted'
      ? `predicted, ${choice.figures.length} modes of ${choice.basePlatform}`
      : `measured on ${plainTitle(choice.target ?? '')}, ${choice.figures.length} modes, ${choice.measure}`;
  const best = choice.best;
  if (!best) return `best mode for this net (${what}): none chosen: ${choice.why}`;
  const parts = [`${formatEnergy(best.energy_mJ)}${best.latency_ms !== undefined ? ` · ${formatLatency(best.latency_ms)}` : ''}`];
  if (choice.baseline && best.mode !== choice.baseline.mode && choice.energyChangePct !== undefined) {
    const latency = choice.latencyChangePct !== undefined ? `, ${formatChange(choice.latencyChangePct)} latency` : '';
    parts.push(`${formatChange(choice.energyChangePct)} energy${latency} vs ${modeLabel(choice.baseline)}`);
  } else if (choice.baseline && best.mode === choice.baseline.mode) {
    const next = runnerUp(choice);
    parts.push(next ? `next ${modeLabel(next.figure)} ${formatChange(next.pct)} energy` : 'the only complete mode');
  } else parts.push('no MAXN (mode 0) figure to compare with');
  const incomplete = choice.figures.filter((f) => f.energyGap).length;
  if (incomplete) parts.push(`${incomplete} mode${incomplete === 1 ? '' : 's'} left out (incomplete)`);
  return `best mode for this net (${what}): ${modeLabel(best)} · ${parts.join(' · ')}`;
}

function runnerUp(choice: ModeChoice): { figure: ModeChoice['figures'][number]; pct: number } | undefined {
  const best = choice.best!;
  let next: ModeChoice['figures'][number] | undefined;
  for (const f of choice.figures) if (f !== best && !f.energyGap && (!next || f.energy_mJ < next.energy_mJ)) next = f;
  return next && best.energy_mJ > 0 ? { figure: next, pct: (next.energy_mJ / best.energy_mJ - 1) * 100 } : undefined;
}
