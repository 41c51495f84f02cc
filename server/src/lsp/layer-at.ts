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

/** The layers that have a block (inserted splits have none), sorted by where the block starts. */
const bySpanStart = new WeakMap<NetAnalysis, AnalyzedLayer[]>();

/** Builds the lookup (once per analysis); the publisher does it ahead so the first hover is quick. */
export function layersBySpan(net: NetAnalysis): AnalyzedLayer[] {
  let sorted = bySpanStart.get(net);
  if (!sorted) {
    sorted = net.layers.filter((l) => l.span !== undefined).sort((a, b) => a.span!.start - b.span!.start);
    bySpanStart.set(net, sorted);
  }
  return sorted;
}

/** Binary search over the blocks (built once per analysis): a hover on a 122k-layer net stays cheap. */
export function layerAt(net: NetAnalysis, text: string, offset: number): LayerAtOffset | undefined {
  const layers = layersBySpan(net);
  let lo = 0;
  let hi = layers.length - 1;
  let found = -1; // the last block starting at or before `offset`
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (layers[mid].span!.start <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return undefined;
  const layer = layers[found];
  const span = layer.span!;
  if (offset > span.end) return undefined;
  return {
    layer,
    nameSpan: layer.nameSpan,
    typeSpan: layer.typeSpan,
    keywordSpan: { start: span.start, end: span.start + (text.startsWith('layers', span.start) ? 6 : 5) },
  };
}
