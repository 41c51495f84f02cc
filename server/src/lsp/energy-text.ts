// The words and numbers every energy surface uses (hover, inlay hints, CodeLens, report), so they
// always say what a number is: predicted, by which model, for which platform.
import type { DocumentAnalysis } from '../analysis/document-analysis';
import type { LayerPrediction, NetPrediction } from '../energy/predict';
import { describeSource } from '../energy/registry';
import type { AnalyzedLayer } from '../net/types';
import { formatEnergy, formatPercent } from '../units';
import { escapeMarkdown as md, markdownCode } from '../markdown-escape';

/** What an untrusted workspace changes, in the words the status bar uses too. */
export const UNTRUSTED_NOTE = '🛡 *built-in models only (workspace not trusted): workspace models, `energyLens.modelFiles` and measurement records are not read*';

export function predictionOf(analysis: DocumentAnalysis, layer: AnalyzedLayer): LayerPrediction | undefined {
  const index = analysis.net?.layers.indexOf(layer) ?? -1;
  return index >= 0 ? analysis.prediction?.layers[index] : undefined;
}

/** "per image" at batch 1, else "per batch of N". */
export function perInference(analysis: DocumentAnalysis): string {
  return analysis.settings.batchSize === 1 ? 'per image' : `per batch of ${analysis.settings.batchSize}`;
}

/** Short type names for the CodeLens split. */
const SHORT_TYPE: Record<string, string> = {
  Convolution: 'conv', InnerProduct: 'fc', Pooling: 'pool', Deconvolution: 'deconv', Eltwise: 'eltwise',
  BatchNorm: 'bn', LRN: 'lrn', ReLU: 'relu', Concat: 'concat', Scale: 'scale', Softmax: 'softmax',
};

export function typeSplit(prediction: NetPrediction, max = 3): string {
  return prediction.byType.slice(0, max).map((t) => `${SHORT_TYPE[t.subModel] ?? t.subModel} ${formatPercent(t.share)}`).join(' · ');
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
    if (!m) return `📏 not measured in the campaign of ${md(shortDate(current.date))} on ${md(current.target)}${current.status === 'complete' ? '' : ` (${current.status}: resume it to measure the rest)`}`;
    const p = predictionOf(analysis, layer);
    const vs = p?.status === 'predicted' ? ` · predicted ${formatEnergy(p.predicted_mJ!)} (${signedPercent(p.predicted_mJ! / m.energy_mJ - 1)})` : '';
    return `📏 **measured ${formatEnergy(m.energy_mJ)} ± ${m.spreadPct.toFixed(0)} %** (${formatEnergy(m.dynamic_mJ)} above idle, ${m.timeMs.toPrecision(3)} ms per call) · `
      + `${md(shortDate(current.date))}, ${md(current.campaign.target.kind)} ${md(current.target)}${current.emulated ? ' (emulated)' : ''}${vs}`;
  }
  if (stale) return `📏 *measured on ${md(shortDate(stale.date))} on ${md(stale.target)}, but the file has changed since (stale): profile again to compare*`;
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
  const modelLine = `Model: ${md(platform.label)}${platform.calibration === 'coarse' ? ' (coarse calibration)' : ''}, ${md(describeSource(model), 400)}`
    + (p.subModel ? ` · sub-model ${markdownCode(p.subModel)}: ${md(p.formula ?? '')}${p.extrapolated ? ' · **extrapolated** (no data of this layer type)' : ''}` : '');
  const restricted = analysis.workspaceTrusted ? [] : ['', UNTRUSTED_NOTE];
  // Even without a number the hover says which model was asked, so the user knows what to change.
  if (p.status !== 'predicted') return [`⚡ **Predicted energy:** none · ${md(p.message ?? 'not modelled', 400)}`, '', modelLine, ...restricted];
  const lines = [
    `⚡ **Predicted energy ${perInference(analysis)}:** ${formatEnergy(p.predicted_mJ!)} `
      + `(90 % interval ${formatEnergy(p.low_mJ!)} – ${formatEnergy(p.high_mJ!)}) · ${formatPercent(p.share ?? 0)} of the net`,
    '',
    modelLine,
  ];
  const sub = p.subModel ? model.model.subModels[p.subModel] : undefined;
  if (sub) {
    const data = sub.provenance.data?.map((d) => d.file.split('/').pop()).join(', ') ?? sub.provenance.source ?? 'published figure';
    lines.push('', `Fitted on: ${md(data, 400)}${sub.samples ? ` (${md(String(sub.samples))} samples, ${md(String(sub.provenance.method))})` : ''}`);
  }
  lines.push(...restricted);
  return lines;
}
