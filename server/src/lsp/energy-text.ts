// The words and numbers every energy surface uses (hover, inlay hints, CodeLens, report), so they
// always say what a number is: predicted, by which model, for which platform.
import type { DocumentAnalysis } from '../analysis/document-analysis';
import type { LayerLatency, LayerPrediction, NetLatency, NetPrediction } from '../energy/predict';
import { describeSource } from '../analysis/model-service';
import type { AnalyzedLayer } from '../net/types';
import { formatCount, formatEnergy, formatLatency, formatLatencyTotal, formatMeanPower, formatPercent } from '../units';
import { describeAssumption } from '../analysis/assumed-fixes';
import { outsideSubModelDomain, subModelFittedOn, subModelInputs } from '../analysis/model-queries';
import { escapeMarkdown as md, markdownCode } from '../markdown-escape';

/** What an untrusted workspace changes, in the words the status bar uses too. */
export const UNTRUSTED_NOTE =
  '*Restricted: built-in models only (workspace not trusted): workspace models, `energyLens.modelFiles` and measurement records are not read*';

export function predictionOf(analysis: DocumentAnalysis, layer: AnalyzedLayer): LayerPrediction | undefined {
  const index = analysis.indexOfLayer(layer);
  return index >= 0 ? analysis.prediction?.layers[index] : undefined;
}

export function latencyOf(analysis: DocumentAnalysis, layer: AnalyzedLayer): LayerLatency | undefined {
  const index = analysis.indexOfLayer(layer);
  return index >= 0 ? analysis.latency?.layers[index] : undefined;
}

/**
 * The hover's latency line for a layer whose energy is predicted: `⏱ Predicted latency: 173 ms (90 % …) ·
 * mean power 1.39 W (predicted E/t)`, or why there is none (the platform's model has no latency sub-models).
 */
export function latencyHoverLine(analysis: DocumentAnalysis, layer: AnalyzedLayer, energy: LayerPrediction): string {
  const platform = analysis.model?.model.platform.label ?? analysis.settings.platform;
  if (!analysis.latency) return `⏱ Latency: not modelled for ${md(platform)} (its model has no latency sub-models)`;
  const t = latencyOf(analysis, layer);
  if (!t || t.status !== 'predicted') return `⏱ **Predicted latency:** none · ${md(t?.message ?? 'not modelled', 400)}`;
  const power =
    energy.status === 'predicted' ? ` · mean power ${formatMeanPower(energy.predicted_mJ!, t.predicted_ms!)} (predicted E/t)` : '';
  return (
    `⏱ **Predicted latency:** ${formatLatency(t.predicted_ms!)} (90 % interval ${formatLatency(t.low_ms!)} – ${formatLatency(t.high_ms!)})${power}` +
    ` · sub-model ${markdownCode(t.subModel ?? '')}: ${md(t.formula ?? '')}${t.extrapolated ? ' · **extrapolated**' : ''}`
  );
}

/** `mean power 2.1 W` over the layers with both predictions, or undefined when none has both. */
export function netMeanPower(analysis: DocumentAnalysis): string | undefined {
  const both = analysis.predictedBoth;
  return both && `mean power ${formatMeanPower(both.mJ, both.ms)}${both.complete ? '' : ' over the layers with both'}`;
}

/** `⏱ predicted ≥ 25.9 ms per image (modelled layers, 90 %: …) · Pooling, ReLU not modelled` for a CodeLens or summary. */
export function latencyTotalText(analysis: DocumentAnalysis, latency: NetLatency): string {
  const lower = latency.lowerBound;
  const t = latency.total;
  const gaps = latency.notModelledTypes.length ? ` · latency of ${latency.notModelledTypes.join(', ')} not modelled` : '';
  const missing = latency.unpredictedLayers.length ? ` · no latency for ${latency.unpredictedLayers.slice(0, 3).join(', ')}` : '';
  const power = netMeanPower(analysis);
  return (
    `⏱ predicted ${formatLatencyTotal(t.predicted_ms, lower)} ${perInference(analysis)} (${lower ? 'modelled layers, ' : ''}90 %: ${formatLatency(t.low_ms)} – ${formatLatency(t.high_ms)})` +
    `${power ? ` · ${power}` : ''}${gaps}${missing}`
  );
}

