// Per-layer steady-state campaign over the real adb client against the emulated Snapdragon 820,
// compared with the emulator's hidden truth: the external probe within 5 % per layer for layers of
// 1 ms or more (board time); the fuel gauge's figures are reported and bounded.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AdbDevice, AdbError } from '../../../client/src/board/adb';
import { EmulatedPhone, startEmulatedPhone } from '../../../client/src/board/emulated-phone';
import { oneOpNets } from '../../../client/src/campaigns/adb-one-op-nets';
import { AdbLayerResult, measureOverAdb } from '../../../client/src/campaigns/adb-steady-state';
import { encodeNetDef } from '../../../server/src/caffe2/netdef';
import { Caffe2Translation, translateToCaffe2 } from '../../../server/src/caffe2/translate';
import { CORPUS_PROTOTXT } from '../shared-paths';
import { privateAdbServer } from './helpers';

interface Row {
  name: string;
  boardMs: number;
  energyErr: number;
  timeErr: number;
  powerErr: number;
}

function compare(phone: EmulatedPhone, t: Caffe2Translation, measured: AdbLayerResult[]): Row[] {
  const nets = new Map(oneOpNets(t).map((n) => [n.layer.layer, n]));
  return measured.map((m) => {
    const n = nets.get(m.name)!;
    const truth = phone.truth(encodeNetDef(n.init), encodeNetDef(n.predict)).ops;
    const time = truth.reduce((a, o) => a + o.time_ms, 0);
    const energy = truth.reduce((a, o) => a + o.energy_mj, 0);
    return {
      name: m.name,
      boardMs: truth.reduce((a, o) => a + o.board_time_ms, 0),
      energyErr: m.energy_mJ / energy - 1,
      timeErr: m.time_ms / time - 1,
      powerErr: m.power_mW / ((1000 * energy) / time) - 1,
    };
  });
}

function summary(label: string, rows: Row[]): string {
  const bin = (r: Row[]) =>
    r.length
      ? `${r.length} layers, median |err| ${(100 * r.map((x) => Math.abs(x.energyErr)).sort((a, b) => a - b)[Math.floor(r.length / 2)]).toFixed(2)} %, max ${(100 * Math.max(...r.map((x) => Math.abs(x.energyErr)))).toFixed(2)} %`
      : 'none';
  return `${label}: >= 1 ms: ${bin(rows.filter((r) => r.boardMs >= 1))}; < 1 ms: ${bin(rows.filter((r) => r.boardMs < 1))}`;
}

describe('steady-state campaign over adb against the emulated truth', function () {
  this.timeout(240000);
  let server: Awaited<ReturnType<typeof privateAdbServer>>;
  let tmp: string;
  let alexnet: ReturnType<typeof translateToCaffe2>;

  before(async function () {
    // The corpus lives in ../shared beside the checkout: without it there is no AlexNet to measure.
    const file = path.join(CORPUS_PROTOTXT, 'alexnet.prototxt');
    if (!fs.existsSync(file)) this.skip();
    alexnet = translateToCaffe2(fs.readFileSync(file, 'utf8'));
    server = await privateAdbServer();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'el-adb-campaign-'));
  });
  after(() => {
    server?.kill();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('external probe: every AlexNet layer of 1 ms or more within 5 % of the true energy', async () => {
    const phone = await startEmulatedPhone({ timeScale: 0.05 });
    try {
      const device = new AdbDevice(phone.serial, server);
      const r = await measureOverAdb({
        device,
        translation: alexnet,
        power: { kind: 'external-probe', command: `exec ${phone.probeCommand}` },
        localDir: tmp,
        steadyMs: 1000,
        idleMs: 1000,
      });
      assert.strictEqual(r.layers.length, alexnet.layers.length);
      assert.ok(Math.abs(r.power.idle_power_mW - 640) < 10, `idle ${r.power.idle_power_mW} mW`);
      const rows = compare(phone, alexnet, r.layers);
      console.log(`      ${summary('probe', rows)}`);
      if (process.env.ENERGY_LENS_VERBOSE)
        for (const x of rows)
          console.log(
            `        ${x.name} ${x.boardMs.toFixed(2)} ms: energy ${(100 * x.energyErr).toFixed(2)} %, time ${(100 * x.timeErr).toFixed(2)} %, power ${(100 * x.powerErr).toFixed(2)} %`,
          );
      for (const row of rows.filter((x) => x.boardMs >= 1)) {
        assert.ok(
          Math.abs(row.energyErr) <= 0.05,
          `${row.name}: energy ${(100 * row.energyErr).toFixed(2)} % (time ${(100 * row.timeErr).toFixed(2)} %, power ${(100 * row.powerErr).toFixed(2)} %)`,
        );
      }
      assert.ok(
        rows.some((x) => x.boardMs >= 1),
        'no layer of 1 ms or more: the check would be empty',
      );
    } finally {
      await phone.close();
    }
  });

  it('fuel gauge: detects sign and update period, and measures the big layers', async () => {
    const phone = await startEmulatedPhone({ timeScale: 0.2 });
    try {
      const device = new AdbDevice(phone.serial, server);
      const big = ['conv1', 'conv2', 'conv3', 'fc6'];
      const r = await measureOverAdb({
        device,
        translation: alexnet,
        power: { kind: 'fuel-gauge' },
        localDir: tmp,
        steadyMs: 1500,
        idleMs: 1500,
        layers: big,
      });
      assert.strictEqual(r.power.dischargeSign, -1);
      assert.ok(Math.abs(r.power.updatePeriod_ms! - 200) < 50, `update period ${r.power.updatePeriod_ms} ms (true 1000 ms x 0.2)`);
      const rows = compare(phone, alexnet, r.layers);
      console.log(
        `      ${summary('fuel gauge', rows)}; update period ${r.power.updatePeriod_ms?.toFixed(0)} ms (true 200), sign ${r.power.dischargeSign}`,
      );
      for (const row of rows) assert.ok(Math.abs(row.energyErr) <= 0.15, `${row.name}: energy ${(100 * row.energyErr).toFixed(2)} %`);
    } finally {
      await phone.close();
    }
  });

  it('fuel gauge: refuses to measure while USB power is on, and says how to fix it', async () => {
    const phone = await startEmulatedPhone({ timeScale: 0.2, usbPower: true });
    try {
      const device = new AdbDevice(phone.serial, server);
      await assert.rejects(
        measureOverAdb({ device, translation: alexnet, power: { kind: 'fuel-gauge' }, localDir: tmp, layers: ['conv1'] }),
        (e: unknown) => e instanceof AdbError && /usb power is online.*Unplug USB and use adb over Wi-Fi/.test(e.message),
      );
    } finally {
      await phone.close();
    }
  });
});
