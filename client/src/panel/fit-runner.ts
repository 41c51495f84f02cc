// Runs fits away from the panel's message handling. A fit of 10,000 rows with the individual
// family takes seconds, which must not freeze the extension host: when the worker bundle
// (out/client/refit-worker.js) exists the fit runs in a worker thread, which a newer request
// simply terminates; otherwise in-process, yielding (setImmediate) before each fit so messages and
// cancellation get through between the candidate fits.
import * as fs from 'fs';
import { Worker } from 'worker_threads';
import { type Dataset, FitError } from '../../../server/src/energy/fit/dataset';
import { type FitOptions, type FitReport, fitDataset } from '../../../server/src/energy/fit/engine';
import type { FitSpec } from '../../../server/src/energy/fit/spec';
import { type SearchOptions, type SearchReport, searchModels } from '../../../server/src/energy/fit/search/search';

export interface FitJob {
  /** Identifies the dataset's content, so a worker receives each dataset once. */
  datasetKey: string;
  dataset: Dataset;
  spec: FitSpec;
  options: FitOptions;
}

/** A model search (seconds on 5,000 rows): run like a fit, off the message handling. */
export interface SearchJob {
  datasetKey: string;
  dataset: Dataset;
  options: SearchOptions;
}

export interface FitRunner {
  readonly kind: 'worker' | 'in-process';
  fit(job: FitJob): Promise<FitReport>;
  search(job: SearchJob): Promise<SearchReport>;
  /** Abandons the running and queued fits: their promises reject with CancelledError. */
  cancel(): void;
  dispose(): void;
}

export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor() {
    super('the fit was superseded');
  }
}

export class InProcessFitRunner implements FitRunner {
  readonly kind = 'in-process';
  private generation = 0;

  async fit(job: FitJob): Promise<FitReport> {
    const generation = this.generation;
    await new Promise((resolve) => setImmediate(resolve));
    if (generation !== this.generation) throw new CancelledError();
    return fitDataset(job.dataset, job.spec, job.options);
  }

  async search(job: SearchJob): Promise<SearchReport> {
    const generation = this.generation;
    await new Promise((resolve) => setImmediate(resolve));
    if (generation !== this.generation) throw new CancelledError();
    return searchModels(job.dataset, job.options);
  }

  cancel(): void {
    this.generation++;
  }
  dispose(): void {
    this.cancel();
  }
}

/** Messages of the worker protocol (see fit-worker.ts). */
export interface WorkerRequest {
  id: number;
  datasetKey: string;
  /** Sent only when the worker does not hold this dataset yet. */
  dataset?: Dataset;
  spec?: FitSpec;
  options?: FitOptions;
  /** A model search instead of a fit. */
  search?: SearchOptions;
}
export type WorkerResponse =
  { id: number; report: FitReport } | { id: number; search: SearchReport } | { id: number; error: string; fitError: boolean };

export class WorkerFitRunner implements FitRunner {
  readonly kind = 'worker';
  private worker?: Worker;
  private sentDataset?: string;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void }>();

  constructor(private readonly file: string) {}

  async fit(job: FitJob): Promise<FitReport> {
    const m = await this.request({ datasetKey: job.datasetKey, spec: job.spec, options: job.options }, job.dataset);
    if (!('report' in m)) throw new Error('the fitting worker answered a fit without a report');
    return m.report;
  }

  async search(job: SearchJob): Promise<SearchReport> {
    const m = await this.request({ datasetKey: job.datasetKey, search: job.options }, job.dataset);
    if (!('search' in m)) throw new Error('the fitting worker answered a search without its result');
    return m.search;
  }

  private request(body: Omit<WorkerRequest, 'id'>, dataset: Dataset): Promise<WorkerResponse> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const request: WorkerRequest = { id, ...body };
    if (this.sentDataset !== body.datasetKey) {
      request.dataset = dataset;
      this.sentDataset = body.datasetKey;
    }
    return new Promise<WorkerResponse>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage(request);
    });
  }

  cancel(): void {
    if (this.pending.size === 0) return;
    // The engine cannot be interrupted inside a fit: end the thread, start a fresh one next time.
    this.stopWorker(new CancelledError());
  }

  dispose(): void {
    this.stopWorker(new CancelledError());
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.file);
    worker.on('message', (m: WorkerResponse) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if ('error' in m) p.reject(m.fitError ? new FitError(m.error) : new Error(m.error));
      else p.resolve(m);
    });
    const fail = (error: Error) => {
      if (this.worker !== worker) return;
      this.stopWorker(new Error(`the fitting worker stopped: ${error.message}`));
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    worker.unref();
    this.worker = worker;
    this.sentDataset = undefined;
    return worker;
  }

  private stopWorker(reason: Error): void {
    const worker = this.worker;
    this.worker = undefined;
    this.sentDataset = undefined;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(reason);
    void worker?.terminate();
  }
}

/** The worker runner when its bundle exists beside the extension's, else the in-process one. */
export function createFitRunner(workerFile: string | undefined): FitRunner {
  return workerFile && fs.existsSync(workerFile) ? new WorkerFitRunner(workerFile) : new InProcessFitRunner();
}