/** `provisional (assumes kernel_size for kernal_size)` when the layer's numbers rest on an assumed fix. */
export function provisionalNote(analysis: DocumentAnalysis, layerIndex: number): string | undefined {
  const fixes = analysis.assumptions.layers.get(layerIndex);
  return fixes ? `provisional (${describeAssumption(fixes)})` : undefined;
}

/** The same for a whole-net total: provisional when any layer is. */
export function provisionalTotalNote(analysis: DocumentAnalysis): string | undefined {
  const { fixes, layers } = analysis.assumptions;
  if (layers.size === 0) return undefined;
  const used = fixes.filter((f) => [...layers.values()].some((l) => l.includes(f)));
  return `provisional (${describeAssumption(used)})`;
}

/** What a net total leaves out, as one phrase each: not-modelled types, layers without a number. */
export function totalGaps(prediction: NetPrediction): string[] {
  const gaps: string[] = [];
  if (prediction.notModelledTypes.length) gaps.push(`${prediction.notModelledTypes.join(', ')} not modelled`);
  const missing = prediction.unpredictedLayers;
  if (missing.length)
    gaps.push(`partial: no number for ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''}`);
  return gaps;
}

/**
 * `2.1 % extrapolated (ReLU, Concat, Softmax)`: how much of the predicted total comes from sub-models
 * with no data of their layer types, or undefined when none does.
 */
export function extrapolatedNote(prediction: NetPrediction, maxTypes = 3): string | undefined {
  const share = prediction.extrapolatedShare;
  if (!(share > 0)) return undefined;
  const types = prediction.extrapolatedTypes;
  const named = `${types.slice(0, maxTypes).join(', ')}${types.length > maxTypes ? ` +${types.length - maxTypes}` : ''}`;
  return `${formatPercent(share)} extrapolated (${named})`;
}

/** True when the total is only a lower bound (some layers add nothing to it). */
export function isLowerBound(prediction: NetPrediction): boolean {
  return prediction.notModelledTypes.length > 0 || prediction.unpredictedLayers.length > 0;
}

/**
 * The features the layer's sub-model reads, other than MACs (which the hover always shows), with the
 * values it used: a pooling model on activation bytes shows how many bytes it counted.
 */
export function modelInputs(analysis: DocumentAnalysis, layer: AnalyzedLayer): Array<{ name: string; value: number | undefined }> {
  const p = predictionOf(analysis, layer);
  const sub = p?.subModel ? analysis.model?.model.subModels[p.subModel] : undefined;
  if (!sub) return [];
  const features = layer.features as Record<string, number | undefined>;
  return subModelInputs(sub)
    .filter((n) => n !== 'macs')
    .map((name) => ({ name, value: features[name] }));
}

/** `outside the model's data (stride 2; trained on stride 1)`, or undefined inside it (or without a recorded domain). */
export function domainNote(analysis: DocumentAnalysis, layer: AnalyzedLayer): string | undefined {
  const p = predictionOf(analysis, layer);
  const sub = p?.status === 'predicted' && p.subModel ? analysis.model?.model.subModels[p.subModel] : undefined;
  const why = sub && outsideSubModelDomain(sub, layer.features, (n) => formatCount(n));
  return why ? `outside the model's data (${why})` : undefined;
}

/** Names a network goes by: its `name:` and its file's stem. */
function networkNames(analysis: DocumentAnalysis): string[] {
  const file = decodeURIComponent(analysis.uri.split('/').pop() ?? '').replace(/\.[^.]*$/, '');
  return [analysis.net?.name ?? '', file].filter((n) => n !== '');
}

