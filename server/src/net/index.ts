// Network analysis API: a parsed prototxt -> layers with Caffe-exact shapes, per-layer features,
// totals and graph problems; plus blob/layer navigation for the editor.
import type { ParsedDocument } from '../text/ast';
import { parse } from '../text/parser';
import type { AnalyzeOptions, NetAnalysis } from './types';
import { buildAnalysis, buildAnalysisSteps } from './build';

export { runToEnd } from './build';

export type * from './types';
export { NavigationIndex, buildNavigationIndex, definitionOf, referencesOf, renameEdits } from './navigation';
export type { NavSymbol } from './navigation';
export { directiveText } from './directive';

/**
 * Analyse a parsed document. Pass the document `text` too when available: quick fixes then insert
 * directive comments with the right indentation.
 */
export function analyzeDocument(doc: ParsedDocument, options?: AnalyzeOptions, text?: string): NetAnalysis {
  return buildAnalysis(doc, options ?? {}, text);
}

/** `analyzeDocument` in steps (see `buildAnalysisSteps`): for callers that must stay responsive. */
export function analyzeDocumentSteps(doc: ParsedDocument, options?: AnalyzeOptions, text?: string): Generator<void, NetAnalysis> {
  return buildAnalysisSteps(doc, options ?? {}, text);
}

/** Parse and analyse; syntax errors are the parser's to report (see `parse(text).errors`). */
export function analyzeText(text: string, options?: AnalyzeOptions): NetAnalysis {
  return buildAnalysis(parse(text), options ?? {}, text);
}
