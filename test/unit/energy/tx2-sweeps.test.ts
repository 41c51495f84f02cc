// Real data: on the TX2 convolution sweeps (energies spanning five orders of magnitude, small layers
// dominated by fixed overhead), relative-error-aware fitting beats plain least squares on held-out
// per-layer MAPE. Needs ../shared (skipped without).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadTx2Sweep } from '../../../scripts/fit-builtin-models';
import { fitDataset, parseCvScheme } from '../../../server/src/energy/fit/engine';
import type { FitSpec } from '../../../server/src/energy/fit/spec';
import { DATA, SHARED } from '../shared-paths';

const haveShared = fs.existsSync(path.join(DATA, 'tx2_gpu_conv_sweep.csv'));

for (const device of ['gpu', 'cpu'] as const) {
  describe(`energy fit: TX2 ${device.toUpperCase()} convolution sweep (real data)`, function () {
    before(function () {
      if (!haveShared) this.skip();
    });

    const heldOutMape = (spec: FitSpec) => {
      const { dataset } = loadTx2Sweep(SHARED, device);
      return fitDataset(dataset, spec, { cv: parseCvScheme('holdout:0.3'), seed: 1 }).cv!.layers.mape;
    };

    it('relative-error LS beats plain LS on held-out per-layer MAPE (layer-type, MACs)', () => {
      const plain = heldOutMape({ family: 'layer-type', method: 'ols', features: ['macs'] });
      const plainIntercept = heldOutMape({ family: 'layer-type', method: 'ols-intercept', features: ['macs'] });
      const relative = heldOutMape({ family: 'layer-type', method: 'relative', features: ['macs'], intercept: true });
      assert.ok(relative < Math.min(plain, plainIntercept), `relative ${relative} vs ols ${plain} / ols-intercept ${plainIntercept}`);
      assert.ok(relative < plainIntercept / 3, 'with an intercept, plain LS chases the big layers and misses the small ones');
    });

    it('relative weighting also rescues the individual-layer family', () => {
      const hyper = ['heightIn', 'channelsIn', 'kernelH', 'channelsOut'];
      const plain = heldOutMape({ family: 'individual', method: 'ols-intercept', features: hyper, degree: 2 });
      const relative = heldOutMape({ family: 'individual', method: 'relative', features: hyper, degree: 2, intercept: true });
      assert.ok(relative < plain / 5, `relative ${relative} vs plain ${plain}`);
    });
  });
}
