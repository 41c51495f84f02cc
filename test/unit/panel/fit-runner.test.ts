// Fits off the panel's message loop: in-process (yielding first) and in a worker thread (the
// worker entry bundled by esbuild, as the extension's build would), with cancellation.
import { strict as assert } from 'assert';
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FitError } from '../../../server/src/energy/fit/dataset';
import { fitDataset } from '../../../server/src/energy/fit/engine';
import { CancelledError, InProcessFitRunner, WorkerFitRunner, createFitRunner } from '../../../client/src/panel/fit-runner';
import { lawDataset } from './panel-data';

const dataset = lawDataset({ rows: 60, groups: 3, noise: 0.2 });
const job = {
  datasetKey: 'law#1',
  dataset,
  spec: { family: 'layer-type' as const, method: 'relative' as const, features: ['macs'] },
  options: { cv: { kind: 'loo-network' as const } },
};

describe('refit panel: fit runners', () => {
  it('in-process: the same report as the engine, and cancellation of a queued fit', async () => {
    const runner = new InProcessFitRunner();
    const report = await runner.fit(job);
    const direct = fitDataset(dataset, job.spec, job.options);
    assert.deepEqual(
      report.subModels.map((m) => m.coefficients),
      direct.subModels.map((m) => m.coefficients),
    );
    const queued = runner.fit(job);
    runner.cancel();
    await assert.rejects(queued, CancelledError);
    assert.equal(createFitRunner(undefined).kind, 'in-process');
    assert.equal(createFitRunner('/nonexistent/refit-worker.js').kind, 'in-process');
  });

  describe('worker thread', () => {
    let dir: string;
    let workerFile: string;
    before(async function () {
      this.timeout(60_000);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refit-worker-'));
      workerFile = path.join(dir, 'refit-worker.js');
      await esbuild.build({
        entryPoints: [path.resolve(__dirname, '../../../client/src/panel/fit-worker.ts')],
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        outfile: workerFile,
        logLevel: 'error',
      });
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('fits in the worker: same coefficients and held-out predictions, dataset sent once', async () => {
      const runner = createFitRunner(workerFile);
      assert.equal(runner.kind, 'worker');
      try {
        const report = await runner.fit(job);
        const direct = fitDataset(dataset, job.spec, job.options);
        assert.deepEqual(
          report.subModels.map((m) => m.coefficients),
          direct.subModels.map((m) => m.coefficients),
        );
        assert.ok(report.cv!.predictions instanceof Float64Array, 'typed arrays survive the thread boundary');
        assert.deepEqual(Array.from(report.cv!.predictions), Array.from(direct.cv!.predictions));
        // A second fit on the same dataset key: the worker uses the dataset it holds.
        const lasso = await runner.fit({ ...job, spec: { ...job.spec, method: 'lasso' } });
        assert.equal(lasso.spec.method, 'lasso');
      } finally {
        runner.dispose();
      }
    });

    it('searches in the worker: the same frontier as in-process, after a fit on the same dataset', async () => {
      const runner = createFitRunner(workerFile);
      const searchJob = { datasetKey: job.datasetKey, dataset, options: { maxParams: 3, cv: { kind: 'kfold' as const, k: 5 }, seed: 1 } };
      try {
        await runner.fit(job);
        const viaWorker = await runner.search(searchJob);
        const direct = await new InProcessFitRunner().search(searchJob);
        const summary = (r: typeof direct) =>
          r.types.map((t) => t.front.map((m) => [m.complexity, m.terms, m.coefficients, m.errors.mape]));
        assert.ok(direct.types[0].front.length > 0);
        assert.deepEqual(summary(viaWorker), summary(direct));
      } finally {
        runner.dispose();
      }
    });

    it('reports engine errors as FitError, and recovers after a cancelled fit', async () => {
      const runner = new WorkerFitRunner(workerFile);
      try {
        const noGroups = lawDataset({ rows: 10 });
        await assert.rejects(
          runner.fit({ ...job, datasetKey: 'plain#1', dataset: noGroups }),
          (e: unknown) => e instanceof FitError && /leave-one-network-out needs a network/.test(e.message),
        );
        const big = lawDataset({ rows: 3000, groups: 10, noise: 0.3 });
        const slow = runner.fit({
          datasetKey: 'big#1',
          dataset: big,
          spec: { family: 'individual', method: 'lasso', features: ['macs', 'channelsIn'], degree: 3 },
          options: { cv: { kind: 'loo-network' } },
        });
        runner.cancel();
        await assert.rejects(slow, CancelledError);
        const after = await runner.fit(job);
        assert.equal(after.subModels.length, 2, 'a fresh worker takes the next fit');
      } finally {
        runner.dispose();
      }
    });
  });
});
