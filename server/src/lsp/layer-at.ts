// The analysed layer whose block contains an offset, with the spans a user may point at.
import type { AnalyzedLayer, NetAnalysis } from '../net/types';
import type { Span } from '../text/ast';

export interface LayerAtOffset {
  layer: AnalyzedLayer;
  nameSpan?: Span;
  typeSpan?: Span;
  /** The `layer`/`layers` keyword opening the block. */
  keywordSpan: Span;
}

export function layerAt(net: NetAnalysis, text: string, offset: number): LayerAtOffset | undefined {
  // Layers are in file order (inserted splits have no span), so a binary search would do; the
  // linear scan stays well under a millisecond even for ResNet-152 and keeps this obvious.
  for (const layer of net.layers) {
    const span = layer.span;
    if (!span || offset < span.start || offset > span.end) continue;
    return { layer, nameSpan: layer.nameSpan, typeSpan: layer.typeSpan, keywordSpan: { start: span.start, end: span.start + (text.startsWith('layers', span.start) ? 6 : 5) } };
  }
  return undefined;
}
