// `energy-lens predict FILE --modes all|0,1,2 [--budget-ms T] [--budget-mj X]`: the net predicted in
// each Jetson power mode that has a model (`<platform>/mode<N>`, e.g. fitted on a sweep's records),
// a table (or JSON) of energy and latency per mode against MAXN, and the recommended mode: the lowest
// predicted energy, within the latency budget when given. Fails closed: a mode whose total leaves
// layers out is never recommended, and under a latency budget neither is one without a full latency.
import type { AnalyzedLayer } from '../net/types';
import type { ModelRegistry } from '../energy/registry';
import { modeLabel, modeModels, predictedModes, type ModeChoice, type ModeFigure } from '../analysis/power-modes';
import { splitPowerMode, withPowerMode } from '../measurements';
import { formatChange, formatEnergy, formatLatency, formatMeanPower } from '../units';
import { parseModes } from './profile-args';
import { alignedTable } from './load-analysis';
import { ExitCode } from './exit-codes';

export interface ModesRequest {
  file: string;
  /** `all` or `0,1,2`. */
  modes: string;
  platformId: string;
  layers: AnalyzedLayer[];
  json: boolean;
  budgetMs?: number;
  budgetMj?: number;
  /** Errors in the file: no gate passes. */
  errors: number;
}

export function predictModes(req: ModesRequest, registry: ModelRegistry, io: { stdout(t: string): void; stderr(t: string): void }): number {
  const base = splitPowerMode(req.platformId).base;
  const available = modeModels(registry.list(), base);
  const wanted = req.modes === 'all' ? undefined : parseModes(req.modes);
  if (typeof wanted === 'string') {
    io.stderr(`energy-lens predict: ${wanted.replace('--modes takes', "--modes takes 'all' or")}\n`);
    return ExitCode.usage;
  }
  const missing = (wanted ?? []).filter((m) => !available.some((a) => a.mode === m));
  const haveText = available.map((a) => a.mode).join(', ') || 'none';
  if (missing.length > 0 || available.length < 2) {
    const id = withPowerMode(base, missing[0] ?? 1);
    io.stderr(
      `energy-lens predict: ${missing.length ? `no energy model for mode ${missing.join(', ')} of ${base}` : `only one power mode of ${base} has a model`} (modes with a model: ${haveText}). ` +
        `Measure a sweep (energy-lens profile NET --modes 0,1,2 ...) and fit each mode: energy-lens fit .energy-lens/measurements --platform ${id} --out .energy-lens/models/${id.split('/').join('_')}.json\n`,
    );
    return ExitCode.usage;
  }
  const chosen = available.filter((a) => !wanted || wanted.includes(a.mode)).map((a) => a.entry);
  const choice = predictedModes(req.layers, chosen, base, req.budgetMs)!;
  io.stdout(req.json ? `${JSON.stringify(modesJson(req, choice), null, 2)}\n` : modesTable(req, choice));
  return gate(req, choice, io);
}

function modesTable(req: ModesRequest, choice: ModeChoice): string {
  const rows: string[][] = [
    ['mode', 'platform', 'predicted energy', '90 % interval', 'latency', 'vs MAXN energy', 'latency', 'mean power', 'choice'],
  ];
  for (const f of choice.figures) {
    const vs = choice.baseline && f !== choice.baseline ? changes(f, choice.baseline) : undefined;
    rows.push([
      modeLabel(f),
      f.platformId,
      `${f.energyGap ? '≥ ' : ''}${formatEnergy(f.energy_mJ)}`,
      f.low_mJ !== undefined ? `${formatEnergy(f.low_mJ)} – ${formatEnergy(f.high_mJ!)}` : '',
      f.latency_ms === undefined ? 'not modelled' : `${f.latencyGap ? '≥ ' : ''}${formatLatency(f.latency_ms)}`,
      vs?.energy ?? '',
      vs?.latency ?? '',
      f.latency_ms !== undefined && !f.energyGap && !f.latencyGap ? formatMeanPower(f.energy_mJ, f.latency_ms) : '',
      f === choice.best ? '← recommended' : f.energyGap ? 'incomplete' : '',
    ]);
  }
  const lines = [`${req.file}: predicted per power mode of ${choice.basePlatform} (one model per mode)`, ...alignedTable(rows, 2, false)];
  for (const f of choice.figures) {
    if (f.energyGap) lines.push(`  ${modeLabel(f)}: energy is a lower bound (${f.energyGap}); not recommended`);
    else if (req.budgetMs !== undefined && f.latencyGap)
      lines.push(`  ${modeLabel(f)}: latency ${f.latencyGap}; not checked against the budget`);
  }
  const within = req.budgetMs !== undefined ? ` within ${formatLatency(req.budgetMs)}` : '';
  lines.push(
    choice.best
      ? `recommended: ${modeLabel(choice.best)}, the lowest predicted energy${within}${recommendedVs(choice)}`
      : `recommended: none (${choice.why}${req.budgetMs !== undefined ? `; budget ${formatLatency(req.budgetMs)}` : ''})`,
  );
  return `${lines.join('\n')}\n`;
}

