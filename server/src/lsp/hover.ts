// Hover: on a layer (its block keyword, name or type) the layer's analysis and energy; on any other
// field name its schema entry (type, default, meaning).
import { MarkupKind, type Hover, type Position, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { EarlierAnalysis } from '../analysis/analysis-store';
import type { DocumentAnalysis } from '../analysis/document-analysis';
import { caffeSchema } from '../caffe/schema';
import { messageTypeAt } from '../caffe/validate';
import { fieldAt } from '../text/find';
import { layerHoverMarkdown } from './layer-hover';
import { layerAt } from './layer-at';
import type { Span } from '../text/ast';
import { contains, toRange } from './ranges';

export function hover(document: TextDocument, analysis: DocumentAnalysis, position: Position): Hover | null {
  return hoverAt(analysis, document.offsetAt(position), (span) => toRange(document, span)) ?? null;
}

/**
 * The hover at an offset of `analysis`'s text; `range` turns its spans into the editor's range
 * (undefined: the span no longer exists, and there is no answer from this analysis).
 */
export function hoverAt(analysis: DocumentAnalysis, offset: number, range: (span: Span) => Range | undefined): Hover | null | undefined {
  const answer = (value: string, span: Span): Hover | undefined => {
    const r = range(span);
    return r && { contents: { kind: MarkupKind.Markdown, value }, range: r };
  };
  const layer = analysis.net ? layerAt(analysis.net, analysis.text, offset) : undefined;
  const onLayerHandle = layer && [layer.nameSpan, layer.typeSpan, layer.keywordSpan].some((s) => s && contains(s, offset));
  if (layer && onLayerHandle) {
    return answer(layerHoverMarkdown(analysis, layer.layer), layer.layer.span ?? layer.keywordSpan);
  }
  const located = fieldAt(analysis.parsed.root, offset);
  if (located && contains(located.field.nameSpan, offset)) {
    const at = messageTypeAt(analysis.parsed, located.field.nameSpan.start, analysis.kind);
    const info = at ? caffeSchema().fieldOf(at.typeName, located.field.name) : undefined;
    if (info) {
      const lines = [`**${info.name}** · \`${info.repeated ? 'repeated ' : ''}${info.type}\` · ${info.parent} field ${info.id}`];
      if (info.doc) lines.push('', info.doc);
      if (info.kind === 'enum' && info.enumValues) lines.push('', `Values: ${info.enumValues.map((v) => `\`${v.name}\``).join(', ')}`);
      if (info.defaultValue !== undefined && info.kind !== 'message') lines.push('', `Default: \`${String(info.defaultValue)}\``);
      if (info.fork) lines.push('', `Not in BVLC Caffe (fork extension).`);
      return answer(lines.join('\n'), located.field.nameSpan);
    }
  }
  if (layer) {
    return answer(layerHoverMarkdown(analysis, layer.layer), layer.keywordSpan);
  }
  return null;
}

/**
 * The hover from an earlier analysis of the document (its offsets mapped through the edits made
 * since); undefined when the position or the answer's span lies in text edited since.
 */
export function hoverFromEarlier(document: TextDocument, earlier: EarlierAnalysis, position: Position): Hover | null | undefined {
  const offset = earlier.toEarlier(document.offsetAt(position));
  if (offset === undefined) return undefined;
  return hoverAt(earlier.analysis, offset, (span) => {
    const current = earlier.toCurrent(span);
    return current && toRange(document, current);
  });
}
