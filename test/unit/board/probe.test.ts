// `probe` on every emulated layout: the rails, the total rail and the averaging set-up a client shows.
import { strict as assert } from 'assert';
import { createEmulatedBoard, EmulatedBoard, EmulatedBoardKind } from '../../../client/src/board/emulator';
import { FIXTURE_ANALYSIS, runAgent } from './helpers';
import { describeProbe, parseProbe } from '../../../client/src/campaigns/probe';

interface ProbeOut {
  v: number;
  event: string;
  board: { model: string; l4t: { l4t: string; board: string }; emulated: boolean };
  sensor: {
    found: boolean;
    devices: Array<{ bus: string; layout: string; path: string; running_mode?: string; samples?: number; update_interval_ms?: number }>;
    rails: Array<{ name: string; device: string; layout: string; power_mw: number }>;
    total_rail: string | null;
    cpu_rail: string | null;
    gpu_rail: string | null;
    window_s: number | null;
    hint: string | null;
  };
  cpu: { online: string; cores: Array<{ governor: string; cur_khz: number; max_khz: number }> };
  gpu: { devfreq: string; cur_hz: number } | null;
  nvpmodel: { mode: number; name: string; modes: unknown[] } | null;
  caffe: { python: { importable: boolean }; binary: string | null; binary_version?: string };
  python: { version: string };
}

async function probe(board: EmulatedBoard): Promise<ProbeOut> {
  const r = await runAgent(board, ['probe']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, 'probe prints one JSON object');
  return JSON.parse(lines[0]) as ProbeOut;
}

