// Benchmark of the model search on the real TX2 convolution sweeps (5,000 rows each, 10-fold, seed 1,
// models of up to 8 parameters). Targets (issue 16): held-out per-layer MAPE at ≤ 8 parameters CPU ≤ 14 %,
// GPU ≤ 26 %; one sweep searched in < 20 s. Baseline, measured in the same process on the same folds:
// the relative-error fit of MACs, input, output and weight elements plus an intercept (5 parameters).
//   node out/test/bench/search-bench.js      (after `npm run build`)
//   node -r tsx/cjs -r ./test/unit/setup.js test/bench/search-bench.ts
import * as fs from 'fs';
import * as path from 'path';
import { loadTx2Sweep } from '../../scripts/fit-builtin-models';
import { fitDataset } from '../../server/src/energy/fit/engine';
import { importCsv } from '../../server/src/energy/fit/csv';
import { searchModels } from '../../server/src/energy/fit/search/search';
import { frontierFormula, frontierTable } from '../../server/src/energy/fit/search/frontier-table';
import { DATA, SHARED } from '../unit/shared-paths';

const TARGET_SECONDS = 20;
const TARGET_MAPE = { cpu: 14, gpu: 26 };
const COLUMNS = [
  ['wh_in', 'heightIn'],
  ['c_in', 'channelsIn'],
  ['k', 'kernelH'],
  ['c_out', 'channelsOut'],
  ['h_out', 'heightOut'],
  ['macs', 'macs'],
].map(([column, name]) => ({ column, name }));

export async function benchSearch(): Promise<string[]> {
  const lines: string[] = [];
  for (const device of ['cpu', 'gpu'] as const) {
    const file = path.join(DATA, `tx2_${device}_conv_sweep.csv`);
    if (!fs.existsSync(file)) {
      lines.push(`search: ${file} not found (../shared absent): skipped`);
      continue;
    }
    const baselineStart = performance.now();
    const baseline = fitDataset(
      loadTx2Sweep(SHARED, device).dataset,
      { family: 'layer-type', method: 'relative', intercept: true, features: ['macs', 'inputElements', 'outputElements', 'params'] },
      { cv: { kind: 'kfold', k: 10 }, seed: 1 },
    );
    const baselineMs = performance.now() - baselineStart;
    const { dataset } = importCsv(fs.readFileSync(file, 'utf8'), { file: path.basename(file), target: 'energy_mJ', features: COLUMNS });
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    const report = searchModels(dataset, { maxParams: 8, cv: { kind: 'kfold', k: 10 }, seed: 1 });
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = process.cpuUsage(cpu0).user / 1e6;
    const t = report.types[0];
    const best = t.front[t.front.length - 1];
    const base = baseline.cv!.layers.mape;
    lines.push(
      `search: TX2 ${device.toUpperCase()} sweep, ${dataset.rows.length} rows, ${report.validation}: ${seconds.toFixed(1)} s wall (${cpuSeconds.toFixed(1)} s CPU; target < ${TARGET_SECONDS} s) ${seconds < TARGET_SECONDS ? 'OK' : 'SLOW'}`,
    );
    lines.push(
      `search: best at ≤ 8 parameters: ${best.complexity} parameters, ${best.label}, held-out MAPE ${best.errors.mape.toFixed(1)} % ` +
        `(target ≤ ${TARGET_MAPE[device]} %) ${best.errors.mape <= TARGET_MAPE[device] ? 'OK' : 'MISSED'}; ` +
        `baseline relative MACs+in+out+params+intercept (5 parameters) ${base.toFixed(1)} % in ${baselineMs.toFixed(0)} ms: ratio ${(best.errors.mape / base).toFixed(2)}`,
    );
    lines.push(`search: best model: ${frontierFormula(best)}`);
    lines.push(frontierTable(t));
  }
  return lines;
}

if (require.main === module) {
  benchSearch().then(
    (lines) => {
      for (const line of lines) console.log(line);
    },
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
