// Per-layer steady-state measurement on an Android phone over adb (Caffe2 + Eigen through
// mobile_speedbenchmark): each layer's one-op net is benchmarked with --iter large enough to fill
// `steadyMs`, and its power is the mean over the middle of that run from the chosen power source:
//  - external probe: host CSV samples, aligned to the phone by markers (an idle gap, then a known
//    burst: the first rising edge after the quiet gap), each run found as the active stretch in its
//    expected window and trimmed by 10 % on both sides;
//  - fuel gauge: only with USB/AC power off (the phone charges otherwise); its sign convention and
//    update period are detected from idle and burst readings, and only readings whose update window
//    lies inside the run count.
// Per-operator times of the whole net come from one --run_individual=true run.
import * as fs from 'fs';
import * as path from 'path';
import { AdbDevice, AdbError, shellCommand } from '../board/adb';
import { ProbeCapture, ProbeColumns, ProbeSample } from '../board/adb/power/probe-capture';
import { GaugeReading, findBattery, meanPowerMw, pollGauge, updatePeriodMs } from '../board/adb/power/fuel-gauge-reader';
import { BenchmarkOutput, parseBenchmarkOutput } from '../../../server/src/caffe2/benchmark-output';
import { NetDef, encodeNetDef } from '../../../server/src/caffe2/netdef';
import type { Caffe2Translation } from '../../../server/src/caffe2/translate';
import { OneOpNet, oneOpNets } from './adb-one-op-nets';

export type AdbPowerSource = { kind: 'external-probe'; command: string; columns?: ProbeColumns } | { kind: 'fuel-gauge' };

export interface AdbLayerResult {
  name: string;
  type: string;
  /** One run of the layer's operator(s), from the benchmark's Milliseconds per iter. */
  time_ms: number;
  power_mW: number;
  idle_power_mW: number;
  energy_mJ: number;
  dynamic_energy_mJ: number;
  iterations: number;
  /** Samples (probe) or gauge readings the power is the mean of. */
  samples: number;
  /** The op's time in the whole-net --run_individual run (includes the timer's overhead). */
  individual_ms?: number;
}

export interface PowerSourceReport {
  kind: AdbPowerSource['kind'];
  idle_power_mW: number;
  /** Probe: samples per second; gauge: detected update period and sign. */
  sampleRate_Hz?: number;
  updatePeriod_ms?: number;
  dischargeSign?: 1 | -1;
  battery?: string;
  alignment_s?: number;
}

export interface AdbSteadyStateOptions {
  device: AdbDevice;
  translation: Caffe2Translation;
  power: AdbPowerSource;
  /** Host folder for the NetDef files pushed to the phone. */
  localDir: string;
  remoteDir?: string;
  benchmark?: string;
  /** Length of each layer's steady-state run (host ms, default 3000; the gauge needs 5 update periods). */
  steadyMs?: number;
  /** Idle gap before the marker burst (ms, default 2000). */
  idleMs?: number;
  /** Only these layers (default all). */
  layers?: string[];
  signal?: AbortSignal;
  onPowerSource?(r: PowerSourceReport): void;
  onLayer?(r: AdbLayerResult): void;
  onNet?(r: BenchmarkOutput): void;
}

const REMOTE_DIR = '/data/local/tmp/energy-lens';
const BENCHMARK = '/data/local/tmp/mobile_speedbenchmark';
const MAX_ITER = 50_000_000;

function mean(xs: number[]): number {
  return xs.reduce((a, v) => a + v, 0) / xs.length;
}

