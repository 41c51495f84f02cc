// Which Jetson power mode suits a network: one figure per mode of one board, predicted (from the
// models saved for the platform's modes, `…/mode<N>`, e.g. fitted on a sweep's records) or measured
// (a sweep's campaigns of exactly this text), and the choice among them: the lowest energy, within a
// latency budget when one is given. Fail closed: a mode whose figure leaves layers out (a lower
// bound) is never chosen, and under a budget neither is one whose latency is not fully known.
import type { AnalyzedLayer } from '../net/types';
import type { RegisteredModel } from '../energy/registry';
import { describeSource } from '../energy/registry';
import { predictLatency, predictNet } from '../energy/predict';
import { splitPowerMode, type MeasuredNetwork } from '../measurements';
import { plainTitle } from '../markdown-escape';

export interface ModeFigure {
  mode: number;
  /** nvpmodel's name of the mode (from the board's probe), when known. */
  name?: string;
  platformId: string;
  energy_mJ: number;
  /** The 90 % interval of a predicted energy. */
  low_mJ?: number;
  high_mJ?: number;
  /** Undefined when there is no latency (the mode's model has no latency sub-models). */
  latency_ms?: number;
  /** Why the energy is only a lower bound (layers without a number, a campaign not complete). */
  energyGap?: string;
  /** Why the latency is only a lower bound or missing. */
  latencyGap?: string;
  /** The model file or campaign file the figure comes from. */
  source: string;
}

export interface ModeChoice {
  kind: 'predicted' | 'measured';
  /** The platform without its mode (`jetson-tx2/caffe-openblas/cpu/1t`). */
  basePlatform: string;
  /** The board's name for measured figures. */
  target?: string;
  /** What the measured figures are: `whole-net energy` (the net cross-check) or `sum of layers`. */
  measure?: string;
  /** Every mode's figure, by mode. */
  figures: ModeFigure[];
  /** Mode 0 (MAXN), the reference the changes are against, when it is among the figures. */
  baseline?: ModeFigure;
  /** The lowest-energy mode that may be chosen; undefined when none may (see `why`). */
  best?: ModeFigure;
  /** Energy and latency of `best` against the baseline, in % (−12 means 12 % less). */
  energyChangePct?: number;
  latencyChangePct?: number;
  /** Why no mode was chosen. */
  why?: string;
}

/** Picks the lowest-energy complete mode, within `budgetMs` (predicted or measured latency) when given. */
export function chooseMode(
  choice: Omit<ModeChoice, 'best' | 'baseline' | 'energyChangePct' | 'latencyChangePct' | 'why'>,
  budgetMs?: number,
): ModeChoice {
  const figures = [...choice.figures].sort((a, b) => a.mode - b.mode);
  const baseline = figures.find((f) => f.mode === 0);
  const complete = figures.filter((f) => !f.energyGap);
  const eligible =
    budgetMs === undefined ? complete : complete.filter((f) => f.latency_ms !== undefined && !f.latencyGap && f.latency_ms <= budgetMs);
  let best: ModeFigure | undefined;
  for (const f of eligible) if (!best || f.energy_mJ < best.energy_mJ) best = f;
  const result: ModeChoice = { ...choice, figures, ...(baseline ? { baseline } : {}) };
  if (!best) {
    result.why =
      complete.length === 0
        ? 'no mode has a complete figure'
        : `no mode's ${choice.kind} latency is within the budget (${complete.length} mode${complete.length === 1 ? '' : 's'} complete)`;
    return result;
  }
  result.best = best;
  if (baseline && !baseline.energyGap && baseline.energy_mJ > 0) {
    result.energyChangePct = (best.energy_mJ / baseline.energy_mJ - 1) * 100;
    if (best.latency_ms !== undefined && baseline.latency_ms && !baseline.latencyGap && !best.latencyGap)
      result.latencyChangePct = (best.latency_ms / baseline.latency_ms - 1) * 100;
  }
  return result;
}

/** The registered models of `platformId`'s board in each power mode (its own included), by mode. */
export function modeModels(models: readonly RegisteredModel[], platformId: string): Array<{ mode: number; entry: RegisteredModel }> {
  const base = splitPowerMode(platformId).base;
  return models
    .map((entry) => ({ entry, ...splitPowerMode(entry.model.platform.id) }))
    .filter((m) => m.base === base)
    .map(({ mode, entry }) => ({ mode, entry }))
    .sort((a, b) => a.mode - b.mode);
}

