// Escaping for every string from a file, a board or a user that goes into markdown (hovers, the
// Campaigns view tooltips, reports), so a crafted layer name shows as text: no links, images,
// headings, HTML, table cells or fake lines. Imported by server, client and CLI alike.

/** Longest user string shown in markdown; longer ones are cut with an ellipsis. */
export const MARKDOWN_TEXT_LIMIT = 200;

/**
 * The punctuation that can start markdown syntax: emphasis, code, links and images, headings, lists,
 * tables, HTML and entities, theme icons (`$(…)`), and the `.` `:` `@` of autolinks (a `.` between
 * digits stays, so numbers read as numbers).
 */
const PUNCTUATION = /[\\`*_{}[\]()#+\-!|<>~&:=@$]|(?<!\d)\.|\.(?!\d)/g;

/** Line breaks and other control characters (including NUL) become a space: one line stays one line. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/g;

function bounded(text: string, limit: number): string {
  const flat = String(text).replace(CONTROL, ' ');
  return flat.length > limit ? `${flat.slice(0, limit)}…` : flat;
}

/** `text` as literal markdown text (also safe inside a table cell), at most `limit` characters. */
export function escapeMarkdown(text: string, limit = MARKDOWN_TEXT_LIMIT): string {
  return bounded(text, limit).replace(PUNCTUATION, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`));
}

/**
 * `text` for a plain-text title that renders theme icons (a CodeLens, a status bar item): one line,
 * no `$(…)` icon syntax, at most `limit` characters.
 */
export function plainTitle(text: string, limit = 64): string {
  return bounded(text, limit).replace(/\$\(/g, '');
}

/**
 * `text` as an inline code span: the fence is longer than any backtick run inside, so the text cannot
 * close it; `|` is escaped for table cells (GFM removes that backslash before the code span is read).
 */
export function markdownCode(text: string, options: { inTable?: boolean; limit?: number } = {}): string {
  let body = bounded(text, options.limit ?? MARKDOWN_TEXT_LIMIT);
  let longest = 0;
  for (const run of body.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  if (options.inTable) body = body.replace(/\|/g, '\\|');
  const pad = body.startsWith('`') || body.endsWith('`') || body.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}
