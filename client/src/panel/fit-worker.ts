// Worker thread entry (bundle: out/client/refit-worker.js): runs the fitting engine on requests
// (and model searches) from WorkerFitRunner, holding the last dataset so the candidate fits do not resend it.
import { parentPort } from 'worker_threads';
import { type Dataset, FitError } from '../../../server/src/energy/fit/dataset';
import { fitDataset } from '../../../server/src/energy/fit/engine';
import { searchModels } from '../../../server/src/energy/fit/search/search';
import type { WorkerRequest, WorkerResponse } from './fit-runner';

let held: { key: string; dataset: Dataset } | undefined;

parentPort?.on('message', (request: WorkerRequest) => {
  let response: WorkerResponse;
  try {
    if (request.dataset) held = { key: request.datasetKey, dataset: request.dataset };
    if (!held || held.key !== request.datasetKey) throw new Error(`the worker does not hold dataset ${request.datasetKey}`);
    response = request.search
      ? { id: request.id, search: searchModels(held.dataset, request.search) }
      : { id: request.id, report: fitDataset(held.dataset, request.spec!, request.options) };
  } catch (e) {
    response = { id: request.id, error: e instanceof Error ? e.message : String(e), fitError: e instanceof FitError };
  }
  parentPort!.postMessage(response);
});