/** Predicted figures of the net in every mode that has a model; undefined with fewer than two modes. */
export function predictedModes(
  layers: AnalyzedLayer[],
  models: readonly RegisteredModel[],
  platformId: string,
  budgetMs?: number,
): ModeChoice | undefined {
  const modes = modeModels(models, platformId);
  if (modes.length < 2) return undefined;
  const figures = modes.map(({ mode, entry }): ModeFigure => {
    const energy = predictNet(layers, entry.model);
    const latency = predictLatency(layers, entry.model);
    const gap = (notModelled: string[], unpredicted: string[]) =>
      [
        notModelled.length ? `${notModelled.join(', ')} not modelled` : '',
        unpredicted.length ? `no number for ${unpredicted.length} layer(s)` : '',
      ]
        .filter(Boolean)
        .join('; ') || undefined;
    return {
      mode,
      platformId: entry.model.platform.id,
      energy_mJ: energy.total.predicted_mJ,
      low_mJ: energy.total.low_mJ,
      high_mJ: energy.total.high_mJ,
      ...(latency ? { latency_ms: latency.total.predicted_ms } : {}),
      ...optional('energyGap', gap(energy.notModelledTypes, energy.unpredictedLayers)),
      ...optional('latencyGap', latency ? gap(latency.notModelledTypes, latency.unpredictedLayers) : 'no latency sub-models'),
      source: describeSource(entry),
    };
  });
  return chooseMode({ kind: 'predicted', basePlatform: splitPowerMode(platformId).base, figures }, budgetMs);
}

/**
 * Measured figures of one text per board: campaigns grouped by target and platform without its mode,
 * the best campaign of each mode (complete first, then newest); only groups that measured two modes or
 * more. The whole-net cross-check is compared when every mode has one, else the sum of the layers.
 */
export function measuredModes(campaigns: readonly MeasuredNetwork[], budgetMs?: number): ModeChoice[] {
  const groups = new Map<string, Map<number, MeasuredNetwork>>();
  for (const c of campaigns) {
    const { base, mode } = splitPowerMode(c.platformId);
    const key = `${c.target}\u0000${base}`;
    const byMode = groups.get(key) ?? new Map<number, MeasuredNetwork>();
    const held = byMode.get(mode);
    if (!held || preferred(c, held)) byMode.set(mode, c);
    groups.set(key, byMode);
  }
  const choices: ModeChoice[] = [];
  for (const [key, byMode] of groups) {
    if (byMode.size < 2) continue;
    const chosen = [...byMode.entries()];
    const wholeNet = chosen.every(([, c]) => c.net_mJ !== undefined && c.net_ms !== undefined);
    const figures = chosen.map(([mode, c]): ModeFigure => ({
      mode,
      ...optional('name', modeName(c, mode)),
      platformId: c.platformId,
      energy_mJ: wholeNet ? c.net_mJ! : c.total_mJ,
      latency_ms: wholeNet ? c.net_ms! : c.total_ms,
      ...optional('energyGap', campaignGap(c)),
      ...optional('latencyGap', campaignGap(c)),
      source: c.file,
    }));
    const [target, basePlatform] = key.split('\u0000');
    choices.push(
      chooseMode({ kind: 'measured', basePlatform, target, measure: wholeNet ? 'whole-net energy' : 'sum of layers', figures }, budgetMs),
    );
  }
  return choices.sort((a, b) => (a.target ?? '').localeCompare(b.target ?? '') || a.basePlatform.localeCompare(b.basePlatform));
}

function preferred(a: MeasuredNetwork, b: MeasuredNetwork): boolean {
  if ((a.status === 'complete') !== (b.status === 'complete')) return a.status === 'complete';
  return a.date > b.date;
}

function campaignGap(c: MeasuredNetwork): string | undefined {
  if (c.status !== 'complete') return `campaign ${c.status} (${c.measuredCount}/${c.plannedCount} layers)`;
  // Emulated values of an unknown time scale cannot be compared with anything.
  if (c.emulated && !c.realUnits.known) return 'emulated, unknown time scale';
  return undefined;
}

/** The mode's name from the probe the campaign recorded (`nvpmodel.modes`), bounded. */
function modeName(c: MeasuredNetwork, mode: number): string | undefined {
  const nvpmodel = (c.campaign.probe as { nvpmodel?: { modes?: unknown } } | undefined)?.nvpmodel;
  if (!Array.isArray(nvpmodel?.modes)) return undefined;
  const listed = (nvpmodel.modes as Array<{ id?: unknown; name?: unknown }>).find((m) => m && m.id === mode);
  if (typeof listed?.name !== 'string' || !listed.name.trim()) return undefined;
  return plainTitle(listed.name); // shown in CodeLens titles and tables
}

/** `mode 1 (MAXQ)`, or `mode 1` when the board did not name it. */
export function modeLabel(f: Pick<ModeFigure, 'mode' | 'name'>): string {
  return f.name ? `mode ${f.mode} (${f.name})` : `mode ${f.mode}`;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
