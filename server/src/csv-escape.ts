// Text cells of every CSV export (CLI `predict --csv`, the refit panel's predictions export): a cell
// from a file or board that starts like a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'` so a
// spreadsheet shows it as text (OWASP CSV injection guidance), then RFC 4180 quoting where needed.
// Numbers are written by the caller as numbers and never pass through here.

const FORMULA_START = /^[=+\-@\t\r]/;

/** One text cell, safe to open in a spreadsheet; plain names stay plain. */
export function csvTextCell(value: string): string {
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}
