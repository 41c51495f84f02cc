// The refit panel's frontier: the recommended model is selected until the user clicks another, and
// what is selected is what a save writes.
import { strict as assert } from 'assert';
import { searchModels } from '../../../server/src/energy/fit/search/search';
import { frontierEnergyModel } from '../../../server/src/energy/fit/search/to-model';
import { frontierView, selectedModels } from '../../../client/src/panel/frontier-view';
import { dataset, lcg } from '../energy/helpers';
import { fitDataset } from '../../../server/src/energy/fit/engine';
import { buildFitView, buildFrontierFitView } from '../../../client/src/panel/fit-view';

describe('refit panel: search frontier view', () => {
  const rand = lcg(5);
  // Conv-like rows: an overhead plus energy per MAC and per weight, ±5 % noise.
  const rows = Array.from({ length: 300 }, () => {
    const cin = 1 + Math.floor(rand() * 256),
      cout = 1 + Math.floor(rand() * 256),
      k = [1, 3, 5][Math.floor(rand() * 3)],
      hw = 4 + Math.floor(rand() * 60);
    const macs = cin * cout * k * k * hw * hw;
    return { x: [macs, cin, k, cout, hw], y: (0.5 + 3e-7 * macs + 2e-5 * cin * cout * k * k) * (1 + 0.05 * (rand() - 0.5)) };
  });
  const data = dataset(['macs', 'channelsIn', 'kernelH', 'channelsOut', 'heightOut'], rows);
  const report = searchModels(data, { maxParams: 4, cv: { kind: 'kfold', k: 5 }, seed: 1 });
  const t = report.types[0];

  it('selects the recommended model by default and the clicked one after a click', () => {
    const first = frontierView(report, 'csv:x', 1.5, {});
    const points = first.types[0].points;
    assert.equal(points.length, t.front.length);
    assert.deepEqual(
      points.map((p) => p.selected),
      points.map((p) => p.recommended),
    );
    assert.equal(points.filter((p) => p.selected).length, 1);
    assert.ok(points.every((p) => p.mape > 0 && p.formula.startsWith('E = ')));
    const other = t.front.find((_, i) => i !== t.recommended) ?? t.front[0];
    const clicked = frontierView(report, 'csv:x', 1.5, { Convolution: other.complexity }).types[0].points;
    assert.deepEqual(
      clicked.filter((p) => p.selected).map((p) => p.complexity),
      [other.complexity],
    );
    // A pick the front does not have falls back to the recommended model.
    const unknown = frontierView(report, 'csv:x', 1.5, { Convolution: 99 }).types[0].points;
    assert.deepEqual(
      unknown.filter((p) => p.selected).map((p) => p.complexity),
      [t.front[t.recommended].complexity],
    );
  });

  it('saves the selected model', () => {
    const other = t.front[0];
    const model = frontierEnergyModel(
      report,
      {
        platform: { id: 'test/a/cpu', label: 'Test', board: 'a', framework: 'b', device: 'cpu', calibration: 'fitted' },
        generator: 'test',
        data: [{ file: 'x.csv', rows: 300 }],
      },
      selectedModels(report, { Convolution: other.complexity }),
    );
    assert.equal(model.subModels.Convolution.metrics?.complexity, other.complexity);
    assert.deepEqual(model.subModels.Convolution.features, other.terms);
  });

  it('after a search, metrics, coefficients and measured vs predicted show the selected frontier model, not the hand fit', () => {
    // The hand fit the panel starts with: macs alone.
    const hand = fitDataset(data, { family: 'layer-type', method: 'relative', features: ['macs'] }, { cv: { kind: 'kfold', k: 5 } });
    const base = buildFitView({ fitId: 3, datasetId: 'csv:x', dataset: data, report: hand });
    for (const pick of [undefined, t.front[0].complexity]) {
      const picks: Record<string, number> = pick === undefined ? {} : { Convolution: pick };
      const selected = selectedModels(report, picks);
      const m = selected.Convolution;
      const view = buildFrontierFitView({ base, dataset: data, search: report, selected });
      assert.equal(view.fitId, base.fitId, 'the candidates of the hand fit stay drawn');
      assert.ok(view.frontier, 'the view says it shows frontier models');
      assert.deepEqual(view.warnings, report.warnings, "the search's warnings, not the hand fit's");
      // Metrics: the selected model's held-out errors.
      assert.ok(Math.abs(view.metrics.mape! - m.errors.mape) < 1e-9, `${view.metrics.mape} vs ${m.errors.mape}`);
      assert.equal(view.metrics.complexity, m.complexity);
      assert.equal(view.metrics.validation, report.validation);
      assert.notEqual(view.metrics.mape, base.metrics.mape);
      // Coefficients: the frontier model's terms (what Save writes).
      const saved = frontierEnergyModel(
        report,
        {
          platform: { id: 'test/a/cpu', label: 'Test', board: 'a', framework: 'b', device: 'cpu', calibration: 'fitted' },
          generator: 'test',
          data: [{ file: 'x.csv', rows: 300 }],
        },
        selected,
      );
      const sub = view.subModels[0];
      assert.deepEqual(
        sub.terms.map((x) => x.term),
        saved.subModels.Convolution.features,
      );
      assert.equal(sub.search?.family, m.family);
      assert.equal(sub.complexity, m.complexity);
      // Measured vs predicted: the held-out predictions of that model.
      const points = view.measuredVsPredicted.series.flatMap((s) => s.points);
      assert.equal(view.measuredVsPredicted.total, rows.length);
      const byMeasured = new Map(data.rows.map((r, i) => [r.target, m.heldOut[i]] as [number, number]));
      assert.ok(points.every((p) => Math.abs(p.y - byMeasured.get(p.x)!) <= 1e-12 * p.y));
    }
  });
});
