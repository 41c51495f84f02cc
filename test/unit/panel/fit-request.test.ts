// From panel controls to engine inputs: defaults per dataset, normalisation when the data changes,
// extra terms, validation schemes and cache keys.
import { strict as assert } from 'assert';
import { fitDataset } from '../../../server/src/energy/fit/engine';
import {
  candidateKey,
  cvSchemeFor,
  defaultControls,
  fitKey,
  fitOptionsFor,
  fitSpecFor,
  normalizeControls,
  parseTypeFeatures,
  splitTerms,
} from '../../../client/src/panel/fit-request';
import type { DatasetSummary, PanelControls } from '../../../client/src/panel/messages';
import { lawDataset } from './panel-data';

const summary = (patch: Partial<DatasetSummary> = {}): DatasetSummary => ({
  id: 'a',
  label: 'a.csv',
  origin: 'csv',
  rows: 50,
  features: ['macs', 'channelsIn'],
  types: ['Convolution'],
  networks: 0,
  allGrouped: false,
  badRows: [],
  platformId: 'custom/a',
  latencyRows: 0,
  latencyUnavailable: 'the import names no time column',
  ...patch,
});

describe('refit panel: controls to fit requests', () => {
  it('defaults to macs, leave-one-network-out when every row names a network, else 10-fold', () => {
    const grouped = defaultControls(summary({ networks: 5, allGrouped: true }), 'jetson-tx1/caffe-openblas/cpu/1t');
    assert.deepEqual([grouped.features, grouped.validation, grouped.platformId], [['macs'], 'loo-network', 'custom/a']);
    const plain = defaultControls(summary({ rows: 6, features: ['c_in', 'k'] }), 'p');
    assert.deepEqual([plain.features, plain.validation, plain.validationParam], [['c_in'], 'kfold', 6]);
    assert.equal(defaultControls(summary({ rows: 1 }), 'p').validation, 'none');
    assert.equal(defaultControls(undefined, 'fallback/platform').datasetId, null);
  });

  it('switching dataset takes its defaults but keeps family, method and degree', () => {
    const before: PanelControls = {
      ...defaultControls(summary(), 'p'),
      family: 'individual',
      method: 'lasso',
      degree: 3,
      features: ['channelsIn'],
    };
    const other = summary({ id: 'b', features: ['c_in', 'k'], platformId: 'custom/b', networks: 3, allGrouped: true });
    const after = normalizeControls({ ...before, datasetId: 'b' }, other, before, 'p');
    assert.deepEqual([after.datasetId, after.features, after.validation, after.platformId], ['b', ['c_in'], 'loo-network', 'custom/b']);
    assert.deepEqual([after.family, after.method, after.degree], ['individual', 'lasso', 3]);
  });

  it('fits latency only on data with a time per call, and keeps that choice across datasets that have one', () => {
    const timed = summary({ latencyRows: 50, latencyUnavailable: undefined });
    const chosen = normalizeControls({ ...defaultControls(timed, 'p'), quantity: 'latency' }, timed, undefined, 'p');
    assert.equal(chosen.quantity, 'latency');
    assert.equal(defaultControls(timed, 'p').quantity, 'energy', 'energy unless chosen');
    // No time column: back to energy (the panel shows why latency is unavailable).
    assert.equal(normalizeControls(chosen, summary(), chosen, 'p').quantity, 'energy');
    const otherTimed = summary({ id: 'b', latencyRows: 9, latencyUnavailable: undefined });
    assert.equal(normalizeControls({ ...chosen, datasetId: 'b' }, otherTimed, chosen, 'p').quantity, 'latency');
    const otherUntimed = summary({ id: 'c' });
    assert.equal(normalizeControls({ ...chosen, datasetId: 'c' }, otherUntimed, chosen, 'p').quantity, 'energy');
  });

  it('drops features the data lacks and repairs K, F, platform and curve type', () => {
    const base = defaultControls(summary(), 'p');
    const fixed = normalizeControls(
      { ...base, features: ['nope'], validation: 'kfold', validationParam: 1.5, platformId: ' ', curveType: 'Pooling' },
      summary(),
      base,
      'p',
    );
    assert.deepEqual([fixed.features, fixed.validationParam, fixed.platformId, fixed.curveType], [['macs'], 10, 'custom/a', null]);
    const holdout = normalizeControls({ ...base, validation: 'holdout', validationParam: 3 }, summary(), base, 'p');
    assert.equal(holdout.validationParam, 0.2);
    const kept = normalizeControls(
      { ...base, features: ['channelsIn'], validation: 'holdout', validationParam: 0.3, curveType: 'Convolution' },
      summary(),
      base,
      'p',
    );
    assert.deepEqual([kept.features, kept.validationParam, kept.curveType], [['channelsIn'], 0.3, 'Convolution']);
  });

  it('adds extra terms to the layer-type family only', () => {
    assert.deepEqual(splitTerms(' a*b, c ;\n d,,'), ['a*b', 'c', 'd']);
    const c: PanelControls = { ...defaultControls(summary(), 'p'), extraTerms: 'macs*channelsIn, macs', features: ['macs'] };
    assert.deepEqual(fitSpecFor(c).features, ['macs', 'macs*channelsIn']);
    assert.deepEqual(fitSpecFor({ ...c, family: 'individual' }).features, ['macs']);
    assert.equal(fitSpecFor({ ...c, family: 'individual', degree: 4 }).degree, 4);
    assert.equal(fitSpecFor(c, 'nnls').method, 'nnls');
  });

  it('maps validation choices to the engine and the engine accepts them', () => {
    const base = defaultControls(summary(), 'p');
    assert.deepEqual(cvSchemeFor({ ...base, validation: 'loo-network' }), { kind: 'loo-network' });
    assert.deepEqual(cvSchemeFor({ ...base, validation: 'kfold', validationParam: 4 }), { kind: 'kfold', k: 4 });
    assert.deepEqual(cvSchemeFor({ ...base, validation: 'holdout', validationParam: 0.25 }), { kind: 'holdout', fraction: 0.25 });
    assert.equal(cvSchemeFor({ ...base, validation: 'none' }), undefined);
    const dataset = lawDataset({ rows: 40, noise: 0.1 });
    const report = fitDataset(
      dataset,
      fitSpecFor({ ...base, validation: 'holdout', validationParam: 0.25 }),
      fitOptionsFor({ ...base, validation: 'holdout', validationParam: 0.25 }),
    );
    assert.equal(report.cv!.predicted, 10, 'a quarter of 40 rows held out');
  });

  it('keys fits by everything that changes them, and candidates by all but the method', () => {
    const c = defaultControls(summary(), 'p');
    assert.notEqual(fitKey('a#1', c), fitKey('a#1', { ...c, method: 'ols' }));
    assert.notEqual(fitKey('a#1', c), fitKey('a#2', c), 'a reloaded dataset is a new fit');
    assert.equal(
      fitKey('a#1', c),
      fitKey('a#1', { ...c, platformId: 'other', curveType: 'Convolution' }),
      'platform and shown type do not change a fit',
    );
    assert.equal(candidateKey('a#1', c), candidateKey('a#1', { ...c, method: 'lasso' }));
    assert.notEqual(candidateKey('a#1', c), candidateKey('a#1', { ...c, family: 'individual' }));
    assert.notEqual(fitKey('a#1', c), fitKey('a#1', { ...c, seed: 2 }), 'the seed changes the folds');
    assert.notEqual(fitKey('a#1', c), fitKey('a#1', { ...c, typeFeatures: 'Pooling=channelsIn' }));
  });

  it('every CLI fitting option has a control: type features, seed, search size, intercept, weights, leave-one-out', () => {
    const c = defaultControls(summary(), 'p');
    assert.deepEqual(
      [c.typeFeatures, c.seed, c.searchMaxParams, c.intercept, c.weighting],
      ['', 1, 8, 'default', 'default'],
      'the CLI defaults',
    );
    assert.equal(fitSpecFor(c).typeFeatures, undefined);
    // --intercept / --no-intercept and --weights: absent unless chosen, as the CLI without the flag.
    assert.deepEqual([fitSpecFor(c).intercept, fitSpecFor(c).weighting], [undefined, undefined]);
    const chosen = { ...c, method: 'relative' as const, intercept: 'yes' as const, weighting: 'relative' as const };
    assert.deepEqual([fitSpecFor(chosen).intercept, fitSpecFor(chosen).weighting], [true, 'relative']);
    assert.equal(fitSpecFor({ ...c, intercept: 'no' }).intercept, false);
    assert.notEqual(fitKey('a#1', c), fitKey('a#1', chosen));
    const law = lawDataset({ rows: 30, noise: 0.1 });
    assert.equal(fitDataset(law, fitSpecFor(chosen), fitOptionsFor(chosen)).label, 'relative + intercept', 'the engine fits the intercept');
    // A combination the engine refuses says so (the panel shows it as the fit's error).
    assert.throws(() => fitDataset(law, fitSpecFor({ ...chosen, method: 'ols' }), fitOptionsFor(chosen)), /ols-intercept/);
    assert.deepEqual(cvSchemeFor({ ...c, validation: 'loo' }), { kind: 'loo' });
    // Type features as the CLI's --type-features TYPE=f1,f2;TYPE2=f3 (newlines also separate types).
    assert.deepEqual(parseTypeFeatures(' Pooling = activationBytes ; ReLU=activationBytes,macs\nLRN=macs'), {
      Pooling: ['activationBytes'],
      ReLU: ['activationBytes', 'macs'],
      LRN: ['macs'],
    });
    assert.throws(() => parseTypeFeatures('Pooling'), /Type features: 'Pooling' is not TYPE=feature,feature/);
    assert.throws(() => parseTypeFeatures('Pooling=, '), /not TYPE=feature/);
    const withTypes = { ...c, typeFeatures: 'Pooling=channelsIn', seed: 5 };
    assert.deepEqual(fitSpecFor(withTypes).typeFeatures, { Pooling: ['channelsIn'] });
    assert.equal(fitSpecFor(withTypes).seed, 5);
    assert.equal(fitOptionsFor(withTypes).seed, 5);
    // The engine takes them: Pooling fitted on its own feature, the seed picks the folds.
    const dataset = lawDataset({ rows: 60, noise: 0.1 });
    const pooled = { ...dataset, rows: dataset.rows.map((r, i) => (i % 3 === 0 ? { ...r, type: 'Pooling' } : r)) };
    const report = fitDataset(pooled, fitSpecFor(withTypes), fitOptionsFor(withTypes));
    assert.deepEqual(report.subModels.find((m) => m.type === 'Pooling')!.terms, ['channelsIn']);
    assert.equal(report.cv!.scheme, 'kfold:10 (seed 5)');
    // Switching dataset keeps the seed and search size (they are not the data's).
    const switched = normalizeControls(
      { ...withTypes, searchMaxParams: 5, datasetId: 'b' },
      summary({ id: 'b' }),
      { ...withTypes, datasetId: 'a' },
      'p',
    );
    assert.deepEqual([switched.seed, switched.searchMaxParams], [5, 5]);
  });
});
