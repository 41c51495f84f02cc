// `# energy-lens: input 1,3,227,227` (or `# energy-lens: input data 1,3,227,227`, naming the blob):
// a comment that tells the analysis an input shape the file cannot (Data layers read it from a database).
// Being a comment, Caffe ignores it.
import type { ParsedDocument, Span } from '../text/ast';
import type { Problem, QuickFix } from '../problem';

export interface InputDirective {
  /** Blob (top) name, or undefined for "the first input". */
  blob?: string;
  shape: number[];
  span: Span;
}

const DIRECTIVE = /^\s*energy-lens\s*:\s*input\b\s*(.*?)\s*$/;
const DIMS = /^\d+(?:\s*[,x]\s*\d+)*$/;

export function parseInputDirectives(doc: ParsedDocument): { directives: InputDirective[]; problems: Problem[] } {
  const directives: InputDirective[] = [];
  const problems: Problem[] = [];
  for (const comment of doc.comments) {
    const match = DIRECTIVE.exec(comment.text);
    if (!match) continue;
    const rest = match[1];
    let blob: string | undefined;
    let dims = rest;
    const space = rest.search(/\s/);
    if (!DIMS.test(rest) && space > 0) {
      blob = rest.slice(0, space);
      dims = rest.slice(space).trim();
    }
    const shape = DIMS.test(dims) ? dims.split(/\s*[,x]\s*/).map(Number) : [];
    if (shape.length === 0 || shape.some((d) => !(d > 0))) {
      problems.push({
        severity: 'warning',
        code: 'invalid-directive',
        message: `Cannot read this input directive; write it as '# energy-lens: input 1,3,224,224' or '# energy-lens: input data 1,3,224,224' (positive integers, N first).`,
        span: comment.span,
      });
      continue;
    }
    directives.push({ blob, shape, span: comment.span });
  }
  return { directives, problems };
}

export function directiveText(shape: number[], blob?: string): string {
  return `# energy-lens: input ${blob ? `${blob} ` : ''}${shape.join(',')}`;
}

/**
 * A quick fix inserting the directive on its own line above `at` (a layer's start). With the document
 * text the new line gets the layer's indentation; without it the comment goes right before the layer.
 */
export function insertDirectiveFix(
  title: string,
  at: number,
  shape: number[],
  blob: string | undefined,
  text?: string,
  preferred?: boolean,
): QuickFix {
  let start = at;
  let indent = '';
  if (text !== undefined) {
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    const before = text.slice(lineStart, at);
    if (/^[ \t]*$/.test(before)) {
      start = lineStart;
      indent = before;
    }
  }
  const newText =
    text !== undefined && start !== at ? `${indent}${directiveText(shape, blob)}\n` : `${directiveText(shape, blob)}\n${indent}`;
  return { title, edits: [{ span: { start, end: start }, newText }], preferred };
}
