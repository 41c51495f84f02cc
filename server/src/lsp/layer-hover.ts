// The markdown a layer hover shows: what the layer computes and what it is predicted to cost.
import type { DocumentAnalysis } from '../analysis/document-analysis';
import type { AnalyzedLayer } from '../net/types';
import { formatCount, formatPercent, formatShape } from '../units';
import { escapeMarkdown, markdownCode } from '../markdown-escape';
import { hoverEnergyLines, modelInputs } from './energy-text';
import { weightsHoverLine } from './caffemodel';

export function layerHoverMarkdown(analysis: DocumentAnalysis, layer: AnalyzedLayer): string {
  const net = analysis.net;
  const f = layer.features;
  const lines: string[] = [`**${escapeMarkdown(layer.name)}** · ${markdownCode(layer.type)}`, ''];
  const energy = hoverEnergyLines(analysis, layer);
  if (energy.length) lines.push(...energy, '');
  const weights = weightsHoverLine(analysis.uri, layer.name);
  if (weights) lines.push(weights, '');
  const shapes = layer.outputShapes.map((s, i) => `${markdownCode(layer.tops[i] ?? '?', { inTable: true })} ${formatShape(s)}`).join(', ');
  lines.push(`| | |`, `|---|---|`);
  lines.push(`| Output | ${shapes || '—'} |`);
  if (f.macs !== undefined) {
    const share = net && net.totals.macs > 0 ? ` (${formatPercent(f.macs / net.totals.macs)} of the net)` : '';
    lines.push(`| MACs | ${formatCount(f.macs)}${share} |`);
  } else {
    lines.push(`| MACs | unknown (input shape unknown) |`);
  }
  if (f.params !== undefined) lines.push(`| Parameters | ${formatCount(f.params, true)}${storedStatistics(layer)} |`);
  for (const input of modelInputs(analysis, layer)) {
    lines.push(
      `| Model input ${markdownCode(input.name, { inTable: true })} | ${input.value === undefined ? 'unknown' : formatCount(input.value)} |`,
    );
  }
  return lines.join('\n');
}

/** BatchNorm keeps mean, variance and a moving-average factor as blobs, which are not learnable parameters. */
function storedStatistics(layer: AnalyzedLayer): string {
  if (layer.type !== 'BatchNorm') return '';
  const channels = layer.outputShapes[0]?.[1];
  const c = channels === undefined ? 'C' : formatCount(channels, true);
  return ` (stored statistics, not learnable: mean ${c}, variance ${c}, moving-average factor 1)`;
}
