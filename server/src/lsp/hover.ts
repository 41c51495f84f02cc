// Hover: on a layer (its block keyword, name or type) the layer's analysis and energy; on any other
// field name its schema entry (type, default, meaning).
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentAnalysis } from '../analysis/document-analysis';
import { caffeSchema } from '../caffe/schema';
import { messageTypeAt } from '../caffe/validate';
import { fieldAt } from '../text/find';
import { layerHoverMarkdown } from './layer-hover';
import { layerAt } from './layer-at';
import { contains, toRange } from './ranges';

export function hover(document: TextDocument, analysis: DocumentAnalysis, position: Position): Hover | null {
  const offset = document.offsetAt(position);
  const layer = analysis.net ? layerAt(analysis.net, analysis.text, offset) : undefined;
  const onLayerHandle = layer && [layer.nameSpan, layer.typeSpan, layer.keywordSpan].some((s) => s && contains(s, offset));
  if (layer && onLayerHandle) {
    return { contents: { kind: MarkupKind.Markdown, value: layerHoverMarkdown(analysis, layer.layer) }, range: toRange(document, layer.layer.span ?? layer.keywordSpan) };
  }
  const located = fieldAt(analysis.parsed.root, offset);
  if (located && contains(located.field.nameSpan, offset)) {
    const at = messageTypeAt(analysis.parsed, located.field.nameSpan.start, analysis.kind);
    const info = at ? caffeSchema().fieldOf(at.typeName, located.field.name) : undefined;
    if (info) {
      const lines = [
        `**${info.name}** · \`${info.repeated ? 'repeated ' : ''}${info.type}\` · ${info.parent} field ${info.id}`,
      ];
      if (info.doc) lines.push('', info.doc);
      if (info.kind === 'enum' && info.enumValues) lines.push('', `Values: ${info.enumValues.map((v) => `\`${v.name}\``).join(', ')}`);
      if (info.defaultValue !== undefined && info.kind !== 'message') lines.push('', `Default: \`${String(info.defaultValue)}\``);
      if (info.fork) lines.push('', `Not in BVLC Caffe (fork extension).`);
      return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') }, range: toRange(document, located.field.nameSpan) };
    }
  }
  if (layer) {
    return { contents: { kind: MarkupKind.Markdown, value: layerHoverMarkdown(analysis, layer.layer) }, range: toRange(document, layer.keywordSpan) };
  }
  return null;
}
