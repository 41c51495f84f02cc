// The emulated /data/local/tmp/mobile_speedbenchmark (SyNERGY's build of Caffe2's speed_benchmark):
// reads the pushed init and predict NetDefs, runs the init net, resizes the first external input to
// --input_dims, runs the net once, then --warmup and --iter runs and, with --run_individual, each
// operator --iter times; it takes the hidden truth's time (scaled) in real time, marks the truth's
// power on the phone's timeline while it runs, and prints what Caffe2 prints (BENCHMARK-FORMAT.md).
import { formatCppDefault, formatCppToString } from '../../../../server/src/caffe2/cpp-number-format';
import { NetDef, NetDefDecodeError, OperatorDef, argInts, decodeNetDef } from '../../../../server/src/caffe2/netdef';
import { Caffe2ShapeError, Shape, operatorOutputShapes } from '../../../../server/src/caffe2/shapes';
import type { DeviceProgram, ProgramIo } from './device-shell';
import { DeviceFsError } from './sandbox-fs';
import { PowerTimeline, nowMs } from './power-timeline';
import { OpCost, opCost } from './truth';

export interface BenchmarkEnvironment {
  timeline: PowerTimeline;
  seed: number;
  /** Multiplies every emulated duration (1: real time). */
  timeScale: number;
  /** 'synergy' also prints `Inside Run` / `Running operator_<name>` (SyNERGY's annotated runner). */
  runner: 'upstream' | 'synergy';
}

const FLAGS = new Set(['net', 'init_net', 'warmup', 'iter', 'run_individual', 'input_dims']);
const TIMER_OVERHEAD_MS = 0.0009;

class Enforce extends Error {}

function parseFlags(args: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const m = /^--?([A-Za-z_]+)(?:=([\s\S]*))?$/.exec(args[i]);
    if (!m) continue; // gflags leaves positional arguments alone
    const name = m[1];
    let value: string | undefined = m[2];
    if (name.startsWith('no') && FLAGS.has(name.slice(2)) && value === undefined) {
      flags.set(name.slice(2), 'false');
      continue;
    }
    if (!FLAGS.has(name)) throw new Enforce(`ERROR: unknown command line flag '${name}'`);
    if (value === undefined) value = name === 'run_individual' ? 'true' : (args[++i] ?? '');
    flags.set(name, value);
  }
  return flags;
}

function intFlag(flags: Map<string, string>, name: string, fallback: number): number {
  const v = flags.get(name);
  if (v === undefined) return fallback;
  if (!/^-?\d+$/.test(v)) throw new Enforce(`ERROR: illegal value '${v}' specified for int32 flag '${name}'`);
  return Number(v);
}

function sleepMs(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) {
      resolve();
      return;
    }
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function printName(op: OperatorDef): string {
  return op.name || op.output[0] || 'NO_OUTPUT';
}

interface PlannedOp {
  op: OperatorDef;
  cost: OpCost;
  flops: number;
  featureBytes: number;
  paramBytes: number;
  inputs: Shape[];
}

