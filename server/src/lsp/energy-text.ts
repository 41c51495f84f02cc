// The words and numbers every energy surface uses (hover, inlay hints, CodeLens, report), so they
// always say what a number is: predicted, by which model, for which platform.
import type { DocumentAnalysis } from '../analysis/document-analysis';
import type { LayerPrediction, NetPrediction } from '../energy/predict';
import { describeSource } from '../energy/registry';
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

export function hoverEnergyLines(analysis: DocumentAnalysis, layer: AnalyzedLayer): string[] {
  const model = analysis.model;
  if (!model) return [`*No energy model for platform \`${analysis.settings.platform}\`: choose one with "Energy Lens: Choose Platform".*`];
  const p = predictionOf(analysis, layer);
  if (!p || p.status === 'no-compute') return [];
  const platform = model.model.platform;
  if (p.status !== 'predicted') {
    return [`⚡ **Predicted energy:** none · ${p.message ?? 'not modelled'}`];
  }
  const lines = [
    `⚡ **Predicted energy ${perInference(analysis)}:** ${formatEnergy(p.predicted_mJ!)} `
      + `(90 % interval ${formatEnergy(p.low_mJ!)} – ${formatEnergy(p.high_mJ!)}) · ${formatPercent(p.share ?? 0)} of the net`,
    '',
    `Model: ${platform.label}${platform.calibration === 'coarse' ? ' (coarse calibration)' : ''}, ${describeSource(model)} · `
      + `sub-model \`${p.subModel}\`: ${p.formula}${p.extrapolated ? ' · **extrapolated** (no data of this layer type)' : ''}`,
  ];
  const sub = p.subModel ? model.model.subModels[p.subModel] : undefined;
  if (sub) {
    const data = sub.provenance.data?.map((d) => d.file.split('/').pop()).join(', ') ?? sub.provenance.source ?? 'published figure';
    lines.push('', `Fitted on: ${data}${sub.samples ? ` (${sub.samples} samples, ${sub.provenance.method})` : ''}`);
  }
  return lines;
}
