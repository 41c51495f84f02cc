// `npm run fuzz [-- --seed 1 --inputs 100000 --from 0 --workers 1 --out test-results/fuzz --max-minutes 120]`:
// mutated corpus networks through parse, schema, analysis, prediction and every LSP feature, in worker
// threads. Flags: an exception, any feature over --slow-ms (1 s) on one input, a non-finite number shown,
// an input that hangs (its worker is stopped after --hang-s). Failing inputs are minimised and written
// to <out>/seed-<seed>/ with how to reproduce them; the figures go to stdout and <out>/summary-seed-<seed>-from-<from>.json.
// Feature times are CPU time of the process: run one worker per process (several processes may split the range).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { CORPUS_PROTOTXT, REPO_ROOT } from '../unit/shared-paths';
import { loadCorpus, writeFailure, type InputResult } from './fuzz-core';
import { fuzzInput } from './mutate';
import { FEATURES, type Feature } from './run-features';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a non-negative number`);
  return value;
}
const outArg = process.argv.indexOf('--out');
const OUT = path.resolve(outArg >= 0 ? process.argv[outArg + 1] : path.join(REPO_ROOT, 'test-results', 'fuzz'));
const SEED = option('seed', 1);
const FROM = option('from', 0);
const INPUTS = option('inputs', 100_000);
// Features are timed in process CPU time, so more than one worker per process would blur the figures.
const WORKERS = Math.max(1, Math.min(option('workers', 1), os.cpus().length));
const SLOW_MS = option('slow-ms', 1000);
const HANG_S = option('hang-s', 180);
const MINIMISE_MS = option('minimise-s', 20) * 1000;
const DEADLINE = Date.now() + option('max-minutes', 24 * 60) * 60_000;

interface Totals {
  inputs: number;
  inputsWithException: number;
  exceptions: number;
  nonFinite: number;
  hangs: number;
  overSlowLimit: Record<Feature, number>;
  maxMs: Record<Feature, number>;
  failures: string[];
}

const totals: Totals = {
  inputs: 0,
  inputsWithException: 0,
  exceptions: 0,
  nonFinite: 0,
  hangs: 0,
  overSlowLimit: Object.fromEntries(FEATURES.map((f) => [f, 0])) as Record<Feature, number>,
  maxMs: Object.fromEntries(FEATURES.map((f) => [f, 0])) as Record<Feature, number>,
  failures: [],
};

const corpus = loadCorpus(CORPUS_PROTOTXT);
const workerFile = path.join(__dirname, 'fuzz-worker.ts');
let next = FROM;
const end = FROM + INPUTS;
const started = Date.now();

function record(result: InputResult): void {
  totals.inputs++;
  for (const f of FEATURES) totals.maxMs[f] = Math.max(totals.maxMs[f], Math.round(result.ms[f]));
  const exceptions = result.findings.filter((f) => f.kind === 'exception').length;
  totals.exceptions += exceptions;
  if (exceptions > 0) totals.inputsWithException++;
  if (result.findings.some((f) => f.kind === 'non-finite')) totals.nonFinite++;
  for (const f of result.findings) if (f.kind === 'slow') totals.overSlowLimit[f.feature]++;
  if (result.findings.length > 0) {
    const text = fuzzInput(SEED, result.index, corpus).text;
    totals.failures.push(
      writeFailure(
        OUT,
        SEED,
        result.index,
        text,
        { source: result.source, mutations: result.mutations, findings: result.findings, ms: result.ms },
        result.minimised,
      ),
    );
  }
  if (totals.inputs % 1000 === 0) progress();
}

function progress(): void {
  const s = (Date.now() - started) / 1000;
  console.log(
    `[fuzz seed ${SEED}] ${totals.inputs} inputs in ${s.toFixed(0)} s: ${totals.exceptions} exceptions, ` +
      `${Object.values(totals.overSlowLimit).reduce((a, b) => a + b, 0)} slow features, ${totals.nonFinite} non-finite, ${totals.hangs} hangs`,
  );
}

/** One worker: feeds it indices one at a time; a worker silent for --hang-s on one input is stopped and replaced. */
function runWorker(): Promise<void> {
  return new Promise((resolve) => {
    const worker = new Worker(`require(${JSON.stringify(workerFile)});`, {
      eval: true,
      workerData: { seed: SEED, corpusFolder: CORPUS_PROTOTXT, slowMs: SLOW_MS, minimiseMs: MINIMISE_MS },
    });
    let current = -1;
    let timer: NodeJS.Timeout | undefined;
    const feed = (): void => {
      clearTimeout(timer);
      if (next >= end || Date.now() > DEADLINE) {
        worker.postMessage('stop');
        return;
      }
      current = next++;
      timer = setTimeout(() => {
        totals.inputs++;
        totals.hangs++;
        const text = fuzzInput(SEED, current, corpus).text;
        totals.failures.push(writeFailure(OUT, SEED, current, text, { findings: [{ kind: 'hang', seconds: HANG_S }] }));
        void worker.terminate();
      }, HANG_S * 1000);
      worker.postMessage({ index: current });
    };
    worker.on('message', (message: InputResult | 'ready') => {
      if (message !== 'ready') record(message);
      feed();
    });
    worker.on('error', (error) => console.error(`[fuzz] worker error at input ${current}: ${error.stack ?? error}`));
    worker.on('exit', () => {
      clearTimeout(timer);
      // Stopped after a hang (or crashed): carry on with a fresh worker.
      if (next < end && Date.now() <= DEADLINE) void runWorker().then(resolve);
      else resolve();
    });
  });
}

async function main(): Promise<void> {
  console.log(`[fuzz] seed ${SEED}, inputs ${FROM}..${end - 1}, ${WORKERS} worker(s), ${corpus.length} corpus files, failures to ${OUT}`);
  await Promise.all(Array.from({ length: WORKERS }, () => runWorker()));
  progress();
  const summary = {
    seed: SEED,
    from: FROM,
    requested: INPUTS,
    seconds: Math.round((Date.now() - started) / 1000),
    slowMs: SLOW_MS,
    ...totals,
  };
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, `summary-seed-${SEED}-from-${FROM}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(JSON.stringify({ ...summary, failures: totals.failures.length }, null, 2));
  const clean =
    totals.exceptions === 0 && totals.nonFinite === 0 && totals.hangs === 0 && Object.values(totals.overSlowLimit).every((n) => n === 0);
  process.exitCode = clean ? 0 : 1;
}

void main();
