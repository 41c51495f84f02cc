// Input shapes the file does not give: from AnalyzeOptions.inputShape or `# energy-lens: input` directive
// comments, with the batch applied; and the missing-input-shape problem with its quick fixes.
import type { ParsedDocument, Span } from '../text/ast';
import type { Problem } from '../problem';
import type { AnalyzeOptions, Shape } from './types';
import type { LayerDef, NetDefinition } from './model';
import { insertDirectiveFix, parseInputDirectives } from './directive';
import { shapeRule } from './layers/registry';
import { numberText } from './layers/context';
import { DATA_LAYER_TYPES } from './layer-types';

const GENERIC_INPUT: number[] = [1, 3, 224, 224];

/** Axis 0 is the batch: whatever the file or directive says, the analysis uses the chosen batch. */
export function withBatch(dims: number[], batch: number): Shape {
  return dims.length === 0 ? [...dims] : [batch, ...dims.slice(1)];
}

export interface Provided {
  /** Shape for blob `name` (named directive), or the first-input override when `isFirstInput`. */
  forBlob(name: string, isFirstInput: boolean): Shape | undefined;
  /** Whether a named directive covers `name`. */
  namedFirst(name: string): boolean;
  firstIsHeader: boolean;
  firstLayer?: LayerDef;
}

export function providedShapes(
  doc: ParsedDocument,
  def: NetDefinition,
  active: LayerDef[],
  options: AnalyzeOptions,
  batch: number,
  problems: Problem[],
): Provided {
  const { directives, problems: directiveProblems } = parseInputDirectives(doc);
  problems.push(...directiveProblems);
  const named = new Map<string, Shape>();
  let first: Shape | undefined;
  for (const d of directives) {
    if (d.blob) named.set(d.blob, withBatch(d.shape, batch));
    else first = withBatch(d.shape, batch);
  }
  if (options.inputShape) {
    const s = options.inputShape;
    if (s.length > 0 && s.every((x) => Number.isInteger(x) && x > 0)) first = withBatch(s, batch);
    else
      problems.push({
        severity: 'error',
        code: 'invalid-input-shape',
        span: { start: 0, end: 0 },
        message: `The input shape option ${s.map(numberText).join(',')} must be positive integers.`,
      });
  }
  const firstLayer =
    def.headerInputs.length > 0
      ? undefined
      : active.find((l) => l.bottoms.length === 0 && l.tops.length > 0 && (DATA_LAYER_TYPES.has(l.type) || !shapeRule(l.type)));

  // A named directive must name an input, or it silently does nothing.
  const inputNames = new Set<string>(def.headerInputs.map((h) => h.name));
  for (const l of def.layers) if (l.bottoms.length === 0) for (const t of l.tops) inputNames.add(t.name);
  for (const d of directives) {
    if (d.blob && !inputNames.has(d.blob)) {
      problems.push({
        severity: 'warning',
        code: 'invalid-directive',
        span: d.span,
        message: `No input or data-layer top is named '${d.blob}'; this directive has no effect.`,
      });
    }
  }
  return {
    forBlob: (name, isFirstInput) => named.get(name) ?? (isFirstInput ? first : undefined),
    namedFirst: (name) => named.has(name),
    firstIsHeader: def.headerInputs.length > 0,
    firstLayer,
  };
}

export function headerLineStart(doc: ParsedDocument): number {
  const f = doc.root.fields.find((x) => x.name === 'input');
  return f ? f.span.start : 0;
}

export function missingInputProblem(
  message: string,
  span: Span,
  insertAt: number,
  suggestion: number[],
  blob: string,
  named: boolean,
  text?: string,
): Problem {
  const name = named ? blob : undefined;
  const fixes = [];
  if (suggestion.length > 0) {
    fixes.push(insertDirectiveFix(`Analyse with input ${suggestion.join(',')} (from crop_size)`, insertAt, suggestion, name, text, true));
  }
  fixes.push(
    insertDirectiveFix(`Analyse with input ${GENERIC_INPUT.join(',')}`, insertAt, GENERIC_INPUT, name, text, suggestion.length === 0),
  );
  return { severity: 'warning', code: 'missing-input-shape', message, span, fixes };
}
