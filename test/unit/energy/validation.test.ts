// Metrics as defined (per-layer MAPE/RMSPE, log spread, whole-network error and accuracy) and the
// validation schemes (leave-one-network-out, seeded k-fold, held-out split).
import { strict as assert } from 'assert';
import { layerMetrics, networkMetrics } from '../../../server/src/energy/fit/metrics';
import { fitDataset, parseCvScheme } from '../../../server/src/energy/fit/engine';
import { dealIntoFolds } from '../../../server/src/energy/fit/rng';
import { dataset, lcg } from './helpers';

describe('energy fit: metrics', () => {
  it('computes MAPE, RMSPE and the log spread by their definitions', () => {
    const measured = [10, 20, 40, 50];
    const predicted = [11, 18, 40, 75];
    const m = layerMetrics(measured, predicted);
    // relative errors: +0.1, −0.1, 0, +0.5
    assert.ok(Math.abs(m.mape - (100 * (0.1 + 0.1 + 0 + 0.5)) / 4) < 1e-12);
    assert.ok(Math.abs(m.rmspe - 100 * Math.sqrt((0.01 + 0.01 + 0 + 0.25) / 4)) < 1e-12);
    const logs = [Math.log(10 / 11), Math.log(20 / 18), 0, Math.log(50 / 75)];
    assert.ok(Math.abs(m.sigmaLog - Math.sqrt(logs.reduce((s, l) => s + l * l, 0) / 4)) < 1e-12);
    assert.equal(m.nonPositive, 0);
  });

  it('counts non-positive predictions apart instead of producing NaN', () => {
    const m = layerMetrics([10, 10], [-5, 10]);
    assert.equal(m.nonPositive, 1);
    assert.equal(m.sigmaLog, 0);
    assert.ok(Math.abs(m.mape - 75) < 1e-12);
  });

  it('computes whole-network relative error and accuracy = 100 % − mean error', () => {
    const groups = ['a', 'a', 'b', 'b', 'b'];
    const measured = [10, 30, 5, 5, 10];
    const predicted = [12, 32, 5, 4, 10];
    const n = networkMetrics(groups, measured, predicted)!;
    // a: |44 − 40| / 40 = 10 %; b: |19 − 20| / 20 = 5 %
    assert.deepEqual(
      n.networks.map((x) => [x.group, x.layers, x.measured, x.predicted]),
      [
        ['a', 2, 40, 44],
        ['b', 3, 20, 19],
      ],
    );
    assert.ok(Math.abs(n.meanErrorPct - 7.5) < 1e-12);
    assert.ok(Math.abs(n.accuracyPct - 92.5) < 1e-12);
    assert.equal(networkMetrics([undefined, undefined], [1, 2], [1, 2]), null);
  });
});

