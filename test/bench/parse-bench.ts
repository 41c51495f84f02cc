// Parser throughput: our parser against the npm `prototxt-parser` baseline (parsimmon-based), on
// the largest corpus file and on a generated ~20 MB net, in the same process. Each figure is the
// median of several timed runs after a warm-up. Run: `npx tsx test/bench/parse-bench.ts`.
import * as fs from 'fs';
import * as path from 'path';
import { parse } from '../../server/src/text/parser';
import { CORPUS_PROTOTXT } from '../unit/shared-paths';

interface Timing {
  /** Median throughput in MB/s (MB = 10^6 bytes of UTF-8). */
  mbPerSecond: number;
  medianMs: number;
  runs: number;
  /** What went wrong, when the parser threw instead of returning. */
  failure?: string;
}

/** A net of `targetBytes` or a little more: conv/bn/relu blocks with params, fillers and comments. */
export function generateNet(targetBytes: number): string {
  const parts: string[] = ['# generated benchmark net\nname: "bench"\n',
    'input: "data"\ninput_shape {\n  dim: 1\n  dim: 3\n  dim: 224\n  dim: 224\n}\n'];
  let size = parts[0].length + parts[1].length;
  let prev = 'data';
  for (let i = 0; size < targetBytes; i++) {
    const conv = `conv${i}`;
    const block = `# block ${i}: 3x3 convolution, batch norm, ReLU
layer {
  name: "${conv}"
  type: "Convolution"
  bottom: "${prev}"
  top: "${conv}"
  param {
    lr_mult: 1
    decay_mult: 1
  }
  param {
    lr_mult: 2
    decay_mult: 0
  }
  convolution_param {
    num_output: ${64 << (i % 4)}
    pad: 1
    kernel_size: 3
    stride: ${1 + (i % 2)}
    weight_filler {
      type: "msra"
      std: 0.01
    }
    bias_filler {
      type: "constant"
      value: 0.2
    }
  }
}
layer {
  name: "bn${i}"  # in place
  type: "BatchNorm"
  bottom: "${conv}"
  top: "${conv}"
  batch_norm_param {
    use_global_stats: true
    eps: 1e-05
  }
}
layer {
  name: "relu${i}"
  type: "ReLU"
  bottom: "${conv}"
  top: "${conv}"
}
`;
    parts.push(block);
    size += block.length;
    prev = conv;
  }
  return parts.join('');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function time(fn: (text: string) => unknown, text: string, runs: number): Timing {
  const bytes = Buffer.byteLength(text, 'utf8');
  try {
    fn(text); // warm-up: compilation and inline caches
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      fn(text);
      ms.push(performance.now() - t0);
    }
    const medianMs = median(ms);
    return { mbPerSecond: bytes / 1e6 / (medianMs / 1000), medianMs, runs };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { mbPerSecond: NaN, medianMs: NaN, runs: 0, failure: message.split('\n')[0].slice(0, 160) };
  }
}

function describeTiming(t: Timing): string {
  return t.failure ? `FAILED (${t.failure})` : `${t.mbPerSecond.toFixed(1)} MB/s (median ${t.medianMs.toFixed(1)} ms of ${t.runs})`;
}

/** Top-level `layer` count in the baseline's output (an object; repeated fields become arrays). */
function baselineLayerCount(result: unknown): number {
  const layer = (result as Record<string, unknown> | null)?.layer;
  return Array.isArray(layer) ? layer.length : layer ? 1 : 0;
}

/**
 * How fast this machine writes memory it has not touched before (MB/s). Building a large tree is
 * bounded by it: every node lands on fresh heap pages, and on some VMs first touches are slow.
 */
function freshMemoryWriteSpeed(): number {
  const bytes = 200_000_000;
  const t0 = performance.now();
  Buffer.allocUnsafeSlow(bytes).fill(1);
  return bytes / 1e6 / ((performance.now() - t0) / 1000);
}

/** Approximate heap held by the tree of `text` (MB). */
function treeHeapMb(text: string): number {
  const before = process.memoryUsage().heapUsed;
  const doc = parse(text);
  const after = process.memoryUsage().heapUsed;
  return doc.root.fields.length >= 0 ? (after - before) / 1e6 : 0;
}

export async function benchParse(): Promise<string[]> {
  // The baseline is a dev dependency used only here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const baseline: { parse(text: string): unknown } = require('prototxt-parser');
  const inputs = [
    { name: 'resnet152.prototxt', text: fs.readFileSync(path.join(CORPUS_PROTOTXT, 'resnet152.prototxt'), 'utf8'), runs: 31, baselineRuns: 11 },
    { name: 'generated net', text: generateNet(20_000_000), runs: 7, baselineRuns: 3 },
  ];
  const lines = ['prototxt parse throughput (median after warm-up, same process)'];
  for (const input of inputs) {
    const bytes = Buffer.byteLength(input.text, 'utf8');
    const ours = time(parse, input.text, input.runs);
    const doc = parse(input.text);
    const theirs = time((t) => baseline.parse(t), input.text, input.baselineRuns);
    lines.push(`${input.name} (${(bytes / 1e6).toFixed(2)} MB, ${doc.root.fields.length} top-level fields, ${doc.errors.length} errors):`);
    lines.push(`  ours:     ${describeTiming(ours)}; the tree holds ~${treeHeapMb(input.text).toFixed(0)} MB of heap`);
    lines.push(`  baseline: ${describeTiming(theirs)}`);
    if (!theirs.failure) {
      let check = '';
      try {
        const ourLayers = doc.root.fields.filter((f) => f.name === 'layer').length;
        const theirLayers = baselineLayerCount(baseline.parse(input.text));
        check = ourLayers === theirLayers ? `, both read ${ourLayers} layers` : `, layer counts differ: ours ${ourLayers}, baseline ${theirLayers}`;
      } catch { /* the timing above already succeeded; nothing more to say */ }
      lines.push(`  ratio ours/baseline: ${(ours.mbPerSecond / theirs.mbPerSecond).toFixed(1)}x${check}`);
    }
  }
  lines.push(`machine: fresh memory is written at ${freshMemoryWriteSpeed().toFixed(0)} MB/s (first touch), which bounds building large trees`);
  return lines;
}

if (require.main === module) {
  benchParse().then((lines) => console.log(lines.join('\n')), (error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
