// Benchmark of the structural .caffemodel reader on a VGG-16-shaped model (~553 MB of random
// weights, written streaming to the temp folder and deleted afterwards), against protobufjs
// decoding the whole file. Targets: structure read under 200 ms and 50 MB of extra memory, and at
// least 20x faster than the full decode.
//   node out/test/bench/caffemodel-bench.js      (after `npm run build`)
//   node -r tsx/cjs -r ./test/unit/setup.js test/bench/caffemodel-bench.ts [--no-full-decode]
import * as fs from 'fs';
import { createRequire } from 'module';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as protobuf from 'protobufjs';
import caffeProto from '../../server/src/caffe/caffe.proto';
import { caffeTypes } from '../../server/src/caffe/caffemodel/schema-types';
import { readCaffemodelStructure } from '../../server/src/caffe/caffemodel/structure';

const TARGET_MS = 200;
const TARGET_EXTRA_BYTES = 50 * 1024 * 1024;
const TARGET_SPEEDUP = 20;
const STRUCTURE_RUNS = 5;
const MB = 1024 * 1024;

interface LayerSpec {
  name: string;
  type: string;
  bottom: string;
  top: string;
  message: Record<string, unknown>;
  blobs: number[][];
}

/** VGG-16 (configuration D) as a deploy net: 13 convolutions, 3 fully connected layers. */
function vgg16Layers(): LayerSpec[] {
  const layers: LayerSpec[] = [];
  const blocks = [
    [64, 64],
    [128, 128],
    [256, 256, 256],
    [512, 512, 512],
    [512, 512, 512],
  ];
  let channels = 3;
  let blob = 'data';
  const add = (name: string, type: string, message: Record<string, unknown>, blobs: number[][], inPlace = false) => {
    const top = inPlace ? blob : name;
    layers.push({ name, type, bottom: blob, top, message, blobs });
    blob = top;
  };
  blocks.forEach((block, b) => {
    block.forEach((out, i) => {
      const id = `${b + 1}_${i + 1}`;
      add(`conv${id}`, 'Convolution', { convolution_param: { num_output: out, pad: [1], kernel_size: [3] } }, [
        [out, channels, 3, 3],
        [out],
      ]);
      add(`relu${id}`, 'ReLU', {}, [], true);
      channels = out;
    });
    add(`pool${b + 1}`, 'Pooling', { pooling_param: { pool: 'MAX', kernel_size: 2, stride: 2 } }, []);
  });
  let inputs = channels * 7 * 7;
  for (const [name, out] of [
    ['fc6', 4096],
    ['fc7', 4096],
    ['fc8', 1000],
  ] as const) {
    add(name, 'InnerProduct', { inner_product_param: { num_output: out } }, [[out, inputs], [out]]);
    if (name !== 'fc8') {
      add(`relu${name.slice(2)}`, 'ReLU', {}, [], true);
      add(`drop${name.slice(2)}`, 'Dropout', { dropout_param: { dropout_ratio: 0.5 } }, [], true);
    }
    inputs = out;
  }
  add('prob', 'Softmax', {}, []);
  return layers;
}

function varint(n: number): Buffer {
  const w = protobuf.Writer.create();
  w.uint32(n);
  return Buffer.from(w.finish());
}

