// Chart series and figures built from a FitReport: measured vs predicted, residuals, the fitted
// curve per layer type, per-network totals, the coefficient table, and thinning for large data.
import { strict as assert } from 'assert';
import { coefficientWithUnit } from '../../../server/src/energy/formula';
import * as fs from 'fs';
import * as path from 'path';
import { fitDataset } from '../../../server/src/energy/fit/engine';
import { toEnergyModel } from '../../../server/src/energy/fit/to-model';
import { evaluateSubModel } from '../../../server/src/energy/evaluate';
import type { LayerFeatures } from '../../../server/src/net/types';
import { loadCsvText } from '../../../client/src/panel/csv-dataset';
import { buildFitView, candidatePoint, mainFeature } from '../../../client/src/panel/fit-view';
import { fittedValues } from '../../../client/src/panel/fitted-values';
import { DATA } from '../shared-paths';
import { lawDataset } from './panel-data';

const close = (a: number, b: number, rel = 1e-9) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300);

describe('refit panel: chart data from a fit', () => {
  it('puts an exact law on the y = x line, with zero residuals and the fitted curve through the points', () => {
    const dataset = lawDataset({ rows: 60, groups: 4 });
    const report = fitDataset(dataset, { family: 'layer-type', method: 'ols', features: ['macs'] }, { cv: { kind: 'kfold', k: 5 } });
    const view = buildFitView({ fitId: 7, datasetId: 'law', dataset, report });
    assert.equal(view.fitId, 7);
    assert.deepEqual(
      view.measuredVsPredicted.series.map((s) => s.type),
      ['Convolution', 'InnerProduct'],
    );
    assert.equal(view.measuredVsPredicted.total, 60);
    assert.equal(view.measuredVsPredicted.shown, 60);
    for (const s of view.measuredVsPredicted.series) for (const p of s.points) assert.ok(close(p.x, p.y, 1e-6), `${p.l}: ${p.x} vs ${p.y}`);
    for (const s of view.residuals.series) for (const p of s.points) assert.ok(Math.abs(p.y) < 1e-6, `residual ${p.y} %`);
    const conv = view.curves.find((c) => c.type === 'Convolution')!;
    assert.equal(conv.feature, 'macs');
    assert.ok(conv.curve && conv.curve.length > 10, 'a macs-only model has a curve');
    for (const p of conv.curve!) assert.ok(close(p.y, 2e-6 * p.x, 1e-6), `curve at ${p.x}: ${p.y}`);
    assert.equal(conv.xLog, true, 'MACs spanning decades get a log axis');
    assert.equal(view.metrics.from, 'held-out');
    assert.ok(view.metrics.mape! < 1e-6);
    assert.equal(view.metrics.networkAccuracy !== null && close(view.metrics.networkAccuracy, 100, 1e-6), true);
  });

  it('labels points with the row source and the network, and sums networks like the engine', () => {
    const dataset = lawDataset({ rows: 40, groups: 4, noise: 0.2 });
    const report = fitDataset(dataset, { family: 'layer-type', method: 'relative', features: ['macs'] }, { cv: { kind: 'loo-network' } });
    const labels = dataset.rows.map((_, i) => `layer${i}`);
    const view = buildFitView({ fitId: 1, datasetId: 'law', dataset, report, rowLabels: labels });
    const point = view.measuredVsPredicted.series[0].points[0];
    const row = dataset.rows.findIndex((r) => r.target === point.x);
    assert.equal(point.l, `layer${row}`);
    assert.equal(point.n, dataset.rows[row].group);
    assert.ok(close(point.y, report.cv!.predictions[row]), 'predicted is the held-out prediction');
    assert.deepEqual(
      view.networks!.map((n) => n.network),
      ['net0', 'net1', 'net2', 'net3'],
    );
    const net1 = dataset.rows.map((r, i) => [r, i] as const).filter(([r]) => r.group === 'net1');
    const measured = net1.reduce((s, [r]) => s + r.target, 0);
    const predicted = net1.reduce((s, [, i]) => s + report.cv!.predictions[i], 0);
    assert.ok(close(view.networks![1].measured, measured));
    assert.ok(close(view.networks![1].predicted, predicted));
    assert.ok(close(view.metrics.networkAccuracy!, report.cv!.network!.accuracyPct));
    assert.ok(close(view.metrics.mape!, report.cv!.layers.mape));
  });

  it('without validation reports in-sample figures from the fitted values', () => {
    const dataset = lawDataset({ rows: 30, noise: 0.1 });
    const report = fitDataset(dataset, { family: 'layer-type', method: 'ols', features: ['macs'] });
    const fitted = fittedValues(dataset, report);
    const view = buildFitView({ fitId: 2, datasetId: 'law', dataset, report, fitted });
    assert.equal(view.metrics.from, 'in-sample');
    assert.equal(view.metrics.validation, 'in-sample');
    assert.equal(view.networks, null, 'rows without networks have no per-network chart');
    assert.equal(view.metrics.networkAccuracy, null);
    const conv = report.subModels.find((m) => m.type === 'Convolution')!;
    assert.ok(close(view.metrics.mape!, (100 * dataset.rows.reduce((s, r, i) => s + Math.abs(fitted[i] - r.target) / r.target, 0)) / 30));
    assert.ok(close(view.subModels[0].mape!, conv.inSample.mape));
    assert.deepEqual(view.subModels[0].terms, [
      { term: 'macs', coefficient: conv.coefficients[0], withUnit: coefficientWithUnit('macs', conv.coefficients[0]) },
    ]);
    assert.match(view.subModels[0].terms[0].withUnit!, /^[0-9.]+ [fpnµm]?J per MAC$/);
  });

  it('gives a latency fit its unit: coefficients in seconds per MAC, the view marked latency', () => {
    const dataset = { ...lawDataset({ rows: 30, noise: 0.1 }), target: 'latency_ms' };
    const report = fitDataset(dataset, { family: 'layer-type', method: 'ols', features: ['macs'] });
    const view = buildFitView({ fitId: 3, datasetId: 'law', dataset, report, quantity: 'latency' });
    assert.equal(view.quantity, 'latency');
    assert.match(view.subModels[0].terms[0].withUnit!, /^[0-9.]+ [fpnµm]?s per MAC$/);
    assert.equal(buildFitView({ fitId: 4, datasetId: 'law', dataset, report }).quantity, 'energy');
  });

  it('says which layers the per-network bars leave out (types without a sub-model)', () => {
    const base = lawDataset({ rows: 40, groups: 4 });
    // ReLU rows: no MACs, so a MACs-only fit leaves ReLU unmodelled; they are in neither bar.
    const relu = Array.from({ length: 8 }, (_, i) => ({
      values: [0, 16],
      target: 0.05,
      type: 'ReLU',
      group: `net${i % 4}`,
      source: { file: 'law.csv', line: 100 + i },
    }));
    const dataset = { ...base, rows: [...base.rows, ...relu] };
    const report = fitDataset(dataset, { family: 'layer-type', method: 'ols', features: ['macs'] }, { cv: { kind: 'loo-network' } });
    const view = buildFitView({ fitId: 9, datasetId: 'law', dataset, report });
    for (const bar of view.networks!) {
      assert.equal(bar.leftOut, 2, bar.network);
      assert.deepEqual(bar.leftOutTypes, ['ReLU']);
      assert.equal(bar.layers, 10);
      const measuredModelled = base.rows.filter((r) => r.group === bar.network).reduce((t, r) => t + r.target, 0);
      assert.ok(close(bar.measured, measuredModelled), 'the measured bar covers the predicted layers only');
    }
  });

  it('draws fitted values instead of a curve when the model reads more than the main feature', () => {
    const dataset = lawDataset({ rows: 40, channelsCoefficient: 0.01, noise: 0.05 });
    const report = fitDataset(dataset, { family: 'layer-type', method: 'ols', features: ['macs', 'channelsIn'] });
    assert.equal(mainFeature(report, dataset), 'macs');
    const view = buildFitView({ fitId: 3, datasetId: 'law', dataset, report });
    for (const c of view.curves) {
      assert.equal(c.curve, null);
      assert.equal(c.fitted.length, c.total);
      for (const p of c.fitted)
        assert.ok(
          dataset.rows.some((r) => r.values[0] === p.x),
          "x is the row's MACs",
        );
    }
  });

  it('thins 10,000 rows to at most 2,000 points per chart but keeps every row counted', () => {
    const dataset = lawDataset({ rows: 10_000, groups: 20, noise: 0.3 });
    const report = fitDataset(dataset, { family: 'layer-type', method: 'relative', features: ['macs'] }, { cv: { kind: 'loo-network' } });
    const view = buildFitView({ fitId: 4, datasetId: 'big', dataset, report });
    const drawn = (s: { series: Array<{ points: unknown[] }> }) => s.series.reduce((n, x) => n + x.points.length, 0);
    assert.equal(view.measuredVsPredicted.total, 10_000);
    assert.ok(drawn(view.measuredVsPredicted) <= 2000 && drawn(view.measuredVsPredicted) > 500, `drawn ${drawn(view.measuredVsPredicted)}`);
    assert.equal(view.measuredVsPredicted.shown, drawn(view.measuredVsPredicted));
    assert.ok(drawn(view.residuals) <= 2000);
    for (const c of view.curves) assert.ok(c.measured.length <= 2000 && c.total === 5000);
    assert.equal(view.networks!.length, 20);
    // The view travels as JSON: no NaN may hide in it.
    assert.ok(!JSON.stringify(view).includes('NaN'));
    assert.deepEqual(JSON.parse(JSON.stringify(view.metrics)), view.metrics);
  });

  it('uses the log link for the log method (the curve is a power law)', () => {
    const dataset = lawDataset({ rows: 50, types: { Convolution: 3e-6 }, noise: 0.1 });
    const report = fitDataset(dataset, { family: 'layer-type', method: 'log', features: ['macs'] });
    const view = buildFitView({ fitId: 5, datasetId: 'law', dataset, report });
    const m = report.subModels[0];
    assert.equal(m.link, 'log');
    const curve = view.curves[0].curve!;
    for (const p of curve) assert.ok(close(p.y, Math.exp(m.intercept + m.coefficients[0] * Math.log(p.x)), 1e-9));
  });

  it('agrees with the editor: fitted values equal what the saved model predicts', () => {
    const text = fs.readFileSync(path.join(DATA, 'tx2_gpu_conv_sweep.csv'), 'utf8');
    const { dataset } = loadCsvText(text, {
      path: 'tx2_gpu_conv_sweep.csv',
      target: 'energy_mJ',
      features: [
        { column: 'c_in', name: 'channelsIn' },
        { column: 'k', name: 'kernelH' },
        { column: 'c_out', name: 'channelsOut' },
      ],
    });
    const small = { ...dataset, rows: dataset.rows.slice(0, 400) };
    const report = fitDataset(small, {
      family: 'individual',
      method: 'lasso',
      features: ['channelsIn', 'kernelH', 'channelsOut'],
      degree: 2,
    });
    const fitted = fittedValues(small, report);
    const model = toEnergyModel(report, {
      platform: { id: 'test/x', label: 'x', board: 'b', framework: 'f', device: 'gpu', calibration: 'fitted' },
      generator: 'test',
      data: [],
    });
    const sub = model.subModels.Convolution;
    // The file rounds coefficients to 6 digits; terms cancel, so compare on the data's scale.
    const scale = Math.max(...small.rows.map((r) => r.target));
    small.rows.slice(0, 50).forEach((row, i) => {
      const features = { channelsIn: row.values[0], kernelH: row.values[1], channelsOut: row.values[2] } as unknown as LayerFeatures;
      const predicted = evaluateSubModel(sub, features);
      assert.ok(predicted.ok, 'the saved model evaluates');
      assert.ok(Math.abs(predicted.value - fitted[i]) <= 1e-5 * scale, `row ${i}: model ${predicted.value} vs fitted ${fitted[i]}`);
    });
  });

  it('scores candidates by network accuracy when rows have networks, else by 100 − MAPE', () => {
    const grouped = lawDataset({ rows: 40, groups: 4, noise: 0.2 });
    const withNets = fitDataset(grouped, { family: 'layer-type', method: 'ols', features: ['macs'] }, { cv: { kind: 'loo-network' } });
    const a = candidatePoint(withNets, true);
    assert.equal(a.accuracyKind, 'network');
    assert.ok(close(a.accuracy!, withNets.cv!.network!.accuracyPct));
    assert.equal(a.complexity, withNets.complexity);
    assert.equal(a.selected, true);
    const plain = lawDataset({ rows: 40, noise: 0.2 });
    const noNets = fitDataset(plain, { family: 'layer-type', method: 'ols', features: ['macs'] }, { cv: { kind: 'kfold', k: 4 } });
    const b = candidatePoint(noNets, false);
    assert.equal(b.accuracyKind, 'layer');
    assert.ok(close(b.accuracy!, 100 - noNets.cv!.layers.mape));
    const inSample = fitDataset(plain, { family: 'layer-type', method: 'ols', features: ['macs'] });
    const c = candidatePoint(inSample, false, undefined, plain);
    assert.ok(c.mape !== null && c.mape > 0 && c.mape < 30, `in-sample MAPE ${c.mape}`);
  });

  it('plots a type fitted on its own features (ReLU on activation bytes) against them, with its curve', () => {
    const rows = [
      ...[1, 2, 3, 4, 5, 6].map((k) => ({ values: [k * 1e6, k * 4e5], target: k * 2, type: 'Convolution' })),
      ...[1, 2, 3, 4, 5].map((k) => ({ values: [0, k * 1e5], target: k * 0.05, type: 'ReLU' })),
    ];
    const dataset = { features: ['macs', 'activationBytes'], target: 'energy_mJ', rows };
    const report = fitDataset(dataset, { family: 'layer-type', method: 'ols', features: ['macs'] });
    assert.equal(mainFeature(report, dataset, 'ReLU'), 'activationBytes');
    assert.equal(mainFeature(report, dataset, 'Convolution'), 'macs');
    const view = buildFitView({ fitId: 1, datasetId: 'relu', dataset, report });
    const relu = view.curves.find((c) => c.type === 'ReLU')!;
    assert.equal(relu.feature, 'activationBytes');
    assert.ok(relu.curve && relu.curve.length > 1, 'a fitted line, not points at x = 0');
    assert.ok(close(relu.curve.at(-1)!.y, 0.25, 1e-6), String(relu.curve.at(-1)!.y));
  });
});
