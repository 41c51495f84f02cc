// What a row is called in tooltips and exports: the layer name when the source gave one, else
// where the row came from (file:line), else its position.
import * as path from 'path';
import type { Dataset } from '../../../server/src/energy/fit/dataset';

export function rowLabel(dataset: Dataset, index: number, rowLabels?: readonly string[]): string {
  const given = rowLabels?.[index];
  if (given) return given;
  const source = dataset.rows[index].source;
  return source ? `${path.basename(source.file)}:${source.line}` : `row ${index + 1}`;
}
