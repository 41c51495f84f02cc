// A deterministic sample of a real TX2 sweep (every k-th row), imported as the CLI imports it, so
// search tests run in seconds on real data. Read from ../shared, never copied.
import * as fs from 'fs';
import * as path from 'path';
import { importCsv } from '../../../../server/src/energy/fit/csv';
import type { Dataset } from '../../../../server/src/energy/fit/dataset';
import { DATA } from '../../shared-paths';

export const SWEEP_COLUMNS = [
  ['wh_in', 'heightIn'],
  ['c_in', 'channelsIn'],
  ['k', 'kernelH'],
  ['c_out', 'channelsOut'],
  ['h_out', 'heightOut'],
  ['macs', 'macs'],
].map(([column, name]) => ({ column, name }));

export const sweepFile = (device: 'cpu' | 'gpu') => path.join(DATA, `tx2_${device}_conv_sweep.csv`);
export const haveSweeps = () => fs.existsSync(sweepFile('cpu')) && fs.existsSync(sweepFile('gpu'));

export function sweepSample(device: 'cpu' | 'gpu', every: number): Dataset {
  const file = sweepFile(device);
  const { dataset } = importCsv(fs.readFileSync(file, 'utf8'), { file: path.basename(file), target: 'energy_mJ', features: SWEEP_COLUMNS });
  return { ...dataset, rows: dataset.rows.filter((_, i) => i % every === 0) };
}
