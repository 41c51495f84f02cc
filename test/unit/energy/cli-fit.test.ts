// `energy-lens fit` in-process: JSON shape, bad-row reporting, writing a model the registry loads.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fit } from '../../../server/src/cli/fit';
import { loadModelFile } from '../../../server/src/energy/load-model';
import { lcg } from './helpers';

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

describe('energy-lens fit (CLI)', () => {
  let dir: string;
  const rand = lcg(99);
  const nets = ['alexnet', 'resnet', 'squeezenet', 'vgg'];
  const lines = ['network,layer,kind,macs,c_in,k,energy'];
  nets.forEach((net) => {
    for (let i = 0; i < 8; i++) {
      const c = 16 * (1 + Math.floor(rand() * 8)),
        k = [1, 3, 5][i % 3],
        macs = c * k * k * 1000 * (1 + Math.floor(rand() * 20));
      lines.push(`${net},conv${i},Convolution,${macs},${c},${k},${(3e-6 * macs * (1 + 0.1 * (rand() - 0.5))).toFixed(5)}`);
    }
    lines.push(`${net},pool,Pooling,0,64,3,${(2 + rand()).toFixed(3)}`);
  });
  lines.push('vgg,broken,Convolution,12x,3,3,1.0');

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'energy-fit-cli-'));
    fs.writeFileSync(path.join(dir, 'runs.csv'), `${lines.join('\n')}\n`);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints the JSON report: one entry per method with complexity, held-out errors and coefficients', async () => {
    const r = await run(
      [
        'runs.csv',
        '--target',
        'energy',
        '--type-column',
        'kind',
        '--group-column',
        'network',
        '--features',
        'macs',
        '--type-features',
        'Pooling=c_in',
        '--method',
        'ols,relative',
        '--json',
      ],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.validation, 'leave-one-network-out');
    assert.deepEqual(
      out.models.map((m: { method: string }) => m.method),
      ['ols', 'relative'],
    );
    for (const m of out.models) {
      assert.equal(m.family, 'layer-type');
      assert.equal(m.complexity, 2, 'one coefficient for conv, one for pooling');
      assert.ok(m.cv.mape > 0 && m.cv.mape < 20, String(m.cv.mape));
      assert.ok(m.cv.rmspe >= m.cv.mape);
      assert.ok(m.cv.networkAccuracy > 80 && m.cv.networkAccuracy <= 100, String(m.cv.networkAccuracy));
      assert.ok(Math.abs(m.coefficients.Convolution.terms.macs / 3e-6 - 1) < 0.05);
    }
    assert.deepEqual(out.badRows, [{ file: 'runs.csv', line: 38, message: "feature 'macs' is '12x', not a number" }]);
    assert.match(r.stderr, /runs\.csv:38: skipped: feature 'macs' is '12x', not a number/);
  });

  it('prints the comparison table and writes the best model as a loadable model file', async () => {
    const r = await run(
      [
        'runs.csv',
        '--target',
        'energy',
        '--type-column',
        'kind',
        '--group-column',
        'network',
        '--features',
        'macs',
        '--method',
        'ols,relative,log',
        '--out',
        'models/mine.json',
        '--platform',
        'lab/board/cpu',
      ],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\| Family \| Features \| Method \| Complexity \| Held-out MAPE \|/);
    assert.match(r.stdout, /\| layer-type \| macs \| relative \| 1 \|/);
    assert.match(r.stdout, /warning: Pooling: 'macs' is 0 in all 4 rows, so Pooling is not modelled/);
    assert.match(r.stdout, /best by held-out MAPE/);
    const loaded = loadModelFile(path.join(dir, 'models', 'mine.json'));
    assert.ok('model' in loaded, 'error' in loaded ? loaded.error : '');
    assert.equal(loaded.model.platform.id, 'lab/board/cpu');
    assert.deepEqual(Object.keys(loaded.model.subModels), ['Convolution']);
    assert.equal(loaded.model.subModels.Convolution.provenance.data![0].file, 'runs.csv');
    assert.equal(loaded.model.subModels.Convolution.metrics!.validation, 'leave-one-network-out');
  });

  it('fits the individual family from renamed hyper-parameter columns', async () => {
    const r = await run(
      [
        'runs.csv',
        '--target',
        'energy',
        '--type-column',
        'kind',
        '--features',
        'c_in:channelsIn,k:kernelH',
        '--family',
        'individual',
        '--degree',
        '2',
        '--method',
        'lasso',
        '--cv',
        'kfold:4',
        '--seed',
        '3',
        '--json',
      ],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.validation, 'kfold:4 (seed 3)');
    assert.equal(out.models[0].family, 'individual');
    assert.equal(out.models[0].degree, 2);
    assert.ok(Object.keys(out.models[0].coefficients.Convolution.terms).every((t: string) => /channelsIn|kernelH/.test(t)));
  });

  it('reports a method that cannot be fitted without stopping the others', async () => {
    fs.writeFileSync(path.join(dir, 'zero.csv'), 'macs,pad,energy\n1,0,1\n2,0,2\n3,0,3\n4,0,4\n');
    const r = await run(
      ['zero.csv', '--target', 'energy', '--features', 'macs,pad', '--method', 'ols,lasso', '--cv', 'none', '--json'],
      dir,
    );
    const out = JSON.parse(r.stdout);
    assert.equal(r.code, 0);
    assert.match(out.models.find((m: { method: string }) => m.method === 'ols').error, /'pad' is 0 in every row/);
    assert.ok(out.models.some((m: { method: string; complexity?: number }) => m.method === 'lasso' && m.complexity! >= 1));
  });

  it('explains usage errors with exit code 2', async () => {
    assert.equal((await run([], dir)).code, 2);
    const bad = await run(['runs.csv', '--method', 'magic'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown method 'magic'/);
    const individual = await run(['runs.csv', '--family', 'individual'], dir);
    assert.match(individual.stderr, /needs --features/);
    const missing = await run(['runs.csv', '--target', 'joules'], dir);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no target column 'joules'/);
  });
});
