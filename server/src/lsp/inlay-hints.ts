// Inlay hints at the end of each layer's opening line: `⚡ 268 mJ · 17.6 %` (predicted).
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentAnalysis } from '../analysis/document-analysis';
import { formatEnergy, formatPercent } from '../units';

export function inlayHints(document: TextDocument, analysis: DocumentAnalysis, range: Range): InlayHint[] {
  const mode = analysis.settings.inlayHints;
  const net = analysis.net;
  const prediction = analysis.prediction;
  if (mode === 'off' || !net || !prediction) return [];
  const platform = prediction.platform.label;
  const hints: InlayHint[] = [];
  net.layers.forEach((layer, i) => {
    const p = prediction.layers[i];
    if (!layer.span || p.status !== 'predicted') return;
    const line = document.positionAt(layer.span.start).line;
    if (line < range.start.line || line > range.end.line) return;
    const lineEnd = document.positionAt(document.offsetAt({ line: line + 1, character: 0 }) - 1);
    const endOfLine = lineEnd.line === line ? lineEnd : document.positionAt(document.getText().length);
    const share = mode === 'energyAndShare' ? ` · ${formatPercent(p.share ?? 0)}` : '';
    hints.push({
      position: endOfLine,
      label: `⚡ ${formatEnergy(p.predicted_mJ!)}${share}${p.extrapolated ? ' (extrap.)' : ''}`,
      kind: InlayHintKind.Type,
      paddingLeft: true,
      tooltip: `Predicted energy of ${layer.name} on ${platform}: ${formatEnergy(p.predicted_mJ!)} `
        + `(90 % interval ${formatEnergy(p.low_mJ!)} – ${formatEnergy(p.high_mJ!)}), ${p.formula}`,
    });
  });
  return hints;
}