/** Writes the model layer by layer; weights stream from one reused random chunk, never all in memory. */
function writeModel(file: string): { bytes: number; floats: number; layers: number } {
  const { NetParameter, LayerParameter, BlobProto } = caffeTypes();
  const chunk = Buffer.alloc(4 * MB);
  const floats = new Float32Array(chunk.buffer, chunk.byteOffset, chunk.length / 4);
  for (let i = 0; i < floats.length; i++) floats[i] = (Math.random() - 0.5) * 0.02;
  const fd = fs.openSync(file, 'w');
  let total = 0;
  let floatCount = 0;
  const write = (b: Uint8Array) => {
    fs.writeSync(fd, b);
    total += b.length;
  };
  try {
    const layers = vgg16Layers();
    write(NetParameter.encode(NetParameter.fromObject({ name: 'VGG_ILSVRC_16_layers' })).finish());
    const input = LayerParameter.encode(
      LayerParameter.fromObject({
        name: 'data',
        type: 'Input',
        top: ['data'],
        input_param: { shape: [{ dim: [1, 3, 224, 224] }] },
      }),
    ).finish();
    write(Buffer.concat([varint((100 << 3) | 2), varint(input.length), input]));
    for (const layer of layers) {
      const blobs = layer.blobs.map((dims) => {
        const shape = BlobProto.encode(BlobProto.fromObject({ shape: { dim: dims } })).finish();
        const count = dims.reduce((a, b) => a * b, 1);
        return { shape, count };
      });
      const header = LayerParameter.encode(
        LayerParameter.fromObject({
          name: layer.name,
          type: layer.type,
          bottom: [layer.bottom],
          top: [layer.top],
          ...layer.message,
        }),
      ).finish();
      // Lengths are computed up front so the payload can stream after the prefixes.
      const blobBodies = blobs.map((b) => b.shape.length + 1 + varint(b.count * 4).length + b.count * 4);
      const blobFields = blobBodies.map((len) => 1 + varint(len).length + len);
      const layerLength = header.length + blobFields.reduce((a, b) => a + b, 0);
      write(Buffer.concat([varint((100 << 3) | 2), varint(layerLength), header]));
      blobs.forEach((b, i) => {
        write(Buffer.concat([varint((7 << 3) | 2), varint(blobBodies[i]), b.shape, varint((5 << 3) | 2), varint(b.count * 4)]));
        let left = b.count * 4;
        let offset = ((i * 4099) % chunk.length) & ~3; // vary the weights a little between blobs
        while (left > 0) {
          const n = Math.min(left, chunk.length - offset);
          write(chunk.subarray(offset, offset + n));
          left -= n;
          offset = 0;
        }
        floatCount += b.count;
      });
    }
    return { bytes: total, floats: floatCount, layers: layers.length + 1 };
  } finally {
    fs.closeSync(fd);
  }
}

interface MemoryPeak {
  rss: number;
  external: number;
  arrayBuffers: number;
  heapUsed: number;
}

/** Samples process memory every few ms while `run` is pending; returns the peak increase of each figure. */
async function withMemorySampling<T>(run: () => Promise<T>, everyMs = 1): Promise<{ result: T; peak: MemoryPeak }> {
  const base = process.memoryUsage();
  const peak: MemoryPeak = { rss: 0, external: 0, arrayBuffers: 0, heapUsed: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss - base.rss);
    peak.external = Math.max(peak.external, m.external - base.external);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers - base.arrayBuffers);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed - base.heapUsed);
  };
  const timer = setInterval(sample, everyMs);
  try {
    const result = await run();
    sample();
    return { result, peak };
  } finally {
    clearInterval(timer);
  }
}

/**
 * protobufjs decoding the whole file, in a worker so that the main thread keeps sampling memory
 * (the decode is synchronous) and so that running out of heap ends the worker, not the benchmark.
 */
