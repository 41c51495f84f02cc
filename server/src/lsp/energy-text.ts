// The words and numbers every energy surface uses (hover, inlay hints, CodeLens, report), so they
// always say what a number is: predicted, by which model, for which platform.
import type { DocumentAnalysis } from '../analysis/document-analysis';
import type { LayerPrediction, NetPrediction } from '../energy/predict';
import { describeSource } from '../analysis/model-service';
import type { AnalyzedLayer } from '../net/types';
import { formatEnergy, formatPercent } from '../units';

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
    if (!m) return `📏 not measured in the campaign of ${shortDate(current.date)} on ${current.target}${current.status === 'complete' ? '' : ` (${current.status}: resume it to measure the rest)`}`;
    const p = predictionOf(analysis, layer);
    const vs = p?.status === 'predicted' ? ` · predicted ${formatEnergy(p.predicted_mJ!)} (${signedPercent(p.predicted_mJ! / m.energy_mJ - 1)})` : '';
    return `📏 **measured ${formatEnergy(m.energy_mJ)} ± ${m.spreadPct.toFixed(0)} %** (${formatEnergy(m.dynamic_mJ)} above idle, ${m.timeMs.toPrecision(3)} ms per call) · `
      + `${shortDate(current.date)}, ${current.campaign.target.kind} ${current.target}${current.emulated ? ' (emulated)' : ''}${vs}`;
  }
  if (stale) return `📏 *measured on ${shortDate(stale.date)} on ${stale.target}, but the file has changed since (stale): profile again to compare*`;
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
  if (!model) return [`*No energy model for platform \`${analysis.settings.platform}\`: choose one with "Energy Lens: Choose Platform".*`];
  const p = predictionOf(analysis, layer);
  if (!p || p.status === 'no-compute') return [];
  const platform = model.model.platform;
  const modelLine = `Model: ${platform.label}${platform.calibration === 'coarse' ? ' (coarse calibration)' : ''}, ${describeSource(model)}`
    + (p.subModel ? ` · sub-model \`${p.subModel}\`: ${p.formula}${p.extrapolated ? ' · **extrapolated** (no data of this layer type)' : ''}` : '');
  // Even without a number the hover says which model was asked, so the user knows what to change.
  if (p.status !== 'predicted') return [`⚡ **Predicted energy:** none · ${p.message ?? 'not modelled'}`, '', modelLine];
  const lines = [
    `⚡ **Predicted energy ${perInference(analysis)}:** ${formatEnergy(p.predicted_mJ!)} `
      + `(90 % interval ${formatEnergy(p.low_mJ!)} – ${formatEnergy(p.high_mJ!)}) · ${formatPercent(p.share ?? 0)} of the net`,
    '',
    modelLine,
  ];
  const sub = p.subModel ? model.model.subModels[p.subModel] : undefined;
  if (sub) {
    const data = sub.provenance.data?.map((d) => d.file.split('/').pop()).join(', ') ?? sub.provenance.source ?? 'published figure';
    lines.push('', `Fitted on: ${data}${sub.samples ? ` (${sub.samples} samples, ${sub.provenance.method})` : ''}`);
  }
  return lines;
}
