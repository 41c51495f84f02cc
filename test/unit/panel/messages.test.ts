// Validation of what the webview sends: every well-formed message passes unchanged, anything else
// is refused with a reason and never throws.
import { strict as assert } from 'assert';
import fc from 'fast-check';
import {
  CHART_IDS,
  FAMILY_CHOICES,
  METHOD_CHOICES,
  INTERCEPT_CHOICES,
  type PanelControls,
  QUANTITY_CHOICES,
  WEIGHTING_CHOICES,
  VALIDATION_KINDS,
  parseWebviewMessage,
} from '../../../client/src/panel/messages';

const controls: PanelControls = {
  datasetId: 'csv:/data/a.csv',
  quantity: 'latency',
  family: 'individual',
  features: ['channelsIn', 'kernelH'],
  extraTerms: '',
  method: 'lasso',
  degree: 3,
  validation: 'kfold',
  validationParam: 10,
  platformId: 'custom/a',
  curveType: null,
  typeFeatures: 'Pooling=activationBytes',
  seed: 7,
  searchMaxParams: 6,
  intercept: 'yes',
  weighting: 'relative',
};

const arbControls: fc.Arbitrary<PanelControls> = fc.record({
  datasetId: fc.option(fc.string(), { nil: null }),
  quantity: fc.constantFrom(...QUANTITY_CHOICES),
  family: fc.constantFrom(...FAMILY_CHOICES),
  features: fc.array(fc.string(), { maxLength: 5 }),
  extraTerms: fc.string(),
  method: fc.constantFrom(...METHOD_CHOICES),
  degree: fc.integer({ min: 1, max: 6 }),
  validation: fc.constantFrom(...VALIDATION_KINDS),
  validationParam: fc.double({ noNaN: true, noDefaultInfinity: true }),
  platformId: fc.string(),
  curveType: fc.option(fc.string(), { nil: null }),
  typeFeatures: fc.string(),
  seed: fc.integer(),
  searchMaxParams: fc.integer({ min: 1, max: 40 }),
  intercept: fc.constantFrom(...INTERCEPT_CHOICES),
  weighting: fc.constantFrom(...WEIGHTING_CHOICES),
});

