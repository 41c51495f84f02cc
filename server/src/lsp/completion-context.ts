// What the text just before the cursor asks to complete, read by a backward scan over a bounded
// window: regexes anchored at the end (`\w*$`) backtrack quadratically on long word runs, and a
// 60,000-character name or a 1 MB line must not freeze the server.

/** How far back from the cursor the context is read; longer partial words complete nothing. */
export const CONTEXT_WINDOW = 1024;

export type CompletionContext = { kind: 'value'; field: string; partial: string; quoted: boolean } | { kind: 'name'; partial: string };

const isWord = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10 || c === 12 || c === 11;
/** Characters of a value being typed: `\w`, `.` and `-`. */
const isValueChar = (c: number): boolean => isWord(c) || c === 46 || c === 45;
const isQuote = (c: number): boolean => c === 34 || c === 39;

/**
 * `field: partial` (a value) or a field name started at the beginning of the line or after
 * `{ ; , <`; undefined when neither, or when the context is longer than the window.
 */
export function completionContext(linePrefix: string): CompletionContext | undefined {
  const end = linePrefix.length;
  const floor = Math.max(0, end - CONTEXT_WINDOW);
  return valueContext(linePrefix, end, floor) ?? nameContext(linePrefix, end, floor);
}

function skipBack(text: string, from: number, floor: number, accept: (c: number) => boolean): number {
  let i = from;
  while (i > floor && accept(text.charCodeAt(i - 1))) i--;
  return i;
}

function valueContext(text: string, end: number, floor: number): CompletionContext | undefined {
  const partialStart = skipBack(text, end, floor, isValueChar);
  let i = partialStart;
  const quoted = i > floor && isQuote(text.charCodeAt(i - 1));
  if (quoted) i--;
  i = skipBack(text, i, floor, isSpace);
  if (i <= floor || text.charCodeAt(i - 1) !== 58 /* : */) return undefined;
  const nameEnd = skipBack(text, i - 1, floor, isSpace);
  const runStart = skipBack(text, nameEnd, floor, isWord);
  if (runStart === floor && floor > 0) return undefined; // the name runs past the window
  // The field name is the longest tail of the word run that starts with a letter or `_`.
  let nameStart = runStart;
  while (nameStart < nameEnd && isDigit(text.charCodeAt(nameStart))) nameStart++;
  if (nameStart === nameEnd) return undefined;
  return { kind: 'value', field: text.slice(nameStart, nameEnd), partial: text.slice(partialStart, end), quoted };
}

function nameContext(text: string, end: number, floor: number): CompletionContext | undefined {
  const start = skipBack(text, end, floor, isWord);
  if (start === floor && floor > 0) return undefined; // the word runs past the window
  if (start < end && isDigit(text.charCodeAt(start))) return undefined; // not an identifier
  const before = skipBack(text, start, floor, isSpace);
  if (before === 0) return { kind: 'name', partial: text.slice(start, end) }; // start of the line
  if (before === floor) return undefined; // only spaces in the window: cannot tell, offer nothing
  const c = text.charCodeAt(before - 1);
  return c === 123 || c === 59 || c === 44 || c === 60 /* { ; , < */ ? { kind: 'name', partial: text.slice(start, end) } : undefined;
}
