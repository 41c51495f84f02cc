// Layers without MACs are fitted on their memory traffic, not left out: with `macs` as the features,
// ReLU and pooling rows get `activationBytes` (energy per byte) unless the user chose their features.
import { strict as assert } from 'assert';
import { fitDataset } from '../../../server/src/energy/fit/engine';
import { dataset, lcg } from './helpers';

describe('energy fit: memory-bound types default to activation bytes', () => {
  const rand = lcg(7);
  // Convolution: 2 nJ per MAC; ReLU and Pooling: 0.5 and 3 nJ per byte; every row with 0 MACs for them.
  const rows = [
    ...Array.from({ length: 12 }, () => {
      const macs = 1e6 * (1 + 50 * rand());
      return { x: [macs, 1e5 * (1 + rand())], y: 2e-6 * macs * (1 + 0.02 * (rand() - 0.5)), type: 'Convolution' };
    }),
    ...Array.from({ length: 8 }, () => {
      const bytes = 1e5 * (1 + 20 * rand());
      return { x: [0, bytes], y: 0.5e-6 * bytes * (1 + 0.02 * (rand() - 0.5)), type: 'ReLU' };
    }),
    ...Array.from({ length: 6 }, () => {
      const bytes = 1e5 * (1 + 20 * rand());
      return { x: [0, bytes], y: 3e-6 * bytes * (1 + 0.02 * (rand() - 0.5)), type: 'Pooling' };
    }),
  ];
  const ds = dataset(['macs', 'activationBytes'], rows);

  it('fits ReLU and Pooling per byte when the features say nothing about them, and says so', () => {
    const report = fitDataset(ds, { family: 'layer-type', method: 'relative', features: ['macs'] }, { cv: { kind: 'kfold', k: 4 } });
    const byType = Object.fromEntries(report.subModels.map((m) => [m.type, m]));
    assert.deepEqual(Object.keys(byType).sort(), ['Convolution', 'Pooling', 'ReLU']);
    assert.deepEqual(byType.ReLU.terms, ['activationBytes']);
    assert.ok(Math.abs(byType.ReLU.coefficients[0] / 0.5e-6 - 1) < 0.02, String(byType.ReLU.coefficients[0]));
    assert.ok(Math.abs(byType.Pooling.coefficients[0] / 3e-6 - 1) < 0.02, String(byType.Pooling.coefficients[0]));
    assert.deepEqual(byType.Convolution.terms, ['macs']);
    assert.ok(
      report.warnings.some((w) => /^ReLU: fitted on activationBytes/.test(w)),
      report.warnings.join('\n'),
    );
    assert.deepEqual(report.spec.typeFeatures.ReLU, ['activationBytes'], 'the report says which features each type used');
  });

  it("keeps the user's own features for a type", () => {
    const report = fitDataset(ds, {
      family: 'layer-type',
      method: 'relative',
      features: ['macs'],
      typeFeatures: { ReLU: ['macs'] },
    });
    assert.ok(!report.subModels.some((m) => m.type === 'ReLU'), 'ReLU with its chosen macs carries nothing: not modelled');
    assert.ok(
      report.warnings.some((w) => /^ReLU: 'macs' is 0 in all 8 rows, so ReLU is not modelled/.test(w)),
      report.warnings.join('\n'),
    );
    // The advice names the CLI flag and the refit panel's control for it.
    assert.ok(
      report.warnings.some((w) => w.includes('CLI: --type-features ReLU=...; refit panel: Type features, ReLU=...')),
      report.warnings.join('\n'),
    );
    assert.deepEqual(report.subModels.find((m) => m.type === 'Pooling')!.terms, ['activationBytes']);
  });

  it('leaves a type out, with the reason, when the data has no activation bytes', () => {
    const macsOnly = dataset(
      ['macs'],
      rows.map((r) => ({ ...r, x: [r.x[0]] })),
    );
    const report = fitDataset(macsOnly, { family: 'layer-type', method: 'relative', features: ['macs'] });
    assert.deepEqual(
      report.subModels.map((m) => m.type),
      ['Convolution'],
    );
    assert.ok(report.warnings.some((w) => /^Pooling: 'macs' is 0/.test(w)));
  });
});