describe('refit panel: messages from the webview', () => {
  it('accepts well-formed controls unchanged (property)', () => {
    fc.assert(
      fc.property(arbControls, (c) => {
        assert.deepEqual(parseWebviewMessage({ type: 'controls', controls: c }), { type: 'controls', controls: { ...c } });
      }),
      { numRuns: 200 },
    );
  });

  it('restores a saved state with its CSV imports, and accepts a fresh page without one', () => {
    const state = {
      controls,
      csvImports: [{ path: '/d/a.csv', target: 'energy_mJ', features: [{ column: 'c_in', name: 'channelsIn' }], groupColumn: 'net' }],
    };
    assert.deepEqual(parseWebviewMessage({ type: 'ready', state }), { type: 'ready', state });
    assert.deepEqual(parseWebviewMessage({ type: 'ready', state: null }), { type: 'ready', state: null });
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready', state: null });
  });

  it('refuses wrong controls with a reason', () => {
    const bad = (patch: Record<string, unknown>) => parseWebviewMessage({ type: 'controls', controls: { ...controls, ...patch } });
    assert.match((bad({ family: 'neural' }) as { error: string }).error, /family must be one of layer-type, individual/);
    assert.match((bad({ method: 'sgd' }) as { error: string }).error, /method must be one of/);
    assert.match((bad({ degree: 7 }) as { error: string }).error, /degree must be an integer from 1 to 6/);
    assert.match((bad({ degree: 2.5 }) as { error: string }).error, /degree/);
    assert.match((bad({ features: ['a', 3] }) as { error: string }).error, /features/);
    assert.match((bad({ validationParam: Number.NaN }) as { error: string }).error, /validationParam/);
    assert.match((bad({ validation: 'loo-row' }) as { error: string }).error, /validation must be one of/);
    assert.match((bad({ seed: 1.5 }) as { error: string }).error, /seed must be an integer/);
    assert.match((bad({ searchMaxParams: 0 }) as { error: string }).error, /searchMaxParams must be an integer from 1 to 40/);
    assert.match((bad({ searchMaxParams: 41 }) as { error: string }).error, /searchMaxParams/);
    assert.match((bad({ typeFeatures: ['Pooling=x'] }) as { error: string }).error, /typeFeatures must be text/);
  });

  it('reads controls persisted before quantity, type features, seed and search size existed, with their defaults', () => {
    const { quantity: _q, typeFeatures: _t, seed: _s, searchMaxParams: _m, intercept: _i, weighting: _w, ...old } = controls;
    assert.deepEqual(parseWebviewMessage({ type: 'controls', controls: old }), {
      type: 'controls',
      controls: { ...old, quantity: 'energy', typeFeatures: '', seed: 1, searchMaxParams: 8, intercept: 'default', weighting: 'default' },
    });
    assert.match(
      (parseWebviewMessage({ type: 'controls', controls: { ...controls, intercept: true } }) as { error: string }).error,
      /intercept/,
    );
    assert.match(
      (parseWebviewMessage({ type: 'controls', controls: { ...controls, weighting: '1/y' } }) as { error: string }).error,
      /weighting/,
    );
    assert.match(
      (parseWebviewMessage({ type: 'controls', controls: { ...controls, quantity: 'power' } }) as { error: string }).error,
      /quantity/,
    );
  });

  it('checks PNG exports are base64 PNG data URLs for a known chart', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    assert.deepEqual(parseWebviewMessage({ type: 'exportPng', chartId: 'residuals', dataUrl: png }), {
      type: 'exportPng',
      chartId: 'residuals',
      dataUrl: png,
    });
    assert.ok('error' in parseWebviewMessage({ type: 'exportPng', chartId: 'residuals', dataUrl: 'data:text/html;base64,PHNjcmlwdD4=' }));
    assert.ok('error' in parseWebviewMessage({ type: 'exportPng', chartId: 'pie', dataUrl: png }));
  });

  it('checks frontier selections: a layer type and a whole number of parameters', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'search' }), { type: 'search' });
    assert.deepEqual(parseWebviewMessage({ type: 'selectFrontier', layerType: 'Convolution', complexity: 4 }), {
      type: 'selectFrontier',
      layerType: 'Convolution',
      complexity: 4,
    });
    assert.ok('error' in parseWebviewMessage({ type: 'selectFrontier', layerType: 'Convolution', complexity: 2.5 }));
    assert.ok('error' in parseWebviewMessage({ type: 'selectFrontier', complexity: 3 }));
  });

  it('checks render reports', () => {
    const report = {
      fitId: 3,
      datasetId: 'x',
      family: 'layer-type',
      method: 'ols',
      metricsText: 'MAPE 1 %',
      candidates: 7,
      renderMs: 40,
      charts: CHART_IDS.map((id) => ({ id, points: 10, nonEmptyPixels: 1000 })),
    };
    assert.deepEqual(parseWebviewMessage({ type: 'rendered', report }), { type: 'rendered', report });
    assert.ok(
      'error' in parseWebviewMessage({ type: 'rendered', report: { ...report, charts: [{ id: 'x', points: 1, nonEmptyPixels: 1 }] } }),
    );
    assert.ok('error' in parseWebviewMessage({ type: 'rendered', report: { ...report, fitId: '3' } }));
  });

  it('refuses unknown or malformed messages without throwing (property)', () => {
    assert.match((parseWebviewMessage({ type: 'rm -rf' }) as { error: string }).error, /unknown message type 'rm -rf'/);
    assert.ok('error' in parseWebviewMessage(null));
    assert.ok('error' in parseWebviewMessage({ type: 'removeDataset' }));
    fc.assert(
      fc.property(fc.anything(), (x) => {
        const r = parseWebviewMessage(x);
        assert.ok(typeof r === 'object' && r !== null);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.constantFrom('ready', 'controls', 'exportPng', 'rendered', 'removeDataset'), fc.anything(), (type, junk) => {
        const r = parseWebviewMessage({ type, state: junk, controls: junk, report: junk, dataUrl: junk, chartId: junk, datasetId: junk });
        assert.ok('error' in r || r.type === type);
      }),
      { numRuns: 300 },
    );
  });
});
