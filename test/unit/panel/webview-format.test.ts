// The webview's pure helpers: number formats, the metrics line tests read, log-axis ticks and
// theme colours with alpha.
import { strict as assert } from 'assert';
import type { MetricsView } from '../../../client/src/panel/messages';
import { logTick } from '../../../media/src/charts';
import { pct, sig } from '../../../media/src/format';
import { metricsText } from '../../../media/src/tables';
import { withAlpha } from '../../../media/src/theme';

describe('refit panel webview: formatting', () => {
  it('formats percentages and coefficients, with a dash for missing values', () => {
    assert.equal(pct(12.345), '12.3 %');
    assert.equal(pct(null), '–');
    assert.equal(pct(Number.NaN), '–');
    assert.equal(sig(5.82e-8), '5.820e-8');
    assert.equal(sig(0.123456), '0.1235');
    assert.equal(sig(0), '0');
    assert.equal(sig(2.5e6), '2.500e+6');
  });

  it('writes the metrics line the panel shows (and tests read)', () => {
    const m: MetricsView = {
      rows: 10,
      mape: 12.34,
      rmspe: 20,
      networkAccuracy: null,
      complexity: 3,
      sigmaLog: 0.2,
      validation: 'kfold:5 (seed 1)',
      from: 'held-out',
      unpredicted: 0,
    };
    assert.equal(
      metricsText(m),
      'MAPE 12.3 % · RMSPE 20.0 % · network accuracy – · complexity 3 · σ(log) 0.200 — held out (kfold:5 (seed 1))',
    );
    assert.match(metricsText({ ...m, from: 'in-sample', validation: 'in-sample' }), /— in-sample \(no validation\)$/);
  });

  it('labels log axes at 1, 2 and 5 per decade only', () => {
    assert.deepEqual([1, 2, 3, 5, 10, 20, 1e5, 2e-4, 0.01, 0].map(logTick), ['1', '2', '', '5', '10', '20', '1e5', '2e-4', '0.01', '']);
  });

  it('adds alpha to theme colours in the forms VS Code uses', () => {
    assert.equal(withAlpha('#3794ff', 0.5), 'rgba(55, 148, 255, 0.5)');
    assert.equal(withAlpha('#fff', 0.25), 'rgba(255, 255, 255, 0.25)');
    assert.equal(withAlpha('#80808059', 0.45), 'rgba(128, 128, 128, 0.45)');
    assert.equal(withAlpha('rgb(1, 2, 3)', 0.1), 'rgba(1, 2, 3, 0.1)');
    assert.equal(withAlpha('rgba(1,2,3,0.9)', 0.1), 'rgba(1, 2, 3, 0.1)');
    assert.equal(withAlpha('red', 0.1), 'red');
  });
});
