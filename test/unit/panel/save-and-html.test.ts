// What "Save as model for <platform>" writes (a valid model file for a named platform), and the
// webview's HTML shell with its Content-Security-Policy.
import { strict as assert } from 'assert';
import { BUILTIN_MODELS } from '../../../server/src/energy/builtin';
import { evaluateSubModel } from '../../../server/src/energy/evaluate';
import { fitDataset } from '../../../server/src/energy/fit/engine';
import { validateModel } from '../../../server/src/energy/load-model';
import type { LayerFeatures } from '../../../server/src/net/types';
import { fittedValues } from '../../../client/src/panel/fitted-values';
import { checkPlatformId, modelForSave, platformFor } from '../../../client/src/panel/model-for-save';
import { contentSecurityPolicy, webviewHtml } from '../../../client/src/panel/webview-html';
import { lawDataset } from './panel-data';

const known = BUILTIN_MODELS.map((b) => b.model.platform);

describe('refit panel: saving a fit as a model', () => {
  it("keeps a known platform's description and marks it fitted", () => {
    const tx1 = known.find((p) => p.id === 'jetson-tx1/caffe-openblas/cpu/1t')!;
    assert.deepEqual(platformFor(tx1.id, known), { ...tx1, calibration: 'fitted' });
  });

  it('describes a new platform from its id', () => {
    assert.deepEqual(platformFor('jetson-nano/caffe-cudnn/gpu', known), {
      id: 'jetson-nano/caffe-cudnn/gpu',
      label: 'jetson-nano/caffe-cudnn/gpu (refitted)',
      board: 'jetson-nano',
      framework: 'caffe',
      backend: 'cudnn',
      device: 'gpu',
      calibration: 'fitted',
    });
    const p = platformFor('rpi4/tflite/cpu/4t', known);
    assert.deepEqual([p.framework, p.backend, p.threads], ['tflite', undefined, 4]);
    assert.equal(platformFor('custom/sweep', known).device, 'unknown');
  });

  it('refuses ids the model schema would refuse', () => {
    assert.match(checkPlatformId('')!, /name a platform/);
    assert.match(checkPlatformId('Jetson TX1')!, /not a platform id/);
    assert.equal(checkPlatformId('a/b-c/d'), undefined);
    assert.throws(() => platformFor('A/B', known), /not a platform id/);
  });

  it("writes a valid model whose predictions are the fit's", () => {
    const dataset = lawDataset({ rows: 40, groups: 4, noise: 0.1 });
    const report = fitDataset(dataset, { family: 'layer-type', method: 'relative', features: ['macs'] }, { cv: { kind: 'loo-network' } });
    const model = modelForSave({
      report,
      dataset,
      platform: platformFor('jetson-tx1/caffe-openblas/cpu/1t', known),
      source: { file: 'law.csv', rows: 40 },
    });
    const checked = validateModel(JSON.parse(JSON.stringify(model)), 'saved');
    assert.ok(!('error' in checked), 'error' in checked ? checked.error : '');
    assert.equal(model.platform.id, 'jetson-tx1/caffe-openblas/cpu/1t');
    assert.equal(model.provenance.generator, 'Energy Lens: Refit Models');
    assert.equal(model.subModels.Convolution.metrics!.validation, 'leave-one-network-out');
    assert.deepEqual(model.subModels.Convolution.provenance.data, [{ file: 'law.csv', rows: 40 }]);
    assert.match(model.subModels.Convolution.provenance.why!, /layer-type family, relative/);
    const fitted = fittedValues(dataset, report);
    const row = dataset.rows.findIndex((r) => r.type === 'InnerProduct');
    const value = evaluateSubModel(model.subModels.InnerProduct, { macs: dataset.rows[row].values[0] } as LayerFeatures);
    assert.ok(value.ok && Math.abs(value.value - fitted[row]) <= 1e-5 * fitted[row]);
  });

  it('explains why a fit on non-layer features cannot become a model', () => {
    const dataset = { ...lawDataset({ rows: 20 }), features: ['c_in', 'k'] };
    const report = fitDataset(dataset, { family: 'layer-type', method: 'ols', features: ['c_in'] });
    assert.throws(
      () => modelForSave({ report, dataset, platform: platformFor('custom/x', known), source: { file: 'x.csv', rows: 20 } }),
      /feature 'c_in' is not a layer feature/,
    );
  });
});

describe('refit panel: webview HTML', () => {
  const html = webviewHtml({
    cspSource: 'https://file+.vscode-resource.test',
    scriptUri: 'https://file+.vscode-resource.test/out/media/panel.js',
    styleUri: 'https://file+.vscode-resource.test/media/panel.css',
    nonce: 'N0nce',
  });

  it('has a strict CSP: nothing by default, our script and styles by nonce, no network', () => {
    const csp = contentSecurityPolicy('https://res.test', 'abc');
    assert.equal(
      csp,
      "default-src 'none'; script-src 'nonce-abc'; style-src https://res.test 'nonce-abc'; img-src https://res.test data:; font-src https://res.test",
    );
    assert.ok(!csp.includes('unsafe'));
    assert.ok(
      html.includes(`content="default-src 'none'; script-src 'nonce-N0nce'; style-src https://file+.vscode-resource.test 'nonce-N0nce';`),
    );
  });

  it('loads the bundled script and stylesheet with the nonce, and nothing else', () => {
    assert.ok(html.includes('<script nonce="N0nce" src="https://file+.vscode-resource.test/out/media/panel.js"></script>'));
    assert.ok(html.includes('<link rel="stylesheet" nonce="N0nce" href="https://file+.vscode-resource.test/media/panel.css">'));
    assert.equal(html.match(/<script/g)!.length, 1);
    assert.equal((html.match(/https?:\/\/[^"' ;]+/g) ?? []).filter((u) => !u.startsWith('https://file+.vscode-resource.test')).length, 0);
  });

  it('makes a fresh nonce per page', () => {
    const a = webviewHtml({ cspSource: 'x', scriptUri: 's', styleUri: 'c' });
    const b = webviewHtml({ cspSource: 'x', scriptUri: 's', styleUri: 'c' });
    const nonce = (h: string) => /nonce-([A-Za-z0-9]+)/.exec(h)![1];
    assert.notEqual(nonce(a), nonce(b));
    assert.ok(nonce(a).length >= 16);
  });
});