function fullDecodeInWorker(file: string): Promise<{ readMs: number; decodeMs: number; layers: number }> {
  const code = `
    const { parentPort, workerData } = require('worker_threads');
    const fs = require('fs');
    const protobuf = require(workerData.protobufjs);
    const root = protobuf.parse(workerData.proto, { keepCase: true }).root;
    const NetParameter = root.lookupType('caffe.NetParameter');
    const t0 = performance.now();
    const bytes = fs.readFileSync(workerData.file);
    const t1 = performance.now();
    const net = NetParameter.decode(bytes);
    const t2 = performance.now();
    parentPort.postMessage({ readMs: t1 - t0, decodeMs: t2 - t1, layers: net.layer.length });
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, {
      eval: true,
      // Resolved beside this file (source or bundle), which lies in the repository.
      workerData: { file, proto: caffeProto, protobufjs: createRequire(__filename).resolve('protobufjs') },
      resourceLimits: { maxOldGenerationSizeMb: 16 * 1024 },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`decode worker exited with code ${code}`)));
  });
}

const fmtMs = (ms: number) => `${ms.toLocaleString('en-US', { maximumFractionDigits: ms < 100 ? 1 : 0 })} ms`;
const fmtMb = (bytes: number) => `${(bytes / MB).toLocaleString('en-US', { maximumFractionDigits: 1 })} MiB`;
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

export async function benchCaffemodel(options: { fullDecode?: boolean } = {}): Promise<string[]> {
  const lines: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caffemodel-bench-'));
  const file = path.join(dir, 'vgg16-random.caffemodel');
  try {
    const free = fs.statfsSync(dir);
    if (free.bavail * free.bsize < 2 * 1024 * MB) return [`caffemodel bench skipped: less than 2 GB free in ${dir}`];

    let started = performance.now();
    const written = writeModel(file);
    lines.push(
      `VGG-16-shaped caffemodel: ${fmtMb(written.bytes)} (${written.bytes.toLocaleString('en-US')} bytes, ${written.floats.toLocaleString('en-US')} floats, ${written.layers} layers), written in ${fmtMs(performance.now() - started)}`,
    );

    // Warm up: schema load and JIT on a small read, so the timing is the reader's.
    const warm = await readCaffemodelStructure(file);
    if (warm.totals.storedValues !== written.floats)
      throw new Error(`reader counted ${warm.totals.storedValues} floats, wrote ${written.floats}`);

    const times: number[] = [];
    let worstPeak: MemoryPeak = { rss: 0, external: 0, arrayBuffers: 0, heapUsed: 0 };
    for (let i = 0; i < STRUCTURE_RUNS; i++) {
      const { peak } = await withMemorySampling(async () => {
        const t = performance.now();
        await readCaffemodelStructure(file);
        times.push(performance.now() - t);
      });
      worstPeak = {
        rss: Math.max(worstPeak.rss, peak.rss),
        external: Math.max(worstPeak.external, peak.external),
        arrayBuffers: Math.max(worstPeak.arrayBuffers, peak.arrayBuffers),
        heapUsed: Math.max(worstPeak.heapUsed, peak.heapUsed),
      };
    }
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const extra = Math.max(worstPeak.rss, worstPeak.external + worstPeak.heapUsed);
    lines.push(
      `structure read: median ${fmtMs(median)} over ${STRUCTURE_RUNS} runs (min ${fmtMs(sorted[0])}, max ${fmtMs(sorted[sorted.length - 1])}); ` +
        `peak extra memory: rss +${fmtMb(worstPeak.rss)}, heap +${fmtMb(worstPeak.heapUsed)}, external +${fmtMb(worstPeak.external)}, arrayBuffers +${fmtMb(worstPeak.arrayBuffers)}`,
    );
    lines.push(
      `  target < ${TARGET_MS} ms: ${verdict(median < TARGET_MS)}; target < ${fmtMb(TARGET_EXTRA_BYTES)} extra: ${verdict(extra < TARGET_EXTRA_BYTES)}`,
    );

    if (options.fullDecode !== false) {
      started = performance.now();
      const { result, peak } = await withMemorySampling(() => fullDecodeInWorker(file), 20);
      const fullMs = performance.now() - started;
      lines.push(
        `protobufjs full decode (readFileSync + NetParameter.decode, in a worker): ${fmtMs(fullMs)} ` +
          `(read ${fmtMs(result.readMs)}, decode ${fmtMs(result.decodeMs)}, ${result.layers} layers); peak extra rss +${fmtMb(peak.rss)}`,
      );
      const speedup = fullMs / median;
      lines.push(
        `ratios: structure read is ${Math.round(speedup).toLocaleString('en-US')}x faster and needs ` +
          `${Math.round(peak.rss / Math.max(extra, 1)).toLocaleString('en-US')}x less memory; target >= ${TARGET_SPEEDUP}x faster: ${verdict(speedup >= TARGET_SPEEDUP)}`,
      );
    }
    return lines;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchCaffemodel({ fullDecode: !process.argv.includes('--no-full-decode') })
    .then((lines) => {
      for (const line of lines) console.log(line);
      if (lines.some((l) => l.includes('MISSED'))) process.exitCode = 1;
    })
    .catch((err) => {
      console.error(err);
      process.exitCode = 1;
    });
}
