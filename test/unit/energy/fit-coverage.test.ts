// Plain `fit` (no --search) measures and prints how often its 90 % intervals (ŷ ×/÷ exp(1.645 σ), σ per
// layer type) cover held-out rows, cross-fitted like the search's coverage: each fold's rows are judged
// by a σ computed without them.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fit } from '../../../server/src/cli/fit';
import { fitDataset } from '../../../server/src/energy/fit/engine';
import type { FitSpec } from '../../../server/src/energy/fit/spec';
import { dataset, lcg } from './helpers';

function sweep(seed: number, noise: (gauss: () => number, rand: () => number) => number, n = 2000) {
  const rand = lcg(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return Array.from({ length: n }, () => {
    const x = 1e4 * 10 ** (2 * rand());
    return { x: [x], y: 3e-6 * x * Math.exp(noise(gauss, rand)) };
  });
}

describe('interval coverage of plain fit', () => {
  it('measures about 90 % for log-normal and for heavy-tailed errors (measured, not assumed)', () => {
    const spec: FitSpec = { family: 'layer-type', method: 'log', features: ['macs'] };
    const normal = fitDataset(
      dataset(
        ['macs'],
        sweep(5, (g) => 0.3 * g()),
      ),
      spec,
      { cv: { kind: 'kfold', k: 10 } },
    );
    assert.ok(Math.abs(normal.cv!.coverage90 - 0.9) < 0.02, `normal errors: coverage ${normal.cv!.coverage90}`);
    assert.equal(normal.cv!.coverage90PerType.Convolution, normal.cv!.coverage90);
    // 90 % of rows within ±5 %, 10 % wildly off: an RMS σ would be inflated by the tail and over-cover;
    // the percentile-calibrated width still covers 90 %, and is narrower than the RMS one.
    const heavy = fitDataset(
      dataset(
        ['macs'],
        sweep(6, (g, r) => (r() < 0.9 ? 0.05 : 2) * g()),
      ),
      spec,
      { cv: { kind: 'kfold', k: 10 } },
    );
    assert.ok(Math.abs(heavy.cv!.coverage90 - 0.9) < 0.03, `heavy tails: coverage ${heavy.cv!.coverage90}`);
    assert.ok(
      heavy.subModels[0].sigmaLog < heavy.cv!.perType.Convolution.sigmaLog,
      `heavy tails: calibrated σ ${heavy.subModels[0].sigmaLog} is not below the RMS σ ${heavy.cv!.perType.Convolution.sigmaLog}`,
    );
    // A holdout split (one judged fold) is judged in two halves.
    const holdout = fitDataset(
      dataset(
        ['macs'],
        sweep(7, (g) => 0.3 * g()),
      ),
      spec,
      { cv: { kind: 'holdout', fraction: 0.5 } },
    );
    assert.ok(Math.abs(holdout.cv!.coverage90 - 0.9) < 0.03, `holdout: coverage ${holdout.cv!.coverage90}`);
  });

  it('is printed by energy-lens fit, in text and JSON', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'energy-fit-coverage-'));
    try {
      const rows = sweep(8, (g) => 0.3 * g(), 400);
      fs.writeFileSync(path.join(dir, 'sweep.csv'), `macs,energy_mJ\n${rows.map((r) => `${r.x[0]},${r.y}`).join('\n')}\n`);
      const run = async (args: string[]) => {
        let stdout = '';
        const code = await fit(args, { stdout: (t) => void (stdout += t), stderr: () => undefined, cwd: dir });
        assert.equal(code, 0);
        return stdout;
      };
      const text = await run(['sweep.csv', '--method', 'log', '--cv', 'kfold:10']);
      const m = /measured coverage of the 90 % intervals on held-out rows: ([0-9.]+) %/.exec(text);
      assert.ok(m, text);
      assert.match(text, /Convolution: .*90 % interval ×\/÷ [0-9.]+, covering [0-9.]+ % of held-out rows/);
      const json = JSON.parse(await run(['sweep.csv', '--method', 'log', '--cv', 'kfold:10', '--json']));
      const coverage = json.models[0].cv.coverage90;
      assert.equal(typeof coverage, 'number');
      assert.ok(Math.abs(coverage - 0.9) < 0.05, `coverage ${coverage}`);
      assert.equal((100 * coverage).toFixed(1), m[1]);
      assert.equal(json.models[0].cv.coverage90PerType.Convolution, coverage);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
