// Emulated measurements in real-board units: the header's time scale divides energies and times
// (power unchanged), a missing scale means no comparison with the reason, and the platform id is the
// built-in models' vocabulary whether the header records it or an older one derives it.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { BUILTIN_MODELS } from '../../../server/src/energy/builtin';
import {
  MeasurementIndex,
  networkTextSha256,
  platformIdOfCampaign,
  realUnitsOf,
  recordSchemaError,
} from '../../../server/src/measurements';
import { end, header, jsonl, layer, NET_TEXT, session, tempFolder } from './helpers';

describe('measured values in real-board units (emulated time scale) and platform ids', () => {
  const write = (folder: string, name: string, over: Parameters<typeof header>[0]): void => {
    fs.writeFileSync(path.join(folder, name), jsonl(header(over), session(1, ['conv1']), layer('conv1', 10), end('complete', 1, 1)));
  };

  it('divides energies and times by the recorded scale, keeps power, and labels the values emulated', () => {
    const folder = tempFolder();
    try {
      write(folder, 'a.jsonl', { emulator: { timeScale: 0.05 } });
      const m = MeasurementIndex.fromFolder(folder).measuredFor(networkTextSha256(NET_TEXT))!;
      const conv = m.layers.get('conv1')!;
      assert.equal(conv.energy_mJ, 10 / 0.05);
      assert.equal(conv.timeMs, 2 / 0.05);
      assert.equal(conv.dynamic_mJ, 8 / 0.05);
      assert.equal(conv.power_mW, 5000);
      assert.equal(m.total_mJ, 200);
      assert.deepEqual(m.realUnits, { known: true, timeScale: 0.05, emulated: true });
      assert.equal(m.unitsNote, 'emulated (20x speed), in real-board units');
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('an emulated campaign without a known scale keeps its values as measured and says why nothing is compared', () => {
    for (const over of [{}, { emulator: { timeScale: null } }]) {
      const u = realUnitsOf(header(over));
      assert.equal(u.known, false);
      assert.match((u as { reason: string }).reason, /emulated board whose time scale (was not recorded|the target did not state)/);
    }
    assert.deepEqual(realUnitsOf(header({ emulated: false })), { known: true, timeScale: 1, emulated: false });
  });

  it('platform ids: recorded, or derived from the target as the built-in models name them; old and new headers both valid', () => {
    const builtinIds = BUILTIN_MODELS.map((b) => b.model.platform.id);
    const old = header();
    assert.equal(platformIdOfCampaign(old), 'jetson-tx1/caffe-openblas/cpu/1t');
    assert.ok(builtinIds.includes(platformIdOfCampaign(old)));
    const gpu = header({ target: { name: 'tx1', kind: 'jetson-tx1', host: 'h', device: 'gpu', threads: 4 } });
    assert.equal(platformIdOfCampaign(gpu), 'jetson-tx1/caffe-cudnn/gpu');
    assert.ok(builtinIds.includes(platformIdOfCampaign(gpu)));
    const recorded = header({
      platform: {
        id: 'jetson-tx2/caffe-openblas/cpu/2t',
        board: 'jetson-tx2',
        backend: 'caffe-openblas',
        device: 'cpu',
        threads: 2,
        batch: 1,
        mode: 3,
      },
    });
    assert.equal(platformIdOfCampaign(recorded), 'jetson-tx2/caffe-openblas/cpu/2t');
    assert.equal(recordSchemaError(old), undefined);
    assert.equal(recordSchemaError(recorded), undefined);
    assert.equal(recordSchemaError({ ...old, emulator: { timeScale: 0.1 } }), undefined);
    assert.match(recordSchemaError({ ...old, emulator: { timeScale: -1 } }) ?? '', /timeScale/);
  });
});