function changes(f: ModeFigure, baseline: ModeFigure): { energy?: string; latency?: string } {
  return {
    energy:
      !f.energyGap && !baseline.energyGap && baseline.energy_mJ > 0
        ? formatChange((f.energy_mJ / baseline.energy_mJ - 1) * 100)
        : undefined,
    latency:
      f.latency_ms !== undefined && baseline.latency_ms && !f.latencyGap && !baseline.latencyGap
        ? formatChange((f.latency_ms / baseline.latency_ms - 1) * 100)
        : undefined,
  };
}

function recommendedVs(choice: ModeChoice): string {
  if (!choice.baseline || choice.best === choice.baseline || choice.energyChangePct === undefined) return '';
  const latency = choice.latencyChangePct !== undefined ? `, ${formatChange(choice.latencyChangePct)} latency` : '';
  return ` (${formatChange(choice.energyChangePct)} energy${latency} vs ${modeLabel(choice.baseline)})`;
}

function modesJson(req: ModesRequest, choice: ModeChoice) {
  return {
    file: req.file,
    kind: 'predicted',
    basePlatform: choice.basePlatform,
    budget_ms: req.budgetMs ?? null,
    modes: choice.figures.map((f) => ({
      mode: f.mode,
      platform: f.platformId,
      model: f.source,
      predicted_mJ: f.energy_mJ,
      low_mJ: f.low_mJ ?? null,
      high_mJ: f.high_mJ ?? null,
      lowerBound: !!f.energyGap,
      energyGap: f.energyGap ?? null,
      predicted_ms: f.latency_ms ?? null,
      latencyLowerBound: !!f.latencyGap,
      latencyGap: f.latencyGap ?? null,
    })),
    recommended: choice.best
      ? {
          mode: choice.best.mode,
          platform: choice.best.platformId,
          energyChangePct: choice.energyChangePct ?? null,
          latencyChangePct: choice.latencyChangePct ?? null,
        }
      : null,
    why: choice.why ?? null,
  };
}

/** Exit codes as for one platform: errors, then no decidable mode, then over a budget. */
function gate(req: ModesRequest, choice: ModeChoice, io: { stderr(t: string): void }): number {
  const gated = req.budgetMs !== undefined || req.budgetMj !== undefined;
  if (req.errors > 0) {
    if (gated) io.stderr(`${req.file}: power modes not checked: ${req.errors} error(s) in the file\n`);
    return ExitCode.errorsInFile;
  }
  if (!gated) return ExitCode.ok;
  const best = choice.best;
  if (!best) {
    const anyComplete = choice.figures.some(
      (f) => !f.energyGap && (req.budgetMs === undefined || (f.latency_ms !== undefined && !f.latencyGap)),
    );
    io.stderr(`${req.file}: no power mode recommended: ${choice.why}\n`);
    return anyComplete ? ExitCode.overLatencyBudget : ExitCode.notFullyPredicted;
  }
  if (req.budgetMj !== undefined && best.energy_mJ > req.budgetMj) {
    io.stderr(
      `${req.file}: energy budget exceeded: the recommended ${modeLabel(best)} predicts ${formatEnergy(best.energy_mJ)} > budget ${formatEnergy(req.budgetMj)}\n`,
    );
    return ExitCode.overBudget;
  }
  return ExitCode.ok;
}
