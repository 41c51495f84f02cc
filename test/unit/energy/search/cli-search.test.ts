// `energy-lens fit --search` in-process on a sample of a real sweep: the frontier table, JSON, a saved
// model the server loads, and clear messages for bad options.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fit } from '../../../../server/src/cli/fit';
import { loadModelFile } from '../../../../server/src/energy/load-model';
import { haveSweeps, sweepFile } from './sweep-sample';

async function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await fit(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd,
  });
  return { code, stdout, stderr };
}

const FEATURES = 'wh_in:heightIn,c_in:channelsIn,k:kernelH,c_out:channelsOut,h_out:heightOut,macs';

describe('energy-lens fit --search (CLI, real data sample)', function () {
  let dir: string;
  before(function () {
    if (!haveSweeps()) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'energy-search-cli-'));
    // A 600-row sample keeps the test quick; the full sweeps are in the benchmark.
    const lines = fs.readFileSync(sweepFile('cpu'), 'utf8').split('\n');
    const header = lines.findIndex((l) => l.startsWith('wh_in'));
    fs.writeFileSync(
      path.join(dir, 'sample.csv'),
      [lines[header], ...lines.slice(header + 1).filter((l, i) => l && i % 8 === 0)].join('\n'),
    );
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints the frontier as a table with held-out errors, coverage and a recommended model', async () => {
    const r = await run(['sample.csv', '--features', FEATURES, '--search', '--max-terms', '4'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /validation: kfold:10 \(seed 1\); models of up to 4 fitted parameters/);
    assert.match(r.stdout, /\| Params \| Family \| Held-out MAPE \| Median \| p90 \| 90 % interval \| Coverage \|/);
    assert.match(r.stdout, /recommended: \d parameters/);
    assert.match(r.stdout, /widthIn = heightIn \(the data records one size: square layers assumed\)/);
  });

  it('says latency (ms, t = …) for --quantity latency, energy (mJ, E = …) otherwise', async () => {
    const latency = await run(['sample.csv', '--features', FEATURES, '--search', '--max-terms', '3', '--quantity', 'latency'], dir);
    assert.equal(latency.code, 0, latency.stderr);
    assert.match(latency.stdout, /\| Model \(predicted latency, ms per layer\) \|/);
    assert.match(latency.stdout, /\| t = [^|]*\b[pnµm]?s\b/);
    assert.doesNotMatch(latency.stdout, /predicted energy|mJ|\| E = /);
    const json = JSON.parse(
      (await run(['sample.csv', '--features', FEATURES, '--search', '--max-terms', '3', '--quantity', 'latency', '--json'], dir)).stdout,
    );
    assert.equal(json.quantity, 'latency');
    assert.match(json.types[0].front[0].formula, /^t = .*\b[pnµm]?s\b/);
    const energy = await run(['sample.csv', '--features', FEATURES, '--search', '--max-terms', '3'], dir);
    assert.match(energy.stdout, /\| Model \(predicted energy, mJ per layer\) \|/);
    assert.match(energy.stdout, /\| E = [^|]*\b[pnµm]?J\b/);
  });

  it('prints JSON and saves the picked frontier model, which the server loads', async () => {
    const r = await run(
      ['sample.csv', '--features', FEATURES, '--search', '--max-terms', '4', '--json', '--out', 'm.json', '--pick', '3'],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    const front = json.types[0].front as Array<{ complexity: number; mape: number; coverage90: number }>;
    assert.ok(front.length >= 2);
    for (let i = 1; i < front.length; i++) assert.ok(front[i].mape < front[i - 1].mape);
    const loaded = loadModelFile(path.join(dir, 'm.json'));
    assert.ok('model' in loaded, 'error' in loaded ? loaded.error : '');
    const sub = loaded.model.subModels.Convolution;
    assert.equal(sub.metrics?.complexity, 3);
    assert.equal(sub.provenance.family, 'search');
    assert.ok(sub.metrics?.coverage90 !== undefined && Math.abs(sub.metrics.coverage90 - 0.9) < 0.05);
  });

  it('says what is wrong with bad options', async () => {
    const big = await run(['sample.csv', '--features', FEATURES, '--search', '--max-terms', '0'], dir);
    assert.equal(big.code, 2);
    assert.match(big.stderr, /--max-terms must be an integer from 1 to 40/);
    const none = await run(['sample.csv', '--features', FEATURES, '--search', '--cv', 'none'], dir);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--search scores every model on held-out rows/);
    const pick = await run(['sample.csv', '--features', FEATURES, '--search', '--max-terms', '3', '--out', 'x.json', '--pick', '9'], dir);
    assert.equal(pick.code, 1);
    assert.match(pick.stderr, /has no frontier model with 9 parameters \(the frontier has /);
    const renamed = await run(
      ['sample.csv', '--features', 'wh_in,c_in,k,c_out,h_out', '--search', '--max-terms', '3', '--out', 'y.json'],
      dir,
    );
    assert.equal(renamed.code, 1);
    assert.match(renamed.stderr, /is not a layer feature/);
  });
});
