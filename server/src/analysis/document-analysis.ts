// Everything the server knows about one version of one document, computed lazily stage by stage
// (parse → schema check → network analysis → energy prediction) and memoised, so each LSP feature
// pays only for the stages it needs and a version is never analysed twice.
import { parseSteps } from '../text/parser';
import type { ParsedDocument } from '../text/ast';
import { detectFileKind, detectFileKindSteps, validateDocument, validateDocumentSteps } from '../caffe/validate';
import { analyzeDocumentSteps, buildNavigationIndex, runToEnd, type NavigationIndex } from '../net';
import type { AnalyzedLayer, NetAnalysis } from '../net/types';
import type { Problem } from '../problem';
import type { EnergyLensSettings } from '../settings-defaults';
import type { RegisteredModel } from '../energy/registry';
import {
  bothPredicted,
  netLatencySteps,
  netPredictionSteps,
  predictLatency,
  predictLayer,
  predictLayerLatency,
  predictNet,
  type NetLatency,
  type NetPrediction,
} from '../energy/predict';
import type { MeasuredLookup } from './measurement-service';
import { afterPendingMessages } from './slice-turns';
import { measuredModes, predictedModes, type ModeChoice } from './power-modes';
import { type Assumptions, NO_ASSUMPTIONS, assumableFixes, dependentLayers, withFixesApplied } from './assumed-fixes';

export type FileKind = 'net' | 'solver';

export interface PowerModes {
  predicted?: ModeChoice;
  /** One choice per board whose campaigns measured this text in two modes or more. */
  measured: ModeChoice[];
}

/** Nets larger than this get no per-mode prediction in the editor (each mode is a full prediction). */
export const MODE_COMPARISON_MAX_LAYERS = 5000;