function std(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Phone {
  constructor(private readonly o: AdbSteadyStateOptions) {}
  get remoteDir(): string {
    return this.o.remoteDir ?? REMOTE_DIR;
  }

  async pushNets(tag: string, init: NetDef, predict: NetDef): Promise<{ init: string; predict: string }> {
    const safe = tag.replace(/[^A-Za-z0-9_.-]/g, '_');
    const local = { init: path.join(this.o.localDir, `${safe}.init.pb`), predict: path.join(this.o.localDir, `${safe}.predict.pb`) };
    fs.writeFileSync(local.init, encodeNetDef(init));
    fs.writeFileSync(local.predict, encodeNetDef(predict));
    const remote = { init: `${this.remoteDir}/${safe}.init.pb`, predict: `${this.remoteDir}/${safe}.predict.pb` };
    await this.o.device.push(local.init, remote.init, this.o.signal);
    await this.o.device.push(local.predict, remote.predict, this.o.signal);
    return remote;
  }

  /** Runs the benchmark; resolves to its parsed output and the host times around it. */
  async bench(
    nets: { init: string; predict: string },
    iter: number,
    individual: boolean,
    inputDims?: number[],
  ): Promise<{ out: BenchmarkOutput; start: number; end: number }> {
    const argv = [
      this.o.benchmark ?? BENCHMARK,
      `--init_net=${nets.init}`,
      `--net=${nets.predict}`,
      '--warmup=0',
      `--iter=${iter}`,
      `--run_individual=${individual}`,
    ];
    if (inputDims) argv.push(`--input_dims=${inputDims.join(',')}`);
    const start = Date.now();
    const r = await this.o.device.shell(shellCommand(argv), { signal: this.o.signal });
    const end = Date.now();
    if (r.code !== 0)
      throw new AdbError(
        `mobile_speedbenchmark failed on ${this.o.device.serial} (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-3).join(' ') || r.stdout.slice(-200)}`,
        'adb-failed',
      );
    return { out: parseBenchmarkOutput(r.stdout), start, end };
  }
}

/** The active stretch of `samples` (above `threshold`), trimmed by 10 % each side. */
function steadyStretch(samples: ProbeSample[], threshold: number): ProbeSample[] {
  let best: [number, number] = [0, 0];
  let from = -1;
  for (let k = 0; k <= samples.length; k++) {
    const on = k < samples.length && samples[k].watts > threshold;
    if (on && from < 0) from = k;
    if (!on && from >= 0) {
      if (k - from > best[1] - best[0]) best = [from, k];
      from = -1;
    }
  }
  const n = best[1] - best[0];
  return samples.slice(best[0] + Math.floor(n * 0.1), best[1] - Math.floor(n * 0.1));
}

export async function measureOverAdb(
  o: AdbSteadyStateOptions,
): Promise<{ layers: AdbLayerResult[]; power: PowerSourceReport; net: BenchmarkOutput }> {
  const phone = new Phone(o);
  const device = o.device;
  const steadyMsWanted = o.steadyMs ?? 3000;
  const idleMs = o.idleMs ?? 2000;
  await device.ensureReady(o.signal);
  const benchmark = o.benchmark ?? BENCHMARK;
  const check = await device.shell(shellCommand(['test', '-x', benchmark]), { signal: o.signal });
  if (check.code !== 0)
    throw new AdbError(
      `${benchmark} is not on ${device.serial} (or not executable): push SyNERGY's mobile_speedbenchmark build there (adb push mobile_speedbenchmark ${benchmark}; adb shell chmod 755 ${benchmark})`,
      'adb-failed',
    );
  await device.shell(shellCommand(['mkdir', '-p', phone.remoteDir]), { signal: o.signal });

  // Per-operator times from the whole net (also the iteration counts of the steady-state runs).
  const t = o.translation;
  const whole = await phone.pushNets('net', t.initNet, t.predictNet);
  const net = (await phone.bench(whole, 3, true, t.input.shape)).out;
  o.onNet?.(net);
  const nets = oneOpNets(t).filter((n) => !o.layers || o.layers.includes(n.layer.layer));
  const individual = (n: OneOpNet) => n.layer.ops.reduce((a, k) => a + (net.operators[k]?.msPerIter ?? 0), 0);
  const iterFor = (n: OneOpNet, ms: number) => Math.min(MAX_ITER, Math.max(10, Math.ceil(ms / Math.max(individual(n), 1e-4))));
  const marker = nets.reduce((a, b) => (individual(b) > individual(a) ? b : a));
  const markerNets = await phone.pushNets(`marker_${marker.layer.layer}`, marker.init, marker.predict);

  let report: PowerSourceReport;
  let measurePower: (run: { start: number; end: number }) => Promise<{ mw: number; samples: number }>;
  let steadyMs = steadyMsWanted;
  let stopSource = () => undefined as void;

  if (o.power.kind === 'external-probe') {
    const capture = new ProbeCapture(o.power.command, o.power.columns);
    await capture.start();
    stopSource = () => capture.stop();
    const gapStart = Date.now();
    await device.shell(shellCommand(['sleep', String(idleMs / 1000)]), { signal: o.signal });
    const gapEnd = Date.now();
    const burst = await phone.bench(markerNets, iterFor(marker, 800), false);
    const waitFor = async (probeT: number) => {
      for (let k = 0; capture.latest < probeT && k < 500; k++) {
        if (capture.failure) break;
        await sleep(20);
      }
      if (capture.latest < probeT)
        throw new AdbError(`the probe stopped delivering samples (${capture.failure ?? 'no new samples for 10 s'})`, 'adb-failed');
    };
    // A first guess from the samples' arrival; the marker's edge corrects it (adb's start-up latency).
    const toProbe = (host: number) => capture.probeTimeOf(host);
    await waitFor(toProbe(burst.end) + 0.3);
    // Idle from the middle of the gap; the burst's rising edge is the first sample above threshold after a quiet stretch.
    const quiet = capture.between(
      toProbe(gapStart) + (0.25 * (gapEnd - gapStart)) / 1000,
      toProbe(gapEnd) - (0.25 * (gapEnd - gapStart)) / 1000,
    );
    if (quiet.length < 10) throw new AdbError('the probe gave too few samples during the idle gap to measure idle power', 'adb-failed');
    const idleW = mean(quiet.map((s) => s.watts));
    const threshold = idleW + Math.max(0.05, 6 * std(quiet.map((s) => s.watts)));
    const after = capture.between(toProbe(gapStart) + (0.5 * (gapEnd - gapStart)) / 1000, toProbe(burst.end) + 0.3);
    const edge = after.find((s) => s.watts > threshold);
    if (!edge)
      throw new AdbError(
        "no marker burst in the probe samples: check the probe is in the phone's battery line and the command captures it",
        'adb-failed',
      );
    const correction = edge.t - toProbe(burst.start);
    const rate = quiet.length / (quiet[quiet.length - 1].t - quiet[0].t || 1);
    report = { kind: 'external-probe', idle_power_mW: idleW * 1000, sampleRate_Hz: rate, alignment_s: correction };
    measurePower = async (run) => {
      const t0 = toProbe(run.start) + correction - 0.2;
      const t1 = toProbe(run.end) + correction + 0.2;
      await waitFor(t1);
      const steady = steadyStretch(capture.between(t0, t1), threshold);
      if (steady.length < 20)
        throw new AdbError(
          `too few probe samples above idle during the run (${steady.length}): the layer may draw too little power over idle for this probe`,
          'adb-failed',
        );
      return { mw: 1000 * mean(steady.map((s) => s.watts)), samples: steady.length };
    };
  } else {
    const { battery, externalPower } = await findBattery(device, o.signal);
    if (externalPower.length > 0) {
      throw new AdbError(
        `the fuel gauge cannot measure on ${device.serial}: ${externalPower.join(', ')} power is online, so the phone charges and the gauge does not show the load. Unplug USB and use adb over Wi-Fi (adb tcpip 5555; adb connect <phone-ip>:5555), or use an external probe.`,
        'adb-failed',
      );
    }
    const idleReadings = await pollGauge(device, battery, sleep(idleMs), o.signal);
    const period = updatePeriodMs(idleReadings);
    if (period === undefined)
      throw new AdbError(
        `the fuel gauge at ${battery} did not change during ${idleMs} ms of idle: its update period is longer; lengthen the idle gap`,
        'adb-failed',
      );
    const burstRun = phone.bench(markerNets, iterFor(marker, Math.max(8 * period, 800)), false);
    const burstReadings = await pollGauge(device, battery, burstRun, o.signal);
    const burst = await burstRun;
    const inside = burstReadings.filter((r) => r.at >= burst.start + 2 * period && r.at <= burst.end);
    if (inside.length < 2)
      throw new AdbError('too few fuel gauge readings during the marker burst to tell its sign convention', 'adb-failed');
    const idleMean = mean(idleReadings.map((r) => r.microamps));
    const burstMean = mean(inside.map((r) => r.microamps));
    const sign: 1 | -1 = Math.abs(burstMean) > Math.abs(idleMean) ? (burstMean > 0 ? 1 : -1) : idleMean > 0 ? 1 : -1;
    report = { kind: 'fuel-gauge', idle_power_mW: meanPowerMw(idleReadings, sign), updatePeriod_ms: period, dischargeSign: sign, battery };
    steadyMs = Math.max(steadyMsWanted, 6 * period);
    let readings: GaugeReading[] = [];
    measurePower = async (run) => {
      const inRun = readings.filter((r) => r.at >= run.start + 2 * period && r.at <= run.end);
      if (inRun.length < 2) throw new AdbError('too few fuel gauge readings inside the run', 'adb-failed');
      return { mw: meanPowerMw(inRun, sign), samples: inRun.length };
    };
    const plain = phone.bench.bind(phone);
    phone.bench = async (...args) => {
      const run = plain(...args);
      readings = await pollGauge(device, battery, run, o.signal);
      return run;
    };
  }
  o.onPowerSource?.(report);

  const layers: AdbLayerResult[] = [];
  try {
    for (const n of nets) {
      if (o.signal?.aborted) throw new AdbError('cancelled', 'cancelled');
      const remote = await phone.pushNets(`layer_${n.layer.layer}`, n.init, n.predict);
      const iter = iterFor(n, steadyMs);
      const run = await phone.bench(remote, iter, false);
      const power = await measurePower(run);
      const time = run.out.msPerIter;
      const result: AdbLayerResult = {
        name: n.layer.layer,
        type: n.layer.layerType,
        time_ms: time,
        power_mW: power.mw,
        idle_power_mW: report.idle_power_mW,
        energy_mJ: (power.mw * time) / 1000,
        dynamic_energy_mJ: ((power.mw - report.idle_power_mW) * time) / 1000,
        iterations: iter,
        samples: power.samples,
        individual_ms: individual(n),
      };
      layers.push(result);
      o.onLayer?.(result);
    }
  } finally {
    stopSource();
  }
  return { layers, power: report, net };
}