describe('board agent: probe on emulated boards', function () {
  this.timeout(60000);
  const boards: EmulatedBoard[] = [];
  const make = async (kind: EmulatedBoardKind) => {
    const b = await createEmulatedBoard({ kind, timeScale: 0.2, analyzeJson: FIXTURE_ANALYSIS });
    boards.push(b);
    return b;
  };
  after(async () => {
    for (const b of boards) await b.dispose();
  });

  it('TX1: iio layout, VDD_IN total, ~0.42 s window, idle readings', async () => {
    const p = await probe(await make('jetson-tx1'));
    assert.equal(p.v, 1);
    assert.equal(p.event, 'probe');
    assert.equal(p.board.model, 'jetson_tx1');
    assert.equal(p.board.l4t.l4t, '28.2.0');
    assert.equal(p.board.emulated, true);
    assert.deepEqual(
      p.sensor.rails.map((r) => r.name),
      ['VDD_IN', 'VDD_GPU', 'VDD_CPU'],
    );
    assert.deepEqual(
      p.sensor.devices.map((d) => [d.bus, d.layout, d.running_mode]),
      [['1-0040', 'iio', 'continuous']],
    );
    assert.equal(p.sensor.devices[0].path, '/sys/bus/i2c/devices/1-0040/iio:device0');
    assert.equal(p.sensor.total_rail, 'VDD_IN');
    assert.equal(p.sensor.cpu_rail, 'VDD_CPU');
    assert.equal(p.sensor.gpu_rail, 'VDD_GPU');
    assert.ok(Math.abs(p.sensor.window_s! - 0.4224) < 1e-6);
    const vin = p.sensor.rails[0].power_mw;
    assert.ok(vin > 2000 && vin < 2300, `idle VDD_IN ${vin} mW`);
    assert.equal(p.cpu.cores.length, 4);
    assert.equal(p.cpu.cores[0].governor, 'interactive');
    assert.equal(p.cpu.cores[0].cur_khz, 1734000);
    assert.equal(p.gpu?.devfreq, '57000000.gpu');
    assert.equal(p.nvpmodel, null);
    assert.equal(p.caffe.python.importable, true);
    assert.match(p.caffe.binary ?? '', /emulator\/bin\/caffe$/);
    assert.equal(p.caffe.binary_version, '1.0.0');
    assert.match(p.python.version, /^3\.\d+/);
  });

  it('TX2: two sensors, VDD_IN on 0-0041, nvpmodel', async () => {
    const p = await probe(await make('jetson-tx2'));
    assert.deepEqual(
      p.sensor.devices.map((d) => d.bus),
      ['0-0040', '0-0041'],
    );
    assert.deepEqual(
      p.sensor.rails.map((r) => r.name),
      ['VDD_SYS_GPU', 'VDD_SYS_SOC', 'VDD_4V0_WIFI', 'VDD_IN', 'VDD_SYS_CPU', 'VDD_SYS_DDR'],
    );
    assert.equal(p.sensor.total_rail, 'VDD_IN');
    assert.equal(p.sensor.rails.find((r) => r.name === 'VDD_IN')!.device, '0-0041');
    assert.equal(p.sensor.cpu_rail, 'VDD_SYS_CPU');
    assert.equal(p.nvpmodel?.mode, 0);
    assert.equal(p.nvpmodel?.name, 'MAXN');
    assert.equal(p.cpu.cores.length, 6);
    // The modes nvpmodel offers, the clock ranges, and whether the agent may switch (issue 15).
    const info = parseProbe(JSON.stringify(p), 'board "tx2"');
    assert.deepEqual(
      info.powerModes?.modes.map((m) => [m.id, m.name, m.cpuOnline, m.cpuMaxKhz ?? null, m.gpuMaxHz ?? null]),
      [
        [0, 'MAXN', 6, null, null],
        [1, 'MAXQ', 4, 1200000, 850000000],
        [2, 'MAXP_CORE_ALL', 6, 1400000, 1122000000],
        [3, 'MAXP_CORE_ARM', 4, 2000000, 1122000000],
        [4, 'MAXP_CORE_DENVER', 2, 2000000, 1122000000],
      ],
    );
    assert.equal(info.powerModes?.current, 0);
    assert.deepEqual(info.clocks.cpuKhz, [345600, 2035200]);
    assert.deepEqual(info.clocks.gpuHz, [Math.floor(1300500000 / 13), 1300500000]);
    // The emulated board has its nvpmodel; like the real one it switches only as root (or with sudo -n).
    const root = process.getuid?.() === 0;
    assert.equal(info.powerModes?.mayChange, root);
    if (!root) assert.match(info.powerModes?.whyNot ?? '', /sudo/);
    const said = describeProbe(info);
    assert.match(said, /CPU 346–2035 MHz, GPU 100–1301 MHz/);
    assert.match(
      said,
      root
        ? /power mode 0 \(MAXN\) of 5: 0 MAXN, 1 MAXQ, .*4 MAXP_CORE_DENVER; the agent can change it/
        : /power mode 0 \(MAXN\) of 5: 0 MAXN, 1 MAXQ, .*4 MAXP_CORE_DENVER; the agent cannot change it \(/,
    );
  });

  it('AGX Orin: hwmon layout, NC channels skipped, total is the sum, readable averaging', async () => {
    const p = await probe(await make('jetson-orin'));
    assert.deepEqual(
      p.sensor.rails.map((r) => r.name),
      ['VDD_GPU_SOC', 'VDD_CPU_CV', 'VIN_SYS_5V0', 'VDDQ_VDD2_1V8AO'],
    );
    assert.ok(p.sensor.rails.every((r) => r.layout === 'hwmon'));
    assert.equal(p.sensor.total_rail, 'sum');
    assert.equal(p.sensor.devices[0].samples, 1);
    assert.equal(p.sensor.devices[0].update_interval_ms, 6);
    assert.match(p.sensor.devices[0].path, /^\/sys\/bus\/i2c\/devices\/1-0040\/hwmon\/hwmon\d+$/);
    assert.equal(p.board.model, 'NVIDIA Jetson AGX Orin Developer Kit');
    assert.equal(p.board.l4t.l4t, '35.4.1');
    const vdd = p.sensor.rails[1].power_mw;
    assert.ok(vdd > 700 && vdd < 900, `idle VDD_CPU_CV ${vdd} mW (mV x mA / 1000)`);
  });

  it('stock TX1 without the sensor: reported with a hint, not an error', async () => {
    const r = await runAgent(await make('jetson-tx1-nosensor'), ['probe']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    const p = JSON.parse(r.stdout) as ProbeOut;
    assert.equal(p.sensor.found, false);
    assert.deepEqual(p.sensor.rails, []);
    assert.equal(p.sensor.total_rail, null);
    assert.match(p.sensor.hint ?? '', /INA3221.*disabled.*CONFIG_SENSORS_INA3221/s);
    assert.equal(p.board.model, 'jetson_tx1');
  });
});