export class DocumentAnalysis {
  private parsedCache?: ParsedDocument;
  private kindCache?: FileKind;
  private schemaCache?: Problem[];
  private netCache?: NetAnalysis | null;
  private navigationCache?: NavigationIndex;
  private predictionCache?: NetPrediction | null;
  private latencyCache?: NetLatency | null;
  private bothCache?: ReturnType<typeof bothPredicted> | null;
  private measuredCache?: MeasuredLookup;
  private powerModesCache?: PowerModes;
  private assumptionsCache?: Assumptions;
  /** The parse and the network stage in progress (stepped by the diagnostics publisher on large files). */
  private parseJob?: Generator<void, void>;
  private netJob?: Generator<void, void>;
  /** The whole analysis in progress, network stage included (see stepAnalysis). */
  private job?: Generator<StageDone | void, void>;
  private whenDone?: Promise<boolean>;
  private readonly parsedWaiters: Array<() => void> = [];
  private abandoned = false;
  private layerPositions?: Map<AnalyzedLayer, number>;

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly text: string,
    readonly settings: EnergyLensSettings,
    /** The energy model of the chosen platform; undefined when the platform has none. */
    readonly model?: RegisteredModel,
    /** Campaign records that measured this text (or an older version of the file). */
    private readonly measuredSource?: () => MeasuredLookup,
    /** False in an untrusted workspace: built-in models only, no records (the hover says so). */
    readonly workspaceTrusted = true,
    /** The models of the chosen platform's board in each power mode (`…/mode<N>`), for the best-mode lens. */
    private readonly modeModels: readonly RegisteredModel[] = [],
  ) {}

  get parsed(): ParsedDocument {
    if (!this.parsedCache) runToEnd((this.parseJob ??= this.parseStage()));
    return this.parsedCache!;
  }

  private *parseStage(): Generator<void, void> {
    this.parsedCache = yield* parseSteps(this.text);
    this.parseJob = undefined;
  }

  get kind(): FileKind {
    return (this.kindCache ??= detectFileKind(this.parsed));
  }

  get schemaProblems(): Problem[] {
    return (this.schemaCache ??= validateDocument(this.parsed, this.kind));
  }

  /**
   * The analysed network, or null for solver files. Read as if every schema problem with exactly one
   * fix were fixed (see `assumptions`), so one typo does not blank the numbers of the whole file.
   */
  get net(): NetAnalysis | null {
    // A request that needs the net now finishes the stepped analysis where it stands (no work is redone).
    if (this.netCache === undefined) runToEnd(this.netSteps());
    return this.netCache ?? null;
  }

  /**
   * Advances the analysis (network, prediction, latency, the layer index) for about `budgetMs` of work;
   * true once all of it is done. Between calls the server answers other requests; a newer version
   * simply stops calling (the old job is dropped).
   */
  stepAnalysis(budgetMs: number): boolean {
    if (this.analysed) return true;
    const steps = (this.job ??= this.analyseAll());
    const until = performance.now() + budgetMs;
    do {
      const step = steps.next();
      if (step.done) {
        this.job = undefined;
        return true;
      }
      if (step.value === STAGE_DONE) break; // the next stage starts in the next turn
    } while (performance.now() < until);
    return false;
  }

  /** The whole analysis now, in one go (what stepAnalysis does in slices). */
  analyseNow(): this {
    while (!this.stepAnalysis(Infinity));
    return this;
  }

  /**
   * Resolves true once the whole analysis is done, computed in slices of `stepMs` with turns of the
   * event loop between them, the messages read meanwhile handled and answered first (afterPendingMessages:
   * a request waiting for it blocks nothing, a quick one waits at most one slice); false if this version was
   * abandoned first. Shared by every caller.
   */
  whenAnalysed(stepMs: number): Promise<boolean> {
    return (this.whenDone ??= new Promise<boolean>((resolve, reject) => {
      const finish = (result: boolean | Error): void => {
        this.flushParsedWaiters();
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const step = (): void => {
        if (this.abandoned) return finish(false);
        try {
          if (this.stepAnalysis(stepMs)) return finish(true);
        } catch (error) {
          return finish(error instanceof Error ? error : new Error(String(error)));
        }
        if (this.schemaCache) this.flushParsedWaiters();
        afterPendingMessages(step);
      };
      afterPendingMessages(step);
    }));
  }

  /**
   * Resolves true once the text is parsed and checked against the schema (its syntax and schema problems
   * can be shown without more work), by the same stepped job as whenAnalysed (which it starts); false if
   * this version was abandoned first.
   */
  whenParsed(stepMs: number): Promise<boolean> {
    if (this.schemaCache) return Promise.resolve(!this.abandoned);
    const parsed = new Promise<boolean>((resolve) => this.parsedWaiters.push(() => resolve(!this.abandoned)));
    this.whenAnalysed(stepMs).catch(() => undefined); // its failure reaches whoever awaits whenAnalysed
    return parsed;
  }

  private flushParsedWaiters(): void {
    for (const resolve of this.parsedWaiters.splice(0)) resolve();
  }

  /** A newer version (or new settings) replaced this analysis: stop stepping it. */
  abandon(): void {
    this.abandoned = true;
  }

  /** Whether everything the editor shows for this version is computed (the network and its numbers). */
  get analysed(): boolean {
    return (
      this.netCache !== undefined &&
      this.predictionCache !== undefined &&
      this.latencyCache !== undefined &&
      (this.netCache === null || this.layerPositions !== undefined)
    );
  }

  private *analyseAll(): Generator<StageDone | void, void> {
    // The parse and the object tree: a large file takes seconds for both.
    if (!this.parsedCache) yield* (this.parseJob ??= this.parseStage());
    const parsed = this.parsedCache!;
    if (parsed.rootSteps) yield* parsed.rootSteps();
    // The file kind and the schema check go through every field too: in slices as well.
    if (this.kindCache === undefined) {
      const kind = yield* detectFileKindSteps(parsed);
      this.kindCache ??= kind;
    }
    if (this.schemaCache === undefined) {
      const problems = yield* validateDocumentSteps(parsed, this.kind);
      this.schemaCache ??= problems;
    }
    yield STAGE_DONE; // the syntax and schema problems can be published before the network is analysed
    if (this.netCache === undefined) yield* this.netSteps();
    yield STAGE_DONE;
    const layers = this.netCache?.layers;
    const model = this.model?.model;
    if (this.predictionCache === undefined) {
      const predictions = layers && model ? yield* sliced(layers, (l, i) => predictLayer(l, i, model)) : undefined;
      // A getter may have computed it meanwhile, in one go: keep that one.
      const total = predictions && model ? yield* netPredictionSteps(predictions, model) : null;
      this.predictionCache ??= total;
    }
    if (this.latencyCache === undefined) {
      const latencies = layers && model?.latency ? yield* sliced(layers, (l, i) => predictLayerLatency(l, i, model)) : undefined;
      const total = latencies && model ? yield* netLatencySteps(latencies, model) : null;
      this.latencyCache ??= total;
    }
    if (layers) this.layerPositions ??= yield* positionsOf(layers);
  }

  private netSteps(): Generator<void, void> {
    return (this.netJob ??= this.analyseNet());
  }

  private *analyseNet(): Generator<void, void> {
    if (this.kind !== 'net') {
      this.assumptionsCache = NO_ASSUMPTIONS;
      this.netCache = null;
      return;
    }
    const fixes = assumableFixes(this.schemaProblems, this.text);
    const doc = withFixesApplied(this.parsed, fixes);
    const net = yield* analyzeDocumentSteps(doc, { phase: this.settings.phase, batch: this.settings.batchSize }, this.text);
    this.assumptionsCache = fixes.length ? { fixes, layers: dependentLayers(net, fixes) } : NO_ASSUMPTIONS;
    this.netCache = net;
    this.netJob = undefined;
  }

  /** The position of a layer of `net.layers` (-1 if it is not one), by a map built once: O(1) a lookup. */
  indexOfLayer(layer: AnalyzedLayer): number {
    const net = this.net;
    if (!net) return -1;
    this.layerPositions ??= runToEnd(positionsOf(net.layers));
    return this.layerPositions.get(layer) ?? -1;
  }

  /** The fixes the network analysis assumed, and the layers whose numbers depend on them (provisional). */
  get assumptions(): Assumptions {
    if (this.assumptionsCache === undefined) void this.net;
    return this.assumptionsCache ?? NO_ASSUMPTIONS;
  }

  /** Predicted energy per layer and in total; null without a network or a model. */
  get prediction(): NetPrediction | null {
    if (this.predictionCache === undefined) {
      const net = this.net;
      this.predictionCache = net && this.model ? predictNet(net.layers, this.model.model) : null;
    }
    return this.predictionCache;
  }

  /** Predicted latency per layer and in total; null without a network, a model or its latency sub-models. */
  get latency(): NetLatency | null {
    if (this.latencyCache === undefined) {
      const net = this.net;
      this.latencyCache = (net && this.model && predictLatency(net.layers, this.model.model)) || null;
    }
    return this.latencyCache;
  }

  /** Energy and latency over the layers that have both (for a mean power), or undefined. */
  get predictedBoth(): ReturnType<typeof bothPredicted> {
    if (this.bothCache === undefined) {
      const prediction = this.prediction;
      const latency = this.latency;
      this.bothCache = (prediction && latency && bothPredicted(prediction, latency)) || null;
    }
    return this.bothCache ?? undefined;
  }

  /** Measured energies of this text, if a campaign measured it. */
  get measured(): MeasuredLookup {
    return (this.measuredCache ??= this.measuredSource?.() ?? {});
  }

  /**
   * The best power mode for this net: predicted when models of two modes or more of the platform's
   * board exist, measured per board when a sweep measured this text in two modes or more.
   */
  get powerModes(): PowerModes {
    if (this.powerModesCache) return this.powerModesCache;
    const net = this.net;
    const layers = net?.layers;
    let predicted: ModeChoice | undefined;
    if (layers && this.model && this.modeModels.length > 1) {
      // Each mode is a whole prediction: beyond this size the editor leaves it to `predict --modes`.
      predicted =
        layers.length <= MODE_COMPARISON_MAX_LAYERS ? predictedModes(layers, this.modeModels, this.model.model.platform.id) : undefined;
    }
    const measured = measuredModes(this.measured.sameText ?? []);
    return (this.powerModesCache = { ...(predicted ? { predicted } : {}), measured });
  }

  /** Where blob and layer names are defined and used (all phases, as written). */
  get navigation(): NavigationIndex {
    return (this.navigationCache ??= buildNavigationIndex(this.parsed));
  }

  /** Whether the network stage has run (cheap stages can be shown before it on large files). */
  get netAnalysed(): boolean {
    return this.netCache !== undefined;
  }

  /** Problems of the text alone: syntax and schema (no network analysis needed). */
  get textProblems(): Problem[] {
    const syntax: Problem[] = this.parsed.errors.map((e) => ({
      severity: 'error',
      message: e.message,
      span: e.span,
      code: 'syntax',
    }));
    return [...syntax, ...this.schemaProblems];
  }

  /** All problems: syntax, schema, graph. */
  get problems(): Problem[] {
    return [...this.textProblems, ...(this.net?.problems ?? [])];
  }
}

/** Yielded at the end of a stage: the slice ends there, whatever is left of its budget. */
const STAGE_DONE = 'stage done';
type StageDone = typeof STAGE_DONE;

/** Layers per slice of the stepped per-layer work (a few µs each: a slice is well under a millisecond). */
const SLICE = 256;

/** `layers.map(f)`, pausing after every SLICE layers. */
function* sliced<T>(layers: AnalyzedLayer[], f: (layer: AnalyzedLayer, index: number) => T): Generator<void, T[]> {
  const out: T[] = [];
  for (let i = 0; i < layers.length; i++) {
    out.push(f(layers[i], i));
    if (i % SLICE === SLICE - 1) yield;
  }
  return out;
}

function* positionsOf(layers: AnalyzedLayer[]): Generator<void, Map<AnalyzedLayer, number>> {
  const positions = new Map<AnalyzedLayer, number>();
  for (let i = 0; i < layers.length; i++) {
    positions.set(layers[i], i);
    if (i % (SLICE * 16) === SLICE * 16 - 1) yield;
  }
  return positions;
}