describe('energy fit: validation schemes', () => {
  const rand = lcg(21);
  const nets = ['alexnet', 'googlenet', 'squeezenet', 'vgg'];
  const rows = nets.flatMap((group, g) =>
    Array.from({ length: 6 }, (_, i) => {
      const macs = 1e6 * (1 + i + 3 * g + rand());
      return { x: [macs], y: 2e-6 * macs * (1 + 0.2 * (rand() - 0.5)), group };
    }),
  );
  const ds = dataset(['macs'], rows);

  it('leave-one-network-out predicts each network from a fit on the others only', () => {
    const r = fitDataset(ds, { family: 'layer-type', method: 'ols', features: ['macs'] }, { cv: { kind: 'loo-network' } });
    assert.equal(r.cv!.scheme, 'leave-one-network-out');
    assert.equal(r.cv!.folds, 4);
    assert.equal(r.cv!.predicted, rows.length);
    for (const held of nets) {
      const train = rows.filter((x) => x.group !== held);
      const slope = train.reduce((s, x) => s + x.x[0] * x.y, 0) / train.reduce((s, x) => s + x.x[0] ** 2, 0);
      rows.forEach((x, i) => {
        if (x.group === held) assert.ok(Math.abs(r.cv!.predictions[i] - slope * x.x[0]) < 1e-9 * x.y, `${held} row ${i}`);
      });
    }
    assert.deepEqual(
      r.cv!.network!.networks.map((n) => n.group),
      nets,
    );
    const expectedMape = layerMetrics(
      rows.map((x) => x.y),
      Array.from(r.cv!.predictions),
    ).mape;
    assert.ok(Math.abs(r.cv!.layers.mape - expectedMape) < 1e-12);
  });

  it('k-fold is a seeded partition: same seed, same folds; another seed, other folds', () => {
    const items = Array.from({ length: 23 }, (_, i) => i);
    const a = dealIntoFolds(items, 5, 42);
    const b = dealIntoFolds(items, 5, 42);
    const c = dealIntoFolds(items, 5, 43);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.deepEqual(
      a.flat().sort((x, y) => x - y),
      items,
      'every item exactly once',
    );
    assert.ok(a.every((f) => f.length === 4 || f.length === 5));
    const r1 = fitDataset(ds, { family: 'layer-type', method: 'relative', features: ['macs'] }, { cv: parseCvScheme('kfold:4'), seed: 9 });
    const r2 = fitDataset(ds, { family: 'layer-type', method: 'relative', features: ['macs'] }, { cv: parseCvScheme('kfold:4'), seed: 9 });
    assert.deepEqual(Array.from(r1.cv!.predictions), Array.from(r2.cv!.predictions));
    assert.equal(r1.cv!.scheme, 'kfold:4 (seed 9)');
  });

  it('a held-out split tests only the held-out fraction', () => {
    const r = fitDataset(ds, { family: 'layer-type', method: 'ols', features: ['macs'] }, { cv: parseCvScheme('holdout:0.25'), seed: 3 });
    assert.equal(r.cv!.predicted, 6);
    assert.equal(Array.from(r.cv!.predictions).filter((p) => !Number.isNaN(p)).length, 6);
  });

  it('reports rows of a type missing from the training folds as unpredicted', () => {
    const mixed = dataset(['macs'], [...rows.slice(0, 12), { x: [1e6], y: 5, type: 'Pooling', group: 'alexnet' }]);
    const r = fitDataset(mixed, { family: 'layer-type', method: 'ols', features: ['macs'] }, { cv: { kind: 'loo-network' } });
    assert.equal(r.cv!.unpredicted, 1);
    assert.ok(Number.isNaN(r.cv!.predictions[12]));
  });

  it('uses out-of-sample residuals for the spread when validated', () => {
    const r = fitDataset(ds, { family: 'layer-type', method: 'ols', features: ['macs'] }, { cv: { kind: 'loo-network' } });
    assert.equal(r.subModels[0].sigmaLog, r.cv!.calibratedSigmaLogPerType.Convolution);
    assert.match(r.subModels[0].sigmaFrom, /90th percentile of leave-one-network-out/);
    const plain = fitDataset(ds, { family: 'layer-type', method: 'ols', features: ['macs'] });
    assert.match(plain.subModels[0].sigmaFrom, /in-sample/);
    assert.ok(plain.subModels[0].sigmaLog > plain.subModels[0].inSample.sigmaLog, 'degrees-of-freedom correction widens it');
  });

  it('rejects unknown validation names with the accepted list', () => {
    assert.throws(() => parseCvScheme('kfold:1'), /at least 2/);
    assert.throws(() => parseCvScheme('holdout:1.5'), /between 0 and 1/);
    assert.throws(() => parseCvScheme('bootstrap'), /loo-network, kfold:K, holdout:F or loo/);
  });

  it('leave-one-network-out without groups says which option is missing', () => {
    const noGroups = dataset(
      ['macs'],
      [
        { x: [1], y: 1 },
        { x: [2], y: 2 },
      ],
    );
    assert.throws(
      () => fitDataset(noGroups, { family: 'layer-type', method: 'ols', features: ['macs'] }, { cv: { kind: 'loo-network' } }),
      /--group-column/,
    );
  });
});
