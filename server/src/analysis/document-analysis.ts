// Everything the server knows about one version of one document, computed lazily stage by stage
// (parse → schema check → network analysis → energy prediction) and memoised, so each LSP feature
// pays only for the stages it needs and a version is never analysed twice.
import { parse } from '../text/parser';
import type { ParsedDocument } from '../text/ast';
import { detectFileKind, validateDocument } from '../caffe/validate';
import { analyzeDocumentSteps, buildNavigationIndex, runToEnd, type NavigationIndex } from '../net';
import type { AnalyzedLayer, NetAnalysis } from '../net/types';
import type { Problem } from '../problem';
import type { EnergyLensSettings } from '../settings-defaults';
import type { RegisteredModel } from '../energy/registry';
import { bothPredicted, predictLatency, predictNet, type NetLatency, type NetPrediction } from '../energy/predict';
import type { MeasuredLookup } from './measurement-service';
import { type Assumptions, NO_ASSUMPTIONS, assumableFixes, dependentLayers, withFixesApplied } from './assumed-fixes';

export type FileKind = 'net' | 'solver';

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
  private assumptionsCache?: Assumptions;
  /** The network stage in progress (stepped by the diagnostics publisher on large files). */
  private netJob?: Generator<void, void>;
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
  ) {}

  get parsed(): ParsedDocument {
    return (this.parsedCache ??= parse(this.text));
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
   * Advances the network stage for about `budgetMs` of work; true once it is done. Between calls the
   * server answers other requests; a newer version simply stops calling (the old job is dropped).
   */
  stepNet(budgetMs: number): boolean {
    if (this.netCache !== undefined) return true;
    const steps = this.netSteps();
    const until = performance.now() + budgetMs;
    while (performance.now() < until) if (steps.next().done) return true;
    return this.netCache !== undefined;
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
    this.layerPositions ??= new Map(net.layers.map((l, i) => [l, i]));
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
