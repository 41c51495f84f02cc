// An adb campaign on the emulated phone writes the same records as a Jetson campaign, readable by
// the server's reader, naming board, backend, power source and the emulator's time scale.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AdbDevice } from '../../../client/src/board/adb';
import { startEmulatedPhone } from '../../../client/src/board/emulated-phone';
import { runAdbCampaign } from '../../../client/src/campaigns/adb-campaign';
import { platformIdOfCampaign, readCampaignFile } from '../../../server/src/measurements';
import { campaignRows } from '../../../server/src/energy/fit/records-dataset';
import { CORPUS_PROTOTXT } from '../shared-paths';
import { privateAdbServer } from './helpers';

describe('adb campaign records (emulated Snapdragon 820, real adb client)', function () {
  this.timeout(120000);

  it('writes a complete campaign the reader accepts, with platform and power source', async () => {
    const server = await privateAdbServer();
    const phone = await startEmulatedPhone({ timeScale: 0.05 });
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'el-adb-ws-'));
    try {
      const networkFile = path.join(workspace, 'alexnet.prototxt');
      fs.copyFileSync(path.join(CORPUS_PROTOTXT, 'alexnet.prototxt'), networkFile);
      const out = await runAdbCampaign({
        workspaceRoot: workspace,
        networkFile,
        targetName: 'sd820',
        device: new AdbDevice(phone.serial, server),
        power: { kind: 'external-probe', command: `exec ${phone.probeCommand}` },
        steadyMs: 500,
        idleMs: 800,
        layers: ['conv1', 'relu1', 'pool1'],
      });
      assert.strictEqual(out.status, 'complete', out.message);
      const read = readCampaignFile(out.recordsFile!);
      assert.deepStrictEqual(read.problems, []);
      assert.strictEqual(read.status, 'complete');
      assert.strictEqual(platformIdOfCampaign(read.campaign!), 'snapdragon-820/caffe2-eigen/cpu');
      assert.strictEqual(read.campaign!.target.kind, 'snapdragon-820');
      assert.strictEqual(read.campaign!.powerSource?.kind, 'external-probe');
      assert.deepStrictEqual(read.campaign!.emulator, { timeScale: 0.05 });
      assert.deepStrictEqual(
        read.layers.map((l) => [l.name, l.layerType, l.inPlace]),
        [
          ['conv1', 'Convolution', false],
          ['relu1', 'ReLU', true],
          ['pool1', 'Pooling', false],
        ],
      );
      for (const l of read.layers) {
        assert.ok(l.power_mW > l.idle_power_mW && l.energy_mJ > l.dynamic_energy_mJ && l.dynamic_energy_mJ > 0, JSON.stringify(l));
        assert.deepStrictEqual(Object.keys(l.rails_mW), ['battery']);
      }
      // The refit's data rows, as the panel and `energy-lens fit` build them: real-phone units, this platform.
      const rows = campaignRows(read);
      assert.ok(!('reason' in rows), 'reason' in rows ? rows.reason : '');
      assert.strictEqual(rows.platformId, 'snapdragon-820/caffe2-eigen/cpu');
      assert.deepStrictEqual(rows.rowLabels, ['conv1', 'relu1', 'pool1']);
      assert.strictEqual(rows.timeScale, 0.05);
    } finally {
      server.kill();
      await phone.close();
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  });

  it('keeps what was measured and ends the file as failed when the link drops', async () => {
    const server = await privateAdbServer();
    const phone = await startEmulatedPhone({ timeScale: 0.05 });
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'el-adb-ws-'));
    try {
      const networkFile = path.join(workspace, 'alexnet.prototxt');
      fs.copyFileSync(path.join(CORPUS_PROTOTXT, 'alexnet.prototxt'), networkFile);
      let seen = 0;
      const out = await runAdbCampaign({
        workspaceRoot: workspace,
        networkFile,
        targetName: 'sd820',
        device: new AdbDevice(phone.serial, server),
        power: { kind: 'external-probe', command: `exec ${phone.probeCommand}` },
        steadyMs: 400,
        idleMs: 800,
        layers: ['conv1', 'relu1', 'pool1', 'norm1'],
        onLayer: () => {
          if (++seen === 2) setTimeout(() => phone.dropConnections(), 150);
        },
      });
      assert.strictEqual(out.status, 'failed');
      assert.match(out.message ?? '', /Lost the adb connection|offline|not connected/);
      const read = readCampaignFile(out.recordsFile!);
      assert.strictEqual(read.status, 'partial');
      assert.deepStrictEqual(
        read.layers.map((l) => l.name),
        ['conv1', 'relu1'],
      );
      assert.strictEqual(read.ends[read.ends.length - 1].status, 'failed');
    } finally {
      server.kill();
      await phone.close();
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  });
});
