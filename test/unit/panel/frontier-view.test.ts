// The refit panel's frontier: the recommended model is selected until the user clicks another, and
// what is selected is what a save writes.
import { strict as assert } from 'assert';
import { searchModels } from '../../../server/src/energy/fit/search/search';
import { frontierEnergyModel } from '../../../server/src/energy/fit/search/to-model';
import { frontierView, selectedModels } from '../../../client/src/panel/frontier-view';
import { dataset, lcg } from '../energy/helpers';

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
});
