// Benchmark of reading a 200 MB campaign file (issue 13: 48 s, 837 MB and 630 k warnings before).
// The file: a header, then layer records of 400 layers measured again and again, with a broken line
// every 1,000 records. Measured here: the streaming reader (readCampaignFile), then the baseline,
// the same parser fed the whole file read into one string (what the reader did before), in this
// process: time, peak RSS growth, and the number of problems reported.
//   node --expose-gc out/test/bench/records-bench.js      (after `npm run build`)
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseCampaignText, readCampaignFile, readCampaignFileAsync, RECORDS_FORMAT, RECORDS_VERSION } from '../../server/src/measurements';

const TARGET_BYTES = 200 * 1024 * 1024;

function writeFile(file: string): number {
  const fd = fs.openSync(file, 'w');
  const header = {
    type: 'campaign',
    format: RECORDS_FORMAT,
    version: RECORDS_VERSION,
    id: '20240101T000000Z-abcd',
    created: '2024-01-01T00:00:00.000Z',
    target: { name: 'tx1', kind: 'jetson-tx1', host: 'tx1.local', device: 'cpu' },
    probe: { agent: '1.0.0' },
    emulated: true,
    network: { path: 'nets/big.prototxt', name: 'big', sha256: '0'.repeat(64), analysis: { phase: 'TEST', batch: 1 }, layers: [] },
    method: { requested: 'auto', repetitions: 3, minLoop_s: 2, netCheck: true, agentArgs: ['--cpu'] },
  };
  const names = Array.from({ length: 400 }, (_, i) => `layer_${i}`);
  const sessionRecord = {
    type: 'session',
    session: 1,
    at: '2024-01-01T00:01:00.000Z',
    resumed: false,
    agent: '1.0.0',
    method: 'steady-state',
    rails: ['VDD_IN'],
    totalRail: 'VDD_IN',
    planned: names,
    skipped: [],
  };
  let bytes = fs.writeSync(fd, JSON.stringify(header) + '\n' + JSON.stringify(sessionRecord) + '\n');
  let batch: string[] = [];
  for (let i = 0; bytes < TARGET_BYTES; i++) {
    const e = 1 + (i % 13);
    const rec = {
      type: 'layer',
      session: 1,
      at: '2024-01-01T00:01:30.000Z',
      name: names[i % names.length],
      layerType: 'Convolution',
      index: 1 + (i % 400),
      method: 'steady-state',
      time_ms: 2,
      power_mW: e * 500,
      rails_mW: { VDD_IN: e * 500, VDD_CPU: e * 200, VDD_GPU: e * 100 },
      idle_power_mW: 1000,
      energy_mJ: e,
      dynamic_energy_mJ: e - 2,
      spread: { energy_mJ: 0.01, time_ms: 0.001, power_mW: 3 },
      repetitions: 3,
      calls: 300,
      settled: true,
      inPlace: false,
    };
    batch.push(i % 1000 === 999 ? '{"type": "layer", "name": "cut\n' : JSON.stringify(rec) + '\n');
    if (batch.length === 2000) {
      bytes += fs.writeSync(fd, batch.join(''));
      batch = [];
    }
  }
  bytes += fs.writeSync(fd, batch.join(''));
  fs.closeSync(fd);
  return bytes;
}

function measure(fn: () => { problems: unknown[]; layers: unknown[] }): {
  ms: number;
  rssGrowthMB: number;
  problems: number;
  layers: number;
} {
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const start = performance.now();
  const r = fn();
  const ms = performance.now() - start;
  clearInterval(sampler);
  // The sampler cannot run while fn blocks; maxRSS is the process's peak so far, and the larger of the two counts.
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  return { ms, rssGrowthMB: (peak - rssBefore) / (1024 * 1024), problems: r.problems.length, layers: r.layers.length };
}

/**
 * The longest the event loop went without a turn while the non-blocking reader read the file (what a
 * request to the language server waits at most), and the read's time; the blocking reader's stall is
 * its whole time.
 */
async function measureStall(file: string): Promise<{ ms: number; stallMs: number; layers: number }> {
  let last = performance.now();
  let stall = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
  }, 1);
  const start = performance.now();
  const read = await readCampaignFileAsync(file);
  const ms = performance.now() - start;
  clearInterval(ticker);
  return { ms, stallMs: Math.max(stall, performance.now() - last), layers: read.layers.length };
}

export async function benchRecords(): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'energy-lens-records-bench-'));
  try {
    const file = path.join(dir, 'big.jsonl');
    const bytes = writeFile(file);
    const streamed = measure(() => readCampaignFile(file));
    const whole = measure(() => parseCampaignText(fs.readFileSync(file, 'utf8'), file));
    const async = await measureStall(file);
    const mb = (bytes / (1024 * 1024)).toFixed(0);
    return [
      `records: non-blocking reader (what the language server and the refit panel use): ${(async.ms / 1000).toFixed(1)} s, longest event-loop stall ${async.stallMs.toFixed(0)} ms, ${async.layers} layers`,
      `records: stall, non-blocking vs blocking reader (stalls its whole ${(streamed.ms / 1000).toFixed(1)} s): ${(async.stallMs / streamed.ms).toFixed(4)}x ${async.stallMs < 100 ? 'OK' : 'HIGH'}`,
      `records: ${mb} MiB file, streaming reader: ${(streamed.ms / 1000).toFixed(1)} s, peak RSS +${streamed.rssGrowthMB.toFixed(0)} MB, ${streamed.layers} layers, ${streamed.problems} problems reported (summarised)`,
      `records: baseline (whole file read into one string, same parser): ${(whole.ms / 1000).toFixed(1)} s, peak RSS +${whole.rssGrowthMB.toFixed(0)} MB`,
      `records: streaming vs baseline: time ${(streamed.ms / whole.ms).toFixed(2)}x, peak memory ${(streamed.rssGrowthMB / Math.max(1, whole.rssGrowthMB)).toFixed(2)}x ${streamed.rssGrowthMB < 100 ? 'OK' : 'HIGH'}`,
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void benchRecords().then((lines) => {
    for (const l of lines) console.log(l);
  });
}
