// A fitted model saved over a platform's model file keeps the quantity it did not fit: a latency
// fit joins the energy model there (or the built-in one), an energy fit keeps the latency section.
import { strict as assert } from 'assert';
import { BUILTIN_MODELS } from '../../../server/src/energy/builtin';
import { mergeFittedModel } from '../../../server/src/energy/fit/merge-fitted';
import type { EnergyModel } from '../../../server/src/energy/model';
import { validateModel } from '../../../server/src/energy/load-model';

const builtin = (id: string): EnergyModel => BUILTIN_MODELS.find((b) => b.model.platform.id === id)!.model;
const TX2_CPU = 'jetson-tx2/pytorch/cpu';
const TX1_CPU = 'jetson-tx1/caffe-openblas/cpu/1t';

/** A fitted model of `platform` whose sub-models are the built-in's conv only, with a marker coefficient. */
function fitted(platform: EnergyModel['platform'], marker: number): EnergyModel {
  const base = builtin(TX1_CPU);
  const conv = { ...base.subModels.Convolution, coefficients: base.subModels.Convolution.coefficients.map(() => marker) };
  const { latency: _l, ...rest } = base;
  return { ...rest, platform, subModels: { Convolution: conv }, provenance: { ...base.provenance, generator: 'test', notes: [] } };
}

describe('energy: merging a fitted model into the platform file it replaces', () => {
  it('adds a latency fit to the energy model already in the file, else the built-in one, else none (said so)', () => {
    const platform = builtin(TX2_CPU).platform;
    const existingEnergy = fitted(platform, 7);
    const intoFile = mergeFittedModel(fitted(platform, 3), 'latency', { model: existingEnergy, name: 'tx2.json' });
    assert.equal(intoFile.model.subModels.Convolution.coefficients[0], 7, "the file's energy sub-models stay");
    assert.equal(intoFile.model.latency!.subModels.Convolution.coefficients[0], 3);
    assert.match(intoFile.base, /already in tx2\.json/);

    const intoBuiltin = mergeFittedModel(fitted(platform, 3), 'latency', undefined);
    assert.deepEqual(intoBuiltin.model.subModels, builtin(TX2_CPU).subModels);
    assert.match(intoBuiltin.base, /built-in jetson-tx2\/pytorch\/cpu energy model/);

    const unknown = { ...platform, id: 'custom/board', label: 'custom' };
    const alone = mergeFittedModel(fitted(unknown, 3), 'latency', undefined);
    assert.deepEqual(alone.model.subModels, {});
    assert.match(alone.base, /predicts latency only/);
    for (const m of [intoFile, intoBuiltin, alone]) assert.ok('model' in validateModel(m.model, 'merged'), 'a valid model file');
  });

  it('ignores a file of another platform', () => {
    const other = fitted({ ...builtin(TX2_CPU).platform, id: 'custom/other' }, 9);
    const merged = mergeFittedModel(fitted(builtin(TX2_CPU).platform, 3), 'latency', { model: other, name: 'other.json' });
    assert.deepEqual(merged.model.subModels, builtin(TX2_CPU).subModels);
  });

  it("keeps the latency section of the file an energy fit replaces, else the built-in model's", () => {
    const platform = builtin(TX2_CPU).platform;
    const file = mergeFittedModel(fitted(platform, 3), 'latency', undefined).model;
    const refit = mergeFittedModel(fitted(platform, 5), 'energy', { model: file, name: 'tx2.json' });
    assert.equal(refit.model.subModels.Convolution.coefficients[0], 5, 'the new energy fit');
    assert.equal(refit.model.latency!.subModels.Convolution.coefficients[0], 3, "the file's latency fit kept");
    assert.match(refit.base, /latency sub-models of tx2\.json kept/);

    const fresh = mergeFittedModel(fitted(platform, 5), 'energy', undefined);
    assert.deepEqual(fresh.model.latency, builtin(TX2_CPU).latency);
    assert.match(fresh.base, /built-in jetson-tx2\/pytorch\/cpu model kept/);

    // No latency anywhere (the TX1 built-in has none): the fit is written as it is.
    const plain = fitted(builtin(TX1_CPU).platform, 5);
    const same = mergeFittedModel(plain, 'energy', undefined);
    assert.equal(same.model, plain);
    assert.equal(same.base, '');
  });
});