/** `fitted on this net` when the layer's sub-model (or, without a layer, any sub-model used) was trained on this network. */
export function inSampleNote(analysis: DocumentAnalysis, layer?: AnalyzedLayer): string | undefined {
  const model = analysis.model?.model;
  if (!model) return undefined;
  const subs = layer ? [predictionOf(analysis, layer)?.subModel] : [...new Set(analysis.prediction?.layers.map((p) => p.subModel) ?? [])];
  const names = networkNames(analysis);
  const hit = subs.some((key) => key !== undefined && subModelFittedOn(model.subModels[key], names));
  return hit ? 'fitted on this net (in-sample: the error here is optimistic)' : undefined;
}

/** "per image" at batch 1, else "per batch of N". */
export function perInference(analysis: DocumentAnalysis): string {
  return analysis.settings.batchSize === 1 ? 'per image' : `per batch of ${analysis.settings.batchSize}`;
}

/** Short type names for the CodeLens split. */
const SHORT_TYPE: Record<string, string> = {
  Convolution: 'conv',
  InnerProduct: 'fc',
  Pooling: 'pool',
  Deconvolution: 'deconv',
  Eltwise: 'eltwise',
  BatchNorm: 'bn',
  LRN: 'lrn',
  ReLU: 'relu',
  Concat: 'concat',
  Scale: 'scale',
  Softmax: 'softmax',
  MemoryTraffic: 'memory-bound',
};

export function typeSplit(prediction: NetPrediction, max = 3): string {
  return prediction.byType
    .slice(0, max)
    .map((t) => `${SHORT_TYPE[t.subModel] ?? t.subModel} ${formatPercent(t.share)}`)
    .join(' · ');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12 Nov` from an ISO date. */
export function shortDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

/** `measured 251 mJ ± 3 % · 12 Nov, jetson-tx1 (emulated) · predicted 268 mJ (+7 %)`, or a stale note. */
export function measuredHoverLine(analysis: DocumentAnalysis, layer: AnalyzedLayer): string | undefined {
  const { current, stale } = analysis.measured;
  if (current) {
    const m = current.layers.get(layer.name);
    if (!m)
      return `not measured in the campaign of ${md(shortDate(current.date))} on ${md(current.target)}${current.status === 'complete' ? '' : ` (${current.status}: resume it to measure the rest)`}`;
    if (m.belowResolution)
      return `measured: too short to resolve looped alone (below the harness's resolution), so no isolated value · ${md(shortDate(current.date))}, ${md(current.target)}`;
    const p = predictionOf(analysis, layer);
    const u = current.realUnits;
    const selected = analysis.settings.platform;
    // A percentage only between numbers of the same platform, both in real-board units.
    const vs =
      p?.status !== 'predicted'
        ? ''
        : !u.known
          ? ` · predicted ${formatEnergy(p.predicted_mJ!)} for ${markdownCode(selected)} · no comparison: ${md(u.reason, 400)}`
          : current.platformId !== selected
            ? ` · predicted ${formatEnergy(p.predicted_mJ!)} for ${markdownCode(selected)} · no comparison: measured on ${markdownCode(current.platformId)}, the selected platform is ${markdownCode(selected)}`
            : ` · predicted ${formatEnergy(p.predicted_mJ!)} (${signedPercent(p.predicted_mJ! / m.energy_mJ - 1)})`;
    const fwd = m.inForward_mJ !== undefined ? `, ${formatEnergy(m.inForward_mJ)} inside a forward` : '';
    return (
      `**measured ${formatEnergy(m.energy_mJ)}${m.repetitions > 1 ? ` ± ${m.spreadPct.toFixed(0)} %` : ''}** ${m.repetitions > 1 ? '' : '(one repetition, no spread) '}isolated (looped alone; ${formatEnergy(m.dynamic_mJ)} above idle${m.idleInterpolated ? ' (interpolated between idle brackets)' : ''}, ${m.timeMs.toPrecision(3)} ms per call${m.timeMs > 0 ? `, mean power ${formatMeanPower(m.energy_mJ, m.timeMs)}` : ''}${fwd}) · ` +
      `${md(shortDate(current.date))}, ${md(current.campaign.target.kind)} ${md(current.target)}${current.unitsNote ? ` (${current.unitsNote})` : ''} on ${markdownCode(current.platformId)}${vs}`
    );
  }
  if (stale)
    return `*measured on ${md(shortDate(stale.date))} on ${md(stale.target)}, but the file has changed since (stale): profile again to compare*`;
  return undefined;
}

