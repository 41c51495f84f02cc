// A seeded slice of the fuzz harness (`npm run fuzz` runs 100,000): 2,000 mutated corpus networks
// through parse, schema, analysis, prediction and every LSP feature, with no exception, no feature
// over 1 s and no non-finite number shown. A failure names the input; `npm run fuzz -- --seed 7
// --from <index> --inputs 1` writes it (and its minimised form) to test-results/fuzz/.
import { strict as assert } from 'assert';
import { defaultModel, fuzzOne, loadCorpus } from '../../fuzz/fuzz-core';
import { CORPUS_PROTOTXT } from '../shared-paths';

const SEED = 7;
const INPUTS = 2_000;

describe('fuzz: a seeded slice of mutated corpus networks', function () {
  this.timeout(240_000); // a guard against hangs only; the slice takes well under a minute

  it(`${INPUTS} inputs (seed ${SEED}): no exception, no feature over 1 s, no non-finite number shown`, () => {
    const corpus = loadCorpus(CORPUS_PROTOTXT);
    assert.ok(corpus.length >= 30, 'the corpus is there');
    const model = defaultModel();
    const failures: string[] = [];
    let chars = 0;
    for (let index = 0; index < INPUTS; index++) {
      const result = fuzzOne(SEED, index, corpus, model, { minimiseMs: 0 });
      chars += result.chars;
      for (const f of result.findings) {
        failures.push(
          `input ${index} (${result.source}; ${result.mutations.join(', ')}): ${f.kind} in ${f.feature}: ${'message' in f ? f.message.split('\n').slice(0, 3).join(' | ') : 'ms' in f ? `${f.ms} ms` : f.where}`,
        );
      }
    }
    assert.ok(chars > INPUTS * 1000, 'the inputs are real networks, not empty texts');
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} finding(s)`);
  });
});
