// Inlay hints at the end of each layer's opening line: `⚡ 268 mJ · 17.6 %` (predicted; `⚡ 241 mJ · 173 ms · …`
// where the platform also models latency), followed by
// `measured 251 mJ` where a campaign measured exactly this text.
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentAnalysis } from '../analysis/document-analysis';
import { formatEnergy, formatLatency, formatPercent } from '../units';
import { provisionalNote, shortDate } from './energy-text';

export function inlayHints(document: TextDocument, analysis: DocumentAnalysis, range: Range): InlayHint[] {
  const mode = analysis.settings.inlayHints;
  const net = analysis.net;
  const prediction = analysis.prediction;
  const latency = analysis.latency;
  if (mode === 'off' || !net || !prediction) return [];
  const platform = prediction.platform.label;
  const hints: InlayHint[] = [];
  const campaign = analysis.measured.current;
  net.layers.forEach((layer, i) => {
    const p = prediction.layers[i];
    const found = campaign?.layers.get(layer.name);
    const m = found?.belowResolution ? undefined : found;
    const predicted = p.status === 'predicted';
    if (!layer.span || layer.isSplit || (!predicted && !m)) return;
    const line = document.positionAt(layer.span.start).line;
    if (line < range.start.line || line > range.end.line) return;
    const lineEnd = document.positionAt(document.offsetAt({ line: line + 1, character: 0 }) - 1);
    const endOfLine = lineEnd.line === line ? lineEnd : document.positionAt(document.getText().length);
    const share = mode === 'energyAndShare' ? ` · ${formatPercent(p.share ?? 0)}` : '';
    const provisional = provisionalNote(analysis, i);
    const parts: string[] = [];
    const tooltip: string[] = [];
    if (predicted) {
      const t = latency?.layers[i];
      const time = t?.status === 'predicted' ? ` · ${formatLatency(t.predicted_ms!)}` : '';
      parts.push(
        `⚡ ${formatEnergy(p.predicted_mJ!)}${time}${share}${p.extrapolated ? ' (extrap.)' : ''}${provisional ? ' (provisional)' : ''}`,
      );
      tooltip.push(
        `Predicted energy of ${layer.name} on ${platform}: ${formatEnergy(p.predicted_mJ!)} ` +
          `(90 % interval ${formatEnergy(p.low_mJ!)} – ${formatEnergy(p.high_mJ!)}), ${p.formula}${provisional ? `; ${provisional}` : ''}` +
          (t?.status === 'predicted'
            ? `\nPredicted latency: ${formatLatency(t.predicted_ms!)} (90 % interval ${formatLatency(t.low_ms!)} – ${formatLatency(t.high_ms!)}), ${t.formula}`
            : ''),
      );
    }
    if (m && campaign) {
      parts.push(`measured ${formatEnergy(m.energy_mJ)}`);
      tooltip.push(
        `Measured energy of ${layer.name}: ${formatEnergy(m.energy_mJ)} gross (${formatEnergy(m.dynamic_mJ)} above idle) ` +
          `on ${campaign.target}${campaign.emulated ? ' (emulated board)' : ''}, campaign of ${shortDate(campaign.date)}`,
      );
    }
    hints.push({ position: endOfLine, label: parts.join(' · '), kind: InlayHintKind.Type, paddingLeft: true, tooltip: tooltip.join('\n') });
  });
  return hints;
}
