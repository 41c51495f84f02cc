// `energyLens/report`: the full per-layer table of a document, for the webview, commands and tests.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentAnalysis } from '../analysis/document-analysis';
import type { EnergyReport, ReportLayer } from '../protocol';
import { extrapolatedNote, isLowerBound, provisionalNote, provisionalTotalNote, totalGaps } from './energy-text';

export function buildReport(document: TextDocument, analysis: DocumentAnalysis): EnergyReport | null {
  const net = analysis.net;
  if (!net) return null;
  const prediction = analysis.prediction;
  const layers: ReportLayer[] = [];
  const { current, stale } = analysis.measured;
  const campaign = current ?? stale;
  const measuredLayers = current?.layers;
  net.layers.forEach((layer, i) => {
    if (layer.isSplit) return;
    const p = prediction?.layers[i];
    const features: Record<string, number> = {};
    for (const [k, v] of Object.entries(layer.features)) if (typeof v === 'number') features[k] = v;
    layers.push({
      name: layer.name,
      type: layer.type,
      line: layer.span ? document.positionAt(layer.span.start).line : -1,
      outputShapes: layer.outputShapes.map((s) => s ?? null),
      macs: layer.features.macs ?? null,
      params: layer.features.params ?? null,
      features,
      energy:
        p?.status === 'predicted'
          ? {
              predicted_mJ: p.predicted_mJ!,
              low_mJ: p.low_mJ!,
              high_mJ: p.high_mJ!,
              share: p.share ?? 0,
              model: `${prediction!.platform.id}:${p.subModel}`,
              extrapolated: p.extrapolated,
            }
          : null,
      energyNote: p && p.status !== 'predicted' && p.status !== 'no-compute' ? p.message : undefined,
      provisional: provisionalNote(analysis, i),
      measured: measuredLayers?.get(layer.name)?.belowResolution ? undefined : measuredLayers?.get(layer.name),
    });
  });
  // Measured energy per sub-model, summed over the layers the campaign measured.
  function measuredOfType(subModel: string): number | undefined {
    if (!measuredLayers || !prediction) return undefined;
    let sum: number | undefined;
    prediction.layers.forEach((p) => {
      const m = p.subModel === subModel ? measuredLayers.get(p.name) : undefined;
      if (m) sum = (sum ?? 0) + m.energy_mJ;
    });
    return sum;
  }
  return {
    uri: document.uri,
    version: document.version,
    network: net.name,
    platform: prediction
      ? { id: prediction.platform.id, label: prediction.platform.label, calibration: prediction.platform.calibration }
      : null,
    layers,
    measuredSource: campaign && {
      file: campaign.file,
      target: campaign.target,
      date: campaign.date,
      status: campaign.status,
      emulated: campaign.emulated,
      measuredCount: campaign.measuredCount,
      plannedCount: campaign.plannedCount,
      stale: !current,
    },
    totals: {
      macs: net.totals.macs,
      params: net.totals.params,
      energy:
        prediction && prediction.byType.length
          ? {
              ...prediction.total,
              coveredTypes: prediction.coveredTypes,
              notModelledTypes: prediction.notModelledTypes,
              lowerBound: isLowerBound(prediction),
              gaps: totalGaps(prediction),
              provisional: provisionalTotalNote(analysis),
              extrapolated: extrapolatedNote(prediction),
            }
          : null,
      byType:
        prediction?.byType.map((t) => ({
          type: t.subModel,
          predicted_mJ: t.predicted_mJ,
          share: t.share,
          measured_mJ: measuredOfType(t.subModel),
        })) ?? [],
      measured_mJ: measuredLayers && measuredLayers.size ? current!.total_mJ : undefined,
    },
  };
}

/** 0-based lines of the `count` most energy-hungry layers, hungriest first. */
export function hotLayerLines(document: TextDocument, analysis: DocumentAnalysis, count = 5): number[] {
  const net = analysis.net;
  const prediction = analysis.prediction;
  if (!net || !prediction) return [];
  return prediction.layers
    .filter((p) => p.status === 'predicted' && net.layers[p.index].span)
    .sort((a, b) => b.predicted_mJ! - a.predicted_mJ!)
    .slice(0, count)
    .map((p) => document.positionAt(net.layers[p.index].span!.start).line);
}
