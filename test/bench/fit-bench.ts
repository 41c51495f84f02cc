// Benchmark of the fitting engine. Target: 10,000 rows, degree-3 individual-layer model (Lasso,
// relative weighting; 60 candidate terms from 5 hyper-parameters), 10-fold cross-validation with the
// penalty chosen by the folds, in under 2 s. Data: synthetic convolution rows shaped like the TX2
// sweeps (always available); also the real TX2 GPU+CPU sweeps (10,000 rows) when ../shared exists.
//   node out/test/bench/fit-bench.js      (after `npm run build`)
//   node -r tsx/cjs -r ./test/unit/setup.js test/bench/fit-bench.ts
import * as fs from 'fs';
import * as path from 'path';
import type { Dataset } from '../../server/src/energy/fit/dataset';
import { fitDataset } from '../../server/src/energy/fit/engine';
import { concatDatasets, importCsv } from '../../server/src/energy/fit/csv';
import type { FitSpec } from '../../server/src/energy/fit/spec';
import { DATA } from '../unit/shared-paths';

const TARGET_MS = 2000;
const FEATURES = ['wh_in', 'c_in', 'k', 'c_out', 'h_out'];
const SPEC: FitSpec = { family: 'individual', method: 'lasso', features: FEATURES, degree: 3, weighting: 'relative', seed: 1 };

/**
 * Conv layers shaped like the sweeps: a fixed overhead plus energy per weight-use and per element
 * (terms of degree ≤ 3, so the model family can represent them), with ±15 % multiplicative noise.
 */
export function syntheticConvRows(count: number, seed = 1): Dataset {
  let s = seed >>> 0;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const rows = Array.from({ length: count }, (_, i) => {
    const k = pick([1, 3, 5, 7, 11]);
    const wh = k + Math.floor(rand() * 90) + 10;
    const cin = 3 + Math.floor(rand() * 510),
      cout = 1 + Math.floor(rand() * 512),
      hout = wh - k + 1;
    const energy = (0.7 + 1e-3 * cin * cout * k + 3e-5 * wh * wh * cin + 7e-6 * hout * hout * cout) * Math.exp(0.3 * (rand() - 0.5));
    return { values: [wh, cin, k, cout, hout], target: energy, type: 'Convolution', source: { file: 'synthetic', line: i + 2 } };
  });
  return { features: FEATURES, target: 'energy_mJ', rows };
}

function timed(dataset: Dataset) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const report = fitDataset(dataset, SPEC, { cv: { kind: 'kfold', k: 10 }, seed: 1 });
  const wallMs = performance.now() - t0;
  const cpuMs = process.cpuUsage(cpu0).user / 1000;
  return { report, wallMs, cpuMs };
}

export async function benchFit(): Promise<string[]> {
  const lines: string[] = [];
  const synthetic = syntheticConvRows(10_000);
  const first = timed(synthetic);
  const second = timed(synthetic);
  const m = first.report.subModels[0];
  lines.push(
    `fit: 10,000 synthetic rows, individual degree 3 (${m.terms.length} terms) lasso (relative), 10-fold CV: ` +
      `${first.wallMs.toFixed(0)} ms first run (${first.cpuMs.toFixed(0)} ms CPU), ${second.wallMs.toFixed(0)} ms warm ` +
      `(target < ${TARGET_MS} ms) ${first.wallMs < TARGET_MS ? 'OK' : 'SLOW'}; complexity ${first.report.complexity}, ` +
      `held-out MAPE ${first.report.cv!.layers.mape.toFixed(1)} %`,
  );
  const files = ['tx2_gpu_conv_sweep.csv', 'tx2_cpu_conv_sweep.csv'].map((f) => path.join(DATA, f));
  if (files.every((f) => fs.existsSync(f))) {
    const real = concatDatasets(
      files.map(
        (file) =>
          importCsv(fs.readFileSync(file, 'utf8'), {
            file: path.basename(file),
            target: 'energy_mJ',
            features: FEATURES.map((column) => ({ column })),
          }).dataset,
      ),
    );
    const run = timed(real);
    lines.push(
      `fit: ${real.rows.length.toLocaleString('en-US')} real TX2 rows (GPU+CPU sweeps), same model: ${run.wallMs.toFixed(0)} ms ` +
        `(${run.cpuMs.toFixed(0)} ms CPU) ${run.wallMs < TARGET_MS ? 'OK' : 'SLOW'}; complexity ${run.report.complexity}, held-out MAPE ${run.report.cv!.layers.mape.toFixed(1)} %`,
    );
  } else {
    lines.push('fit: real TX2 sweeps not found (../shared absent): skipped');
  }
  return lines;
}

if (require.main === module) {
  benchFit().then(
    (lines) => {
      for (const line of lines) console.log(line);
    },
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
