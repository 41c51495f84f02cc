// The roofline family: Levenberg–Marquardt recovers a known smooth-max model, and a frontier
// roofline saved in the model format loads through the server's model loading and predicts, through
// the server's prediction code, the numbers the search computed.
import { strict as assert } from 'assert';
import { fitRoofline, rooflineValue } from '../../../../server/src/energy/fit/search/roofline';
import { searchModels } from '../../../../server/src/energy/fit/search/search';
import { frontierEnergyModel } from '../../../../server/src/energy/fit/search/to-model';
import { termColumns } from '../../../../server/src/energy/fit/search/columns';
import { completeSquareLayers } from '../../../../server/src/energy/fit/search/square-layers';
import { parseModelText } from '../../../../server/src/energy/load-model';
import { predictLayer } from '../../../../server/src/energy/predict';
import type { LayerFeatures } from '../../../../server/src/net/types';
import { layer, lcg } from '../helpers';
import { haveSweeps, sweepSample } from './sweep-sample';

describe('roofline family (smooth max of costs plus overhead)', () => {
  it('recovers overhead, costs and exponent of a known roofline from a linear start', () => {
    const rand = lcg(7);
    const n = 600;
    const macs = Float64Array.from({ length: n }, () => 1e5 * 10 ** (4 * rand()));
    const bytes = Float64Array.from({ length: n }, () => 1e3 * 10 ** (4 * rand()));
    const truth = { overhead: 0.5, costs: [2e-6, 1e-4], exponent: 3 };
    const y = Float64Array.from({ length: n }, (_, i) => rooflineValue(truth, [macs, bytes], i) * (1 + 0.04 * (rand() - 0.5)));
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const fit = fitRoofline([macs, bytes], y, rows, { overhead: 0.1, costs: [1e-6, 1e-4], exponent: 1 });
    assert.ok(fit, 'the fit converged');
    assert.ok(Math.abs(fit.exponent - 3) / 3 < 0.15, `exponent ${fit.exponent}`);
    assert.ok(Math.abs(fit.overhead - 0.5) / 0.5 < 0.1, `overhead ${fit.overhead}`);
    fit.costs.forEach((c, k) => assert.ok(Math.abs(c - truth.costs[k]) / truth.costs[k] < 0.1, `cost ${k}: ${c}`));
  });

  it('refuses a start it cannot use (a cost ≤ 0) instead of fitting nonsense', () => {
    const x = Float64Array.from([1, 2, 3, 4]);
    assert.equal(fitRoofline([x, x], x, Int32Array.from([0, 1, 2, 3]), { overhead: 0, costs: [1, -1], exponent: 1 }), undefined);
  });

  describe('saved from a search on the TX2 GPU sweep (real data, every 10th row)', function () {
    before(function () {
      if (!haveSweeps()) this.skip();
    });

    it('loads through the server and predicts the same numbers the search computed', () => {
      const data = sweepSample('gpu', 10);
      const report = searchModels(data, { maxParams: 5, cv: { kind: 'kfold', k: 5 }, seed: 1, families: ['roofline'] });
      const t = report.types[0];
      const roofline = t.front.find((m) => m.family === 'roofline');
      assert.ok(roofline, 'the front has a roofline');
      const model = frontierEnergyModel(
        report,
        {
          platform: { id: 'test/tx2/gpu', label: 'Test TX2 GPU', board: 'TX2', framework: 'test', device: 'gpu', calibration: 'fitted' },
          generator: 'test',
          data: [{ file: 'tx2_gpu_conv_sweep.csv', rows: data.rows.length }],
        },
        { Convolution: roofline },
      );
      assert.equal(model.formatVersion, 2);
      const loaded = parseModelText(JSON.stringify(model), 'roofline.json');
      assert.ok('model' in loaded, 'error' in loaded ? loaded.error : '');
      const sub = loaded.model.subModels.Convolution;
      assert.equal(sub.form, 'smooth-max');

      const { dataset } = completeSquareLayers(data);
      const rows = dataset.rows.map((_, i) => i);
      const { columns } = termColumns(dataset, rows, roofline.terms);
      const params = { overhead: roofline.intercept, costs: roofline.coefficients, exponent: roofline.exponent! };
      let worst = 0;
      for (const i of rows.filter((r) => r % 17 === 0)) {
        const v = Object.fromEntries(dataset.features.map((f, c) => [f, dataset.rows[i].values[c]])) as LayerFeatures;
        const p = predictLayer(layer(`conv${i}`, 'Convolution', v), 0, loaded.model);
        assert.equal(p.status, 'predicted', p.message);
        assert.match(
          p.formula!,
          /^E = [0-9.]+ [µnm]?J \+ smooth-max\(p=[0-9.]+; [0-9.]+ [fpnµm]?J × /,
          'hovers show the roofline as it is',
        );
        const expected = rooflineValue(params, columns, i);
        worst = Math.max(worst, Math.abs(p.predicted_mJ! - expected) / expected);
      }
      assert.ok(worst < 1e-5, `largest relative difference ${worst} (coefficients are saved to 6 significant digits)`);
    });
  });

  it('rejects version-2 content in a version-1 file and a smooth-max without its exponent', () => {
    const sub = {
      features: ['macs', 'tile16(channelsOut)'],
      coefficients: [1e-6, 1e-3],
      intercept: 0.5,
      form: 'smooth-max',
      exponent: 2,
      sigmaLog: 0.2,
      samples: 10,
      extrapolated: false,
      provenance: { family: 'search', method: 'lm', spreadFrom: 'test' },
    };
    const file = (formatVersion: number, s: object) =>
      JSON.stringify({
        formatVersion,
        platform: { id: 'a/b', label: 'A', board: 'a', framework: 'b', device: 'cpu', calibration: 'fitted' },
        energyUnit: 'mJ',
        subModels: { Convolution: s },
        provenance: { generator: 'test' },
      });
    assert.ok('model' in parseModelText(file(2, sub), 'v2.json'));
    const v1 = parseModelText(file(1, sub), 'v1.json');
    assert.ok('error' in v1 && /need "formatVersion": 2/.test(v1.error), JSON.stringify(v1));
    const { exponent: _e, ...noExponent } = sub;
    const bad = parseModelText(file(2, noExponent), 'bad.json');
    assert.ok(
      'error' in bad && bad.error.includes('bad.json: /subModels/Convolution/exponent: a smooth-max sub-model needs its exponent'),
      JSON.stringify(bad),
    );
  });
});
