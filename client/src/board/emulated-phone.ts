// A handle on an emulated Snapdragon 820 phone (client/src/board/emulator-android/) for tests and
// the demo: its file system in a host folder, an adbd on 127.0.0.1 the real `adb` client connects
// to (`adb connect 127.0.0.1:PORT`), an emulated mobile_speedbenchmark, the fuel gauge, an
// external Energy Probe source, the switches tests use to break the link, and (tests only) the
// hidden truth.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { decodeNetDef, argInts } from '../../../server/src/caffe2/netdef';
import { Shape, operatorOutputShapes } from '../../../server/src/caffe2/shapes';
import { AdbdBehaviour, EmulatedAdbd } from './emulator-android/adbd';
import type { DeviceProgram } from './emulator-android/device-shell';
import { EmulatedEnergyProbe } from './emulator-android/energy-probe';
import { FuelGauge, SD820_GAUGE } from './emulator-android/fuel-gauge';
import { PowerTimeline } from './emulator-android/power-timeline';
import { SandboxFs } from './emulator-android/sandbox-fs';
import { SNAPDRAGON_820_PROPS, cpuinfo } from './emulator-android/snapdragon-820';
import { speedBenchmark } from './emulator-android/speed-benchmark';
import { IDLE_POWER_MW, opCost } from './emulator-android/truth';

/** Where SyNERGY pushes its benchmark binary; the emulated phone has it installed there. */
export const BENCHMARK_PATH = '/data/local/tmp/mobile_speedbenchmark';

export interface OpTruth {
  name: string;
  type: string;
  /** One run in the emulator's (scaled) time. */
  time_ms: number;
  board_time_ms: number;
  power_mw: number;
  energy_mj: number;
  dynamic_energy_mj: number;
}

export interface EmulatedPhoneOptions {
  /** Host folder for the phone's files (default: a new temporary folder, removed by close()). */
  root?: string;
  /** 'online' (default), 'unauthorized' (never accepts the host's key) or 'offline' (never answers). */
  behaviour?: AdbdBehaviour;
  /** TCP port on 127.0.0.1 (default 0: a free one). */
  port?: number;
  /** Multiplies every emulated duration and the gauge's update period (default 1: real time). */
  timeScale?: number;
  /** Fixes the hidden per-op variation (default 1). */
  seed?: number;
  /** USB power connected (default false: adb over Wi-Fi, the gauge shows the load). */
  usbPower?: boolean;
  /** 'synergy' makes the benchmark print SyNERGY's `Inside Run` lines too (default 'upstream'). */
  runner?: 'upstream' | 'synergy';
  /** How the probe command starts Node (default `node`; the extension host passes its own executable). */
  nodeCommand?: string;
}

export interface EmulatedPhone {
  readonly port: number;
  /** What `adb connect` and `adb -s` take: `127.0.0.1:PORT`. */
  readonly serial: string;
  readonly root: string;
  readonly fs: SandboxFs;
  readonly timeScale: number;
  /** A host command that prints the Energy Probe's CSV samples until it is stopped. */
  readonly probeCommand: string;
  /** Cuts the host's connections (the phone leaving Wi-Fi); the phone keeps listening. */
  dropConnections(): void;
  setUsbPower(on: boolean): void;
  /** Tests only: what each op of a predict net truly costs (the measuring code never calls this). */
  truth(initNet: Uint8Array, predictNet: Uint8Array, inputDims?: Shape): { idle_power_mw: number; ops: OpTruth[] };
  close(): Promise<void>;
}

export async function startEmulatedPhone(opts: EmulatedPhoneOptions = {}): Promise<EmulatedPhone> {
  const temporary = opts.root === undefined;
  const root = opts.root ?? fs.mkdtempSync(path.join(os.tmpdir(), 'energy-lens-sd820-'));
  const sandbox = new SandboxFs(path.join(root, 'device'));
  const timeScale = opts.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error(`timeScale must be > 0, got ${timeScale}`);
  const seed = opts.seed ?? 1;
  let usb = opts.usbPower ?? false;
  const timeline = new PowerTimeline(IDLE_POWER_MW);
  const gauge = new FuelGauge(timeline, SD820_GAUGE, timeScale, () => usb);
  sandbox.addVirtual('/proc/cpuinfo', cpuinfo);
  const battery = '/sys/class/power_supply/battery';
  sandbox.addVirtual(`${battery}/type`, () => 'Battery\n');
  sandbox.addVirtual(`${battery}/present`, () => '1\n');
  sandbox.addVirtual(`${battery}/technology`, () => 'Li-ion\n');
  sandbox.addVirtual(`${battery}/capacity`, () => '78\n');
  sandbox.addVirtual(`${battery}/status`, () => gauge.status());
  sandbox.addVirtual(`${battery}/current_now`, () => gauge.currentNow());
  sandbox.addVirtual(`${battery}/voltage_now`, () => gauge.voltageNow());
  sandbox.addVirtual('/sys/class/power_supply/usb/type', () => 'USB\n');
  sandbox.addVirtual('/sys/class/power_supply/usb/online', () => (usb ? '1\n' : '0\n'));
  const programs = new Map<string, DeviceProgram>([
    [BENCHMARK_PATH, speedBenchmark({ timeline, seed, timeScale, runner: opts.runner ?? 'upstream' })],
  ]);
  sandbox.write(BENCHMARK_PATH, 'emulated mobile_speedbenchmark (Caffe2 + Eigen, arm64)\n');
  sandbox.chmod(BENCHMARK_PATH, 0o755);
  // Like the emulated Jetson, the phone says it is emulated and how fast it runs (records keep both).
  const props = new Map([...SNAPDRAGON_820_PROPS, ['energylens.time_scale', String(timeScale)]]);
  const adbd = new EmulatedAdbd({ fs: sandbox, props, programs, behaviour: opts.behaviour });
  const probe = new EmulatedEnergyProbe(timeline);
  const probePort = await probe.listen();
  const port = await adbd.listen(opts.port ?? 0);
  return {
    port,
    serial: `127.0.0.1:${port}`,
    root,
    fs: sandbox,
    timeScale,
    probeCommand: `${opts.nodeCommand ?? 'node'} -e "require('net').connect(${probePort},'127.0.0.1').pipe(process.stdout)"`,
    dropConnections: () => adbd.dropConnections(),
    setUsbPower(on) {
      usb = on;
    },
    truth(initBytes, predictBytes, inputDims) {
      const init = decodeNetDef(initBytes);
      const net = decodeNetDef(predictBytes);
      const shapes = new Map<string, Shape>();
      for (const op of init.op) for (const o of op.output) shapes.set(o, argInts(op, 'shape') ?? []);
      if (inputDims && net.external_input[0]) shapes.set(net.external_input[0], inputDims);
      const ops = net.op.map((op) => {
        const inputs = op.input.map((i) => shapes.get(i)!);
        const outputs = operatorOutputShapes(op, inputs);
        op.output.forEach((o, i) => shapes.set(o, outputs[i]));
        const c = opCost(seed, op, inputs, outputs);
        const t = c.boardTimeMs * timeScale;
        return {
          name: op.name || op.output[0],
          type: op.type,
          time_ms: t,
          board_time_ms: c.boardTimeMs,
          power_mw: c.powerMw,
          energy_mj: (c.powerMw * t) / 1000,
          dynamic_energy_mj: ((c.powerMw - IDLE_POWER_MW) * t) / 1000,
        };
      });
      return { idle_power_mw: IDLE_POWER_MW, ops };
    },
    async close() {
      await probe.close();
      await adbd.close();
      if (temporary) fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