function signedPercent(x: number): string {
  const pct = Math.round(x * 100);
  return `${pct >= 0 ? '+' : ''}${pct} %`;
}

export function hoverEnergyLines(analysis: DocumentAnalysis, layer: AnalyzedLayer): string[] {
  const measured = measuredHoverLine(analysis, layer);
  const predicted = predictedHoverLines(analysis, layer);
  return measured ? [measured, '', ...predicted] : predicted;
}

function predictedHoverLines(analysis: DocumentAnalysis, layer: AnalyzedLayer): string[] {
  const model = analysis.model;
  if (!model) {
    const none = `*No energy model for platform ${markdownCode(analysis.settings.platform)}: choose one with "Energy Lens: Choose Platform".*`;
    return analysis.workspaceTrusted ? [none] : [none, '', UNTRUSTED_NOTE];
  }
  const p = predictionOf(analysis, layer);
  if (!p || p.status === 'no-compute') return [];
  const platform = model.model.platform;
  const modelLine =
    `Model: ${md(platform.label)}${platform.calibration === 'coarse' ? ' (coarse calibration)' : ''}, ${md(describeSource(model), 400)}` +
    (p.subModel
      ? ` · sub-model ${markdownCode(p.subModel)}: ${md(p.formula ?? '')}${p.extrapolated ? ' · **extrapolated** (no data of this layer type)' : ''}`
      : '');
  const restricted = analysis.workspaceTrusted ? [] : ['', UNTRUSTED_NOTE];
  // Even without a number the hover says which model was asked, so the user knows what to change.
  if (p.status !== 'predicted')
    return [`⚡ **Predicted energy:** none · ${md(p.message ?? 'not modelled', 400)}`, '', modelLine, ...restricted];
  const provisional = provisionalNote(analysis, p.index);
  const outside = domainNote(analysis, layer);
  const inSample = inSampleNote(analysis, layer);
  const lines = [
    // Models predict gross energy (the board's total rail, idle included), the kind measured first.
    `⚡ **Predicted energy ${perInference(analysis)}:** ${formatEnergy(p.predicted_mJ!)} gross ` +
      `(90 % interval ${formatEnergy(p.low_mJ!)} – ${formatEnergy(p.high_mJ!)}) · ${formatPercent(p.share ?? 0)} of the net`,
    '',
    latencyHoverLine(analysis, layer, p),
    ...(provisional ? ['', `*${md(provisional, 400)}: fix the error in the file to make it final*`] : []),
    ...(outside ? ['', `⚠ ${outside}`] : []),
    ...(inSample ? ['', `*${inSample}*`] : []),
    '',
    modelLine,
  ];
  const sub = p.subModel ? model.model.subModels[p.subModel] : undefined;
  if (sub) {
    const data = sub.provenance.data?.map((d) => d.file.split('/').pop()).join(', ') ?? sub.provenance.source ?? 'published figure';
    // A sub-model with no samples was derived (a published figure, a scaled copy), not fitted: say how.
    lines.push(
      '',
      sub.samples
        ? `Fitted on: ${md(data, 400)} (${md(String(sub.samples))} samples, ${md(String(sub.provenance.method))})`
        : `Derived from: ${md(data, 400)}`,
    );
    if (sub.extrapolated && sub.note) lines.push('', `*${md(sub.note, 600)}*`);
  }
  lines.push(...restricted);
  return lines;
}
