// Term values of one layer type's rows, one Float64Array per term, for the search's fast fitters.
import type { Dataset } from '../dataset';
import { FitError } from '../dataset';
import { type Term, evaluateTerm, parseTerm } from '../../terms';

export interface TermColumns {
  terms: Term[];
  columns: Float64Array[];
}

/**
 * Evaluates terms on `rows` (dataset indexes). Terms that are not finite in some row, or that do not
 * vary (a constant column is the intercept again), are left out and named in `dropped`.
 */
export function termColumns(dataset: Dataset, rows: readonly number[], texts: readonly string[]): TermColumns & { dropped: string[] } {
  const index = new Map(dataset.features.map((f, i) => [f, i] as [string, number]));
  const terms: Term[] = [];
  const columns: Float64Array[] = [];
  const dropped: string[] = [];
  const seen = new Set<string>();
  for (const text of texts) {
    const term = parseTerm(text);
    if ('error' in term) throw new FitError(term.error);
    if (seen.has(term.text)) continue;
    seen.add(term.text);
    const col = new Float64Array(rows.length);
    let ok = true;
    for (let k = 0; k < rows.length && ok; k++) {
      const values = dataset.rows[rows[k]].values;
      const v = evaluateTerm(term, (name) => {
        const i = index.get(name);
        return i === undefined ? undefined : values[i];
      });
      if (v.ok && Number.isFinite(v.value)) col[k] = v.value;
      else ok = false;
    }
    if (!ok || col.every((x) => x === col[0])) {
      dropped.push(term.text);
      continue;
    }
    terms.push(term);
    columns.push(col);
  }
  return { terms, columns, dropped };
}
