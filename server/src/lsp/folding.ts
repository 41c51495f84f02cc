// Folding: every message block that spans lines, and runs of consecutive comment lines.
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { MessageValue, ParsedDocument } from '../text/ast';

export function foldingRanges(document: TextDocument, parsed: ParsedDocument): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  // An explicit stack, not recursion: deeply nested text must not overflow the server's stack.
  const pending: MessageValue[] = [parsed.root];
  while (pending.length > 0) {
    const message = pending.pop()!;
    for (const field of message.fields) {
      const values = field.value?.kind === 'list' ? field.value.items : field.value ? [field.value] : [];
      for (const value of values) {
        if (value.kind !== 'message') continue;
        const startLine = document.positionAt(value.span.start).line;
        const endLine = document.positionAt(value.span.end).line;
        if (endLine > startLine)
          ranges.push({ startLine: document.positionAt(field.span.start).line, endLine: value.closed ? endLine - 1 : endLine });
        pending.push(value);
      }
    }
  }

  let runStart = -1;
  let previous = -2;
  const flush = (): void => {
    if (runStart >= 0 && previous > runStart) ranges.push({ startLine: runStart, endLine: previous, kind: FoldingRangeKind.Comment });
  };
  for (const comment of parsed.comments) {
    const line = document.positionAt(comment.span.start).line;
    const lineStart = document.offsetAt({ line, character: 0 });
    const ownLine = document.getText().slice(lineStart, comment.span.start).trim() === '';
    if (!ownLine) continue;
    if (line !== previous + 1) {
      flush();
      runStart = line;
    }
    previous = line;
  }
  flush();
  return ranges;
}