function plan(env: BenchmarkEnvironment, init: NetDef, net: NetDef, inputDims: number[] | undefined): PlannedOp[] {
  const shapes = new Map<string, Shape>();
  for (const op of init.op) {
    const shape = argInts(op, 'shape');
    if (!/Fill$/.test(op.type) || !shape)
      throw new Enforce(
        `[enforce fail at operator.cc:185] Cannot create operator of type '${op.type}' in the init net (the emulated phone runs fill operators only)`,
      );
    for (const o of op.output) shapes.set(o, shape);
  }
  const first = net.external_input[0];
  if (inputDims) {
    if (!first) throw new Enforce('[enforce fail at mobile_speedbenchmark.cc:60] net has no external input to resize with --input_dims');
    shapes.set(first, inputDims);
  }
  const params = new Set(init.op.flatMap((o) => o.output));
  const planned: PlannedOp[] = [];
  for (const op of net.op) {
    const inputs = op.input.map((i) => {
      const s = shapes.get(i);
      if (!s) throw new Enforce(`[enforce fail at operator.h:88] Encountered a non-existing input blob: ${i}`);
      return s;
    });
    let outputs: Shape[];
    try {
      outputs = operatorOutputShapes(op, inputs);
    } catch (e) {
      if (e instanceof Caffe2ShapeError) throw new Enforce(`[enforce fail at operator.cc:185] ${e.message}`);
      throw e;
    }
    op.output.forEach((o, i) => shapes.set(o, outputs[i]));
    const cost = opCost(env.seed, op, inputs, outputs);
    const count = (s: Shape) => s.reduce((a, v) => a * v, 1);
    const paramBytes = 4 * op.input.filter((i) => params.has(i)).reduce((a, i) => a + count(shapes.get(i)!), 0);
    const costed = op.type === 'Conv' || op.type === 'FC';
    const flops = !costed
      ? 0
      : op.type === 'Conv'
        ? 2 * count(outputs[0]) * inputs[1][1] * inputs[1][2] * inputs[1][3]
        : 2 * count(outputs[0]) * inputs[1][1];
    planned.push({
      op,
      cost,
      flops,
      featureBytes: costed ? 4 * (count(inputs[0]) + count(outputs[0])) : 0,
      paramBytes: costed ? paramBytes : 0,
      inputs,
    });
  }
  return planned;
}

function readNet(io: ProgramIo, fs: Parameters<DeviceProgram>[2]['fs'], path: string, flag: string): NetDef {
  let bytes: Buffer;
  try {
    bytes = fs.read(path);
  } catch (e) {
    if (e instanceof DeviceFsError)
      throw new Enforce(`[enforce fail at mobile_speedbenchmark.cc:45] ReadProtoFromFile(FLAGS_${flag}, &net_def). `);
    throw e;
  }
  try {
    return decodeNetDef(bytes);
  } catch (e) {
    if (e instanceof NetDefDecodeError)
      throw new Enforce(`[enforce fail at mobile_speedbenchmark.cc:45] ReadProtoFromFile(FLAGS_${flag}, &net_def). `);
    throw e;
  }
}

function table(metric: string, unit: string, values: Map<string, number>): string {
  const rows = [...values].sort((a, b) => (a[0] < b[0] ? -1 : 1)).sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((a, [, v]) => a + v, 0);
  const lines = [`${metric} per operator type:`];
  for (const [type, v] of rows) {
    lines.push(
      `${formatCppDefault(v).padStart(15)} ${unit}. ${formatCppDefault(total > 0 ? (100 * v) / total : 0).padStart(10)}%. ${type}`,
    );
  }
  lines.push(`${formatCppDefault(total).padStart(15)} ${unit} in Total`);
  return lines.join('\n') + '\n';
}

