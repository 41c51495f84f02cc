// The emulated Snapdragon 820's hidden ground truth: what one Caffe2 operator costs on a big Kryo
// core (2.15 GHz, NEON: 8 fp32 flops/cycle) with Eigen, by op type (a roofline: compute at the
// type's Eigen efficiency, or memory at the LPDDR4 stream bandwidth, whichever is slower, plus a
// dispatch overhead), and the battery power while it runs. Per-op variation is fixed by a seed and
// the op's name, so repeated runs agree and nothing outside this file can compute it.
import { createHash } from 'crypto';
import type { OperatorDef } from '../../../../server/src/caffe2/netdef';
import { argInt } from '../../../../server/src/caffe2/netdef';
import type { Shape } from '../../../../server/src/caffe2/shapes';

const PEAK_FLOPS = 2.15e9 * 8;
const STREAM_BYTES_PER_S = 7.5e9;
const OP_OVERHEAD_MS = 0.012;

/** Eigen efficiency of the compute-bound part and dynamic power (mW above idle) per op type. */
const PROFILE: Record<string, { efficiency: number; dynamicMw: number }> = {
  Conv: { efficiency: 0.42, dynamicMw: 1780 },
  ConvDepthwise: { efficiency: 0.07, dynamicMw: 1240 },
  ConvTranspose: { efficiency: 0.3, dynamicMw: 1700 },
  FC: { efficiency: 0.3, dynamicMw: 1420 },
  MaxPool: { efficiency: 0.12, dynamicMw: 1010 },
  AveragePool: { efficiency: 0.14, dynamicMw: 990 },
  Relu: { efficiency: 0.2, dynamicMw: 880 },
  LeakyRelu: { efficiency: 0.18, dynamicMw: 900 },
  LRN: { efficiency: 0.06, dynamicMw: 1150 },
  Concat: { efficiency: 1, dynamicMw: 860 },
  Dropout: { efficiency: 1, dynamicMw: 700 },
  Softmax: { efficiency: 0.05, dynamicMw: 950 },
  Sum: { efficiency: 0.2, dynamicMw: 900 },
  SpatialBN: { efficiency: 0.15, dynamicMw: 960 },
  Mul: { efficiency: 0.2, dynamicMw: 900 },
  Add: { efficiency: 0.2, dynamicMw: 900 },
  Sigmoid: { efficiency: 0.05, dynamicMw: 940 },
  Tanh: { efficiency: 0.05, dynamicMw: 940 },
  Flatten: { efficiency: 1, dynamicMw: 600 },
};

export const IDLE_POWER_MW = 640;

function count(s: Shape | undefined): number {
  return s ? s.reduce((a, v) => a * v, 1) : 0;
}

/** Deterministic factor in [1 - spread, 1 + spread] from the seed and a key. */
function jitter(seed: number, key: string, spread: number): number {
  const h = createHash('sha256').update(`${seed}:${key}`).digest();
  return 1 + spread * (2 * (h.readUInt32LE(0) / 0xffffffff) - 1);
}

function flopsOf(op: OperatorDef, inputs: Array<Shape | undefined>, outputs: Shape[]): number {
  const out = count(outputs[0]);
  const x = inputs[0];
  switch (op.type) {
    case 'Conv': {
      const w = inputs[1]!;
      return 2 * out * w[1] * w[2] * w[3];
    }
    case 'ConvTranspose': {
      const w = inputs[1]!;
      return 2 * count(x) * w[1] * w[2] * w[3];
    }
    case 'FC':
      return 2 * out * inputs[1]![1];
    case 'MaxPool':
    case 'AveragePool': {
      if (argInt(op, 'global_pooling') === 1) return count(x);
      const k = argInt(op, 'kernel') ?? (argInt(op, 'kernel_h') ?? 1) * (argInt(op, 'kernel_w') ?? 1);
      return out * (argInt(op, 'kernel') !== undefined ? k * k : k);
    }
    case 'LRN':
      return out * (3 + 2 * (argInt(op, 'size') ?? 5));
    case 'Softmax':
    case 'Sigmoid':
    case 'Tanh':
      return out * 8;
    case 'SpatialBN':
      return out * 2;
    case 'Sum':
      return out * Math.max(1, inputs.length - 1);
    default:
      return out;
  }
}

function bytesOf(inputs: Array<Shape | undefined>, outputs: Shape[]): number {
  return 4 * (inputs.reduce((a, s) => a + count(s), 0) + count(outputs[0]));
}

export interface OpCost {
  /** One run of the op on the real phone (not time-scaled). */
  boardTimeMs: number;
  /** Battery power while it runs, idle included. */
  powerMw: number;
}

export function opCost(seed: number, op: OperatorDef, inputs: Array<Shape | undefined>, outputs: Shape[]): OpCost {
  const depthwise = op.type === 'Conv' && (argInt(op, 'group') ?? 1) > 1 && (argInt(op, 'group') ?? 1) === inputs[0]?.[1];
  const profile = PROFILE[depthwise ? 'ConvDepthwise' : op.type] ?? { efficiency: 0.1, dynamicMw: 900 };
  const key = `${op.type}:${op.name ?? op.output[0]}:${JSON.stringify(inputs)}`;
  const computeMs = (1000 * flopsOf(op, inputs, outputs)) / (PEAK_FLOPS * profile.efficiency * jitter(seed, `e:${key}`, 0.08));
  const memoryMs = (1000 * bytesOf(inputs, outputs)) / STREAM_BYTES_PER_S;
  return {
    boardTimeMs: Math.max(computeMs, memoryMs) + OP_OVERHEAD_MS,
    powerMw: IDLE_POWER_MW + profile.dynamicMw * jitter(seed, `p:${key}`, 0.05),
  };
}
