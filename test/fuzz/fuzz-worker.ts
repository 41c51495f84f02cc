// Worker thread of `npm run fuzz`: runs the inputs it is given and posts one result per input, so the
// main thread can time each one and stop a worker that hangs.
import { parentPort, workerData } from 'worker_threads';
import { defaultModel, fuzzOne, loadCorpus } from './fuzz-core';

const { seed, corpusFolder, slowMs, minimiseMs } = workerData as { seed: number; corpusFolder: string; slowMs: number; minimiseMs: number };
const corpus = loadCorpus(corpusFolder);
const model = defaultModel();

parentPort!.on('message', (message: { index: number } | 'stop') => {
  if (message === 'stop') process.exit(0);
  parentPort!.postMessage(fuzzOne(seed, message.index, corpus, model, { slowMs, minimiseMs }));
});
parentPort!.postMessage('ready');
