// The emulated Snapdragon 820 seen through the real adb client: the benchmark's exact output for
// translated corpus nets (parsed by the project's parser, timed as the hidden truth says), the fuel
// gauge files and the Energy Probe source.
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AdbDevice, shellCommand } from '../../../client/src/board/adb';
import { BENCHMARK_PATH, EmulatedPhone, startEmulatedPhone } from '../../../client/src/board/emulated-phone';
import { parseBenchmarkOutput } from '../../../server/src/caffe2/benchmark-output';
import { encodeNetDef } from '../../../server/src/caffe2/netdef';
import { translateToCaffe2 } from '../../../server/src/caffe2/translate';
import { CORPUS_PROTOTXT } from '../shared-paths';
import { privateAdbServer } from './helpers';

describe('emulated Snapdragon 820 (real adb client)', function () {
  this.timeout(90000);
  let server: Awaited<ReturnType<typeof privateAdbServer>>;
  let phone: EmulatedPhone;
  let device: AdbDevice;
  let tmp: string;

  before(async () => {
    server = await privateAdbServer();
    phone = await startEmulatedPhone({ timeScale: 0.05 });
    device = new AdbDevice(phone.serial, server);
    await device.ensureReady();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'el-sd820-'));
  });
  after(async () => {
    server.kill();
    await phone.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("runs a pushed AlexNet with --run_individual and prints Caffe2's output, timed as the truth says", async () => {
    const t = translateToCaffe2(fs.readFileSync(path.join(CORPUS_PROTOTXT, 'alexnet.prototxt'), 'utf8'));
    const init = encodeNetDef(t.initNet);
    const predict = encodeNetDef(t.predictNet);
    fs.writeFileSync(path.join(tmp, 'init_net.pb'), init);
    fs.writeFileSync(path.join(tmp, 'predict_net.pb'), predict);
    await device.push(path.join(tmp, 'init_net.pb'), '/data/local/tmp/init_net.pb');
    await device.push(path.join(tmp, 'predict_net.pb'), '/data/local/tmp/predict_net.pb');
    const r = await device.shell(
      shellCommand([
        '.' + BENCHMARK_PATH,
        '--init_net=/data/local/tmp/init_net.pb',
        '--net=/data/local/tmp/predict_net.pb',
        '--warmup=0',
        '--iter=3',
        '--run_individual=true',
        `--input_dims=${t.input.shape.join(',')}`,
      ]),
    );
    assert.strictEqual(r.code, 0, r.stderr);
    const out = parseBenchmarkOutput(r.stdout);
    assert.deepStrictEqual(out.unknownLines, []);
    assert.deepStrictEqual(
      out.operators.map((o) => `${o.name}/${o.type}`),
      t.predictNet.op.map((o) => `${o.name}/${o.type}`),
    );
    assert.deepStrictEqual(
      out.tables.map((x) => x.metric),
      ['Time', 'FLOP', 'Feature Memory', 'Parameter Memory'],
    );
    const truth = phone.truth(init, predict, t.input.shape);
    const netTruth = truth.ops.reduce((a, o) => a + o.time_ms, 0);
    assert.ok(Math.abs(out.msPerIter - netTruth) / netTruth < 0.1, `net ${out.msPerIter} ms vs truth ${netTruth}`);
    const conv1 = out.operators.find((o) => o.name === 'conv1')!;
    assert.ok(
      Math.abs(conv1.msPerIter - truth.ops[0].time_ms) / truth.ops[0].time_ms < 0.1,
      `conv1 ${conv1.msPerIter} vs ${truth.ops[0].time_ms}`,
    );
    assert.ok(Math.abs(conv1.gflop! - (2 * 105415200) / 1e9) < 1e-6, `conv1 GFLOP ${conv1.gflop}`);
  });

  it('fails as Caffe2 does for a missing net file and an unknown flag', async () => {
    const missing = await device.shell(
      shellCommand([BENCHMARK_PATH, '--init_net=/data/local/tmp/none.pb', '--net=/data/local/tmp/none.pb']),
    );
    assert.strictEqual(missing.code, 134);
    assert.match(missing.stderr, /caffe2::EnforceNotMet[\s\S]*ReadProtoFromFile\(FLAGS_init_net, &net_def\)/);
    const flag = await device.shell(shellCommand([BENCHMARK_PATH, '--iters=3']));
    assert.strictEqual(flag.code, 1);
    assert.match(flag.stderr, /unknown command line flag 'iters'/);
  });

  it('shows a fuel gauge in µA and µV, negative while discharging, charging with USB power on', async () => {
    const read = async () => {
      const r = await device.shell(
        'cat /sys/class/power_supply/battery/current_now /sys/class/power_supply/battery/voltage_now /sys/class/power_supply/battery/status /sys/class/power_supply/usb/online',
      );
      const [ua, uv, status, online] = r.stdout.trim().split('\n');
      return { ua: Number(ua), uv: Number(uv), status, online };
    };
    await new Promise((res) => setTimeout(res, 120));
    const idle = await read();
    assert.strictEqual(idle.status, 'Discharging');
    assert.strictEqual(idle.online, '0');
    assert.ok(idle.ua < -100_000 && idle.ua > -400_000, `idle current ${idle.ua} µA`);
    assert.ok(idle.uv > 3_700_000 && idle.uv < 3_900_000, `voltage ${idle.uv} µV`);
    assert.ok(Math.abs((-idle.ua * idle.uv) / 1e9 - 640) < 10, `idle power ${(-idle.ua * idle.uv) / 1e9} mW`);
    phone.setUsbPower(true);
    const charging = await read();
    phone.setUsbPower(false);
    assert.strictEqual(charging.status, 'Charging');
    assert.strictEqual(charging.online, '1');
    assert.ok(charging.ua > 0, `charging current ${charging.ua}`);
  });

  it('streams Energy Probe samples as CSV from its capture command', async () => {
    const child = spawn('sh', ['-c', phone.probeCommand], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let text = '';
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
    });
    await new Promise((res) => setTimeout(res, 600));
    process.kill(-child.pid!, 'SIGTERM');
    await new Promise((res) => child.once('close', res));
    const lines = text.trim().split('\n');
    assert.strictEqual(lines[0], 'time_s,voltage_V,current_A,power_W');
    assert.ok(lines.length > 100, `${lines.length} lines`);
    const watts = lines.slice(1).map((l) => Number(l.split(',')[3]));
    const mean = watts.reduce((a, v) => a + v, 0) / watts.length;
    assert.ok(Math.abs(mean - 0.64) < 0.01, `idle ${mean} W`);
  });
});