export function speedBenchmark(env: BenchmarkEnvironment): DeviceProgram {
  return async (argv, io, ctx) => {
    const signal = io.signal;
    try {
      const flags = parseFlags(argv.slice(1));
      const warmup = intFlag(flags, 'warmup', 0);
      const iter = intFlag(flags, 'iter', 10);
      const individual = /^(true|1|yes|t|y)$/i.test(flags.get('run_individual') ?? 'false');
      const dimsText = flags.get('input_dims');
      let dims: number[] | undefined;
      if (dimsText !== undefined && dimsText !== '') {
        dims = dimsText.split(',').map((d) => Number(d));
        if (dims.some((d) => !Number.isInteger(d) || d <= 0))
          throw new Enforce(`[enforce fail at mobile_speedbenchmark.cc:52] bad --input_dims "${dimsText}"`);
      }
      const init = readNet(io, ctx.fs, resolveFlag(flags, 'init_net', ctx.cwd), 'init_net');
      const net = readNet(io, ctx.fs, resolveFlag(flags, 'net', ctx.cwd), 'net');
      const ops = plan(env, init, net, dims);
      if (warmup < 0)
        throw new Enforce(
          `[enforce fail at net_simple.cc:113] warmup_runs >= 0. Number of warm up runs should be non negative, provided ${warmup}.`,
        );
      if (iter < 0)
        throw new Enforce(
          `[enforce fail at net_simple.cc:123] main_runs >= 0. Number of main runs should be non negative, provided ${iter}.`,
        );
      const netMs = ops.reduce((a, p) => a + p.cost.boardTimeMs, 0);
      const netPower = netMs > 0 ? ops.reduce((a, p) => a + p.cost.boardTimeMs * p.cost.powerMw, 0) / netMs : env.timeline.idlePowerMw;
      const runNets = async (n: number) => {
        if (n <= 0) return;
        if (env.runner === 'synergy') {
          // One "Inside Run" and the operator lines per run, as SyNERGY's annotated runner prints them.
          const block = `Inside Run\n${ops.map((p) => `Running operator_${printName(p.op)}\n`).join('')}`;
          for (let i = 0; i < n; i++) io.out(block);
        }
        const end = env.timeline.begin(netPower);
        await sleepMs(n * netMs * env.timeScale, signal);
        end();
      };
      await runNets(1);
      io.out('Starting benchmark.\nRunning warmup runs.\n');
      await runNets(warmup);
      io.out('Main runs.\n');
      const t0 = nowMs();
      await runNets(iter);
      const millis = nowMs() - t0;
      if (signal.aborted) return 129;
      io.out(
        `Main run finished. Milliseconds per iter: ${formatCppDefault(millis / iter)}. Iters per second: ${formatCppDefault((1000 * iter) / millis)}\n`,
      );
      if (!individual) return 0;
      // Each op's timer on the phone sees its true time (plus the timer's own overhead and a little
      // noise); the host's sleep only approximates it, so the printed figure comes from the truth.
      const perOp: number[] = [];
      for (const [k, p] of ops.entries()) {
        const end = env.timeline.begin(p.cost.powerMw);
        const nominal = iter * p.cost.boardTimeMs * env.timeScale;
        await sleepMs(nominal, signal);
        perOp.push(nominal * (1 + 0.004 * Math.sin(k * 12.9898 + iter)) + iter * TIMER_OVERHEAD_MS);
        end();
        if (signal.aborted) return 129;
      }
      const byType = {
        time: new Map<string, number>(),
        flop: new Map<string, number>(),
        feature: new Map<string, number>(),
        param: new Map<string, number>(),
      };
      const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
      let text = '';
      ops.forEach((p, idx) => {
        const t = perOp[idx];
        add(byType.time, p.op.type, t / iter);
        let line = `Operator #${idx} (${printName(p.op)}, ${p.op.type}) ${formatCppDefault(t / iter)} ms/iter`;
        if (p.flops) {
          add(byType.flop, p.op.type, p.flops * 1e-9);
          add(byType.feature, p.op.type, p.featureBytes * 1e-6);
          add(byType.param, p.op.type, p.paramBytes * 1e-6);
          line += ` (${formatCppToString(1e-9 * p.flops)} GFLOP, ${formatCppToString((1e-6 * p.flops) / t)} GFLOPS)`;
          if (p.featureBytes) line += ` (${formatCppToString(1e-6 * p.featureBytes)} MB)`;
          if (p.paramBytes) line += ` (${formatCppToString(1e-6 * p.paramBytes)} MB)`;
        }
        text += `${line}\n`;
      });
      text +=
        table('Time', 'ms', byType.time) +
        table('FLOP', 'GFLOP', byType.flop) +
        table('Feature Memory', 'MB', byType.feature) +
        table('Parameter Memory', 'MB', byType.param);
      io.out(text);
      return 0;
    } catch (e) {
      if (!(e instanceof Enforce)) throw e;
      if (e.message.startsWith('ERROR: ')) {
        io.err(`${e.message}\n`);
        return 1;
      }
      io.err(`terminate called after throwing an instance of 'caffe2::EnforceNotMet'\n  what():  ${e.message}\nAborted \n`);
      return 134;
    }
  };
}

function resolveFlag(flags: Map<string, string>, name: string, cwd: string): string {
  const v = flags.get(name) ?? '';
  if (v === '') throw new Enforce(`[enforce fail at mobile_speedbenchmark.cc:45] ReadProtoFromFile(FLAGS_${name}, &net_def). `);
  return v.startsWith('/') ? v : `${cwd.replace(/\/$/, '')}/${v}`;
}
