// One fuzz input end to end: build it from (seed, index), run every feature, and when something is
// wrong minimise it to the smallest text that still fails the same way. Shared by `npm run fuzz`
// (in worker threads) and the seeded slice in the unit tests.
import * as fs from 'fs';
import * as path from 'path';
import { ModelService } from '../../server/src/analysis/model-service';
import { DEFAULT_SETTINGS } from '../../server/src/protocol';
import type { RegisteredModel } from '../../server/src/energy/registry';
import { fuzzInput, type CorpusFile, type FuzzInput } from './mutate';
import { findingKey, runFeatures, type Feature, type Finding } from './run-features';
import { minimise } from './minimise';

export interface InputResult {
  index: number;
  source: string;
  mutations: string[];
  chars: number;
  ms: Record<Feature, number>;
  findings: Finding[];
  /** Smallest text found that still fails the same way (only when there are findings). */
  minimised?: string;
}

export function loadCorpus(folder: string): CorpusFile[] {
  return fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.prototxt'))
    .sort()
    .map((name) => ({ name, text: fs.readFileSync(path.join(folder, name), 'utf8') }));
}

export function defaultModel(): RegisteredModel | undefined {
  return new ModelService().get(DEFAULT_SETTINGS.platform);
}

export interface FuzzOptions {
  slowMs?: number;
  /** Largest window of a corpus file an input starts from. */
  maxChars?: number;
  /** Time budget for minimising one failing input. */
  minimiseMs?: number;
}

export function fuzzOne(
  seed: number,
  index: number,
  corpus: readonly CorpusFile[],
  model: RegisteredModel | undefined,
  options: FuzzOptions = {},
): InputResult {
  const input: FuzzInput = fuzzInput(seed, index, corpus, options.maxChars);
  const run = runFeatures(input.text, model, { slowMs: options.slowMs, probeSeed: index });
  const result: InputResult = {
    index,
    source: input.source,
    mutations: input.mutations,
    chars: input.text.length,
    ms: run.ms,
    findings: run.findings,
  };
  if (run.findings.length > 0) {
    const key = findingKey(run.findings[0]);
    result.minimised = minimise(
      input.text,
      (candidate) =>
        runFeatures(candidate, model, { slowMs: options.slowMs, probeSeed: index }).findings.some((f) => findingKey(f) === key),
      options.minimiseMs ?? 30_000,
    );
  }
  return result;
}

/** Writes a failing input (as generated and minimised) and what went wrong into `folder/seed-<seed>/`. */
export function writeFailure(folder: string, seed: number, index: number, text: string, details: object, minimised?: string): string {
  const dir = path.join(folder, `seed-${seed}`);
  fs.mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `input-${index}`);
  fs.writeFileSync(`${base}.prototxt`, text);
  if (minimised !== undefined) fs.writeFileSync(`${base}.min.prototxt`, minimised);
  fs.writeFileSync(
    `${base}.json`,
    `${JSON.stringify({ seed, index, reproduce: `npm run fuzz -- --seed ${seed} --from ${index} --inputs 1`, ...details }, null, 2)}\n`,
  );
  return base;
}
