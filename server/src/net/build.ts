// Builds the analysed net the way Caffe's Net::Init does: upgrade the file, keep the layers of the
// requested state, insert splits, then walk the layers in order inferring each top's shape and the
// layer's features. Unknown stays unknown: a layer whose bottoms are not all known gets no numbers.
import type { ParsedDocument } from '../text/ast';
import type { Problem } from '../problem';
import type { AnalyzedLayer, AnalyzeOptions, ExcludedLayer, LayerFeatures, NetAnalysis, NetInput, Shape, TypeTotals } from './types';
import type { LayerDef, NetDefinition, NetState } from './model';
import { upgradeNetSteps } from './upgrade';
import { layerIncluded } from './phase';
import { hasSource, planSplitsSteps, type GraphNode, type SplitLayer, type SplitPlan } from './splits';
import { headerLineStart, missingInputProblem, providedShapes, withBatch, type Provided } from './input-shapes';
import { shapeRule } from './layers/registry';
import { count, numberText, type InferContext } from './layers/context';
import { suggestedInputShape } from './layers/data';
import { blobShapeProblem } from './layers/limits';
import { DATA_LAYER_TYPES } from './layer-types';
import { graphDiagnosticsSteps } from './diagnostics';
import { runToEnd } from '../text/steps';

/** Caffe turns header inputs into an Input layer of this name (UpgradeNetInput); splits are named after it. */
const HEADER_INPUT_LAYER = 'input';

/** What the walk over the layers shares. */
interface Walk {
  doc: ParsedDocument;
  def: NetDefinition;
  active: LayerDef[];
  plan: SplitPlan;
  provided: Provided;
  batch: number;
  text?: string;
  /** Current shape of every blob produced so far (undefined: produced, shape unknown). */
  shapes: Map<string, Shape | undefined>;
  inputs: NetInput[];
  layers: AnalyzedLayer[];
  problems: Problem[];
  report: (p: Problem) => void;
  /** Who produces each blob; built on the first undefined bottom (a correct net never needs it). */
  producers?: ProducerIndex;
}

interface ProducerIndex {
  /** Highest layer index among the active layers producing the blob. */
  lastActive: Map<string, number>;
  /** Blobs produced by a layer left out of this phase. */
  byExcluded: Set<string>;
}

function producerIndex(w: Walk): ProducerIndex {
  if (w.producers) return w.producers;
  const lastActive = new Map<string, number>();
  const activeSet = new Set(w.active);
  const byExcluded = new Set<string>();
  for (const l of w.def.layers) {
    const isActive = activeSet.has(l);
    for (const t of l.tops) {
      if (!isActive) byExcluded.add(t.name);
      else if (l.index > (lastActive.get(t.name) ?? -Infinity)) lastActive.set(t.name, l.index);
    }
  }
  w.producers = { lastActive, byExcluded };
  return w.producers;
}

/** Layers walked between two yields of `buildAnalysisSteps` (a few ms of work). */
const LAYERS_PER_STEP = 1000;
/** Layers gone through between two yields by its lighter passes (filtering, graph nodes, totals). */
const LIGHT_PER_STEP = 4096;

export function buildAnalysis(doc: ParsedDocument, options: AnalyzeOptions = {}, text?: string): NetAnalysis {
  return runToEnd(buildAnalysisSteps(doc, options, text));
}

export { runToEnd };

/**
 * The same analysis in steps: it yields between stages and every LAYERS_PER_STEP layers, so the
 * language server can answer requests between steps of a large net (the caller decides when to go on).
 */
export function* buildAnalysisSteps(doc: ParsedDocument, options: AnalyzeOptions = {}, text?: string): Generator<void, NetAnalysis> {
  const batch = Number.isInteger(options.batch) && (options.batch as number) > 0 ? (options.batch as number) : 1;
  const def = yield* upgradeNetSteps(doc);
  const problems: Problem[] = [...def.problems];
  const state: NetState = {
    phase: options.phase ?? 'TEST',
    level: options.level ?? def.fileLevel ?? 0,
    stages: [...def.fileStages, ...(options.stages ?? [])],
  };
  const { active, excluded } = yield* filterLayers(def, state, problems);
  yield;

  const offset = def.headerInputs.length > 0 ? 1 : 0;
  const nodes: GraphNode[] = [];
  if (offset) nodes.push({ name: HEADER_INPUT_LAYER, bottoms: [], tops: def.headerInputs.map((h) => h.name), lossWeights: [] });
  for (let k = 0; k < active.length; k++) {
    const l = active[k];
    nodes.push({ name: l.name, bottoms: l.bottoms.map((b) => b.name), tops: l.tops.map((t) => t.name), lossWeights: l.lossWeights });
    if (k % LIGHT_PER_STEP === LIGHT_PER_STEP - 1) yield;
  }
  const plan = yield* planSplitsSteps(nodes);
  yield;
  const splitsAfter = new Map<number, SplitLayer[]>();
  for (let k = 0; k < plan.splits.length; k++) {
    const s = plan.splits[k];
    const list = splitsAfter.get(s.after);
    if (list) list.push(s);
    else splitsAfter.set(s.after, [s]);
    if (k % LIGHT_PER_STEP === LIGHT_PER_STEP - 1) yield;
  }

  const walk: Walk = {
    doc,
    def,
    active,
    plan,
    batch,
    text,
    provided: providedShapes(doc, def, active, options, batch, problems),
    shapes: new Map(),
    inputs: [],
    layers: [],
    problems,
    report: (p) => {
      problems.push(p);
    },
  };
  if (offset) {
    headerInputs(walk);
    addSplits(walk, splitsAfter.get(0));
  }
  for (let k = 0; k < active.length; k++) {
    analyzeLayer(walk, active[k], k + offset, nodes[k + offset]);
    addSplits(walk, splitsAfter.get(k + offset));
    if (k % LAYERS_PER_STEP === LAYERS_PER_STEP - 1) yield;
  }
  yield;
  for (const p of yield* graphDiagnosticsSteps(active, plan, offset)) problems.push(p);
  return { name: def.name, ...(yield* summarize(walk)), problems, format: def.format, excluded };
}

function* filterLayers(
  def: NetDefinition,
  state: NetState,
  problems: Problem[],
): Generator<void, { active: LayerDef[]; excluded: ExcludedLayer[] }> {
  const active: LayerDef[] = [];
  const excluded: ExcludedLayer[] = [];
  for (let k = 0; k < def.layers.length; k++) {
    if (k % LIGHT_PER_STEP === LIGHT_PER_STEP - 1) yield;
    const layer = def.layers[k];
    if (layer.include.length > 0 && layer.exclude.length > 0) {
      problems.push({
        severity: 'error',
        code: 'invalid-state-rules',
        span: layer.nameSpan ?? layer.span,
        message: `${layer.name}: specify either include rules or exclude rules, not both (Caffe refuses the layer).`,
      });
    }
    if (layerIncluded(state, layer)) active.push(layer);
    else excluded.push({ name: layer.name, type: layer.type, span: layer.span, nameSpan: layer.nameSpan });
  }
  return { active, excluded };
}

/** Header inputs (`input:` + `input_dim`/`input_shape`). */
function headerInputs(w: Walk): void {
  w.def.headerInputs.forEach((h, i) => {
    let shape = w.provided.forBlob(h.name, i === 0 && w.provided.firstIsHeader) ?? (h.dims ? withBatch(h.dims, w.batch) : undefined);
    if (shape && !shape.every((d) => Number.isInteger(d) && d > 0)) {
      w.report({
        severity: 'error',
        code: 'invalid-input-header',
        span: h.span,
        message: `Input '${h.name}' has a dimension that is not a positive integer (${h.dims?.map(numberText).join(', ')}).`,
      });
      shape = undefined;
    }
    const tooLarge = shape && blobShapeProblem(shape);
    if (tooLarge) {
      w.report({ severity: 'error', code: 'blob-too-large', span: h.span, message: `Input '${h.name}': ${tooLarge}.` });
      shape = undefined;
    }
    w.shapes.set(h.name, shape);
    w.inputs.push({ name: h.name, shape });
    if (!shape && !h.dims) {
      w.report(
        missingInputProblem(
          `Input '${h.name}' has no shape in the file (no input_dim or input_shape).`,
          h.span,
          headerLineStart(w.doc),
          [],
          h.name,
          !w.provided.namedFirst(h.name),
          w.text,
        ),
      );
    }
  });
}

function addSplits(w: Walk, splits: SplitLayer[] | undefined): void {
  if (!splits) return;
  for (const s of splits) {
    const shape = w.shapes.get(s.blob);
    const outputs = s.tops.map(() => shape);
    w.layers.push({
      name: s.name,
      type: 'Split',
      bottoms: [s.blob],
      tops: s.tops,
      outputShapes: outputs,
      isSplit: true,
      features: finishFeatures({ macs: 0, params: 0 }, [shape], outputs),
    });
  }
}

function analyzeLayer(w: Walk, layer: LayerDef, node: number, names: GraphNode): void {
  const { bottoms, tops } = layer;
  const bottomShapes: Array<Shape | undefined> = new Array(bottoms.length);
  let allKnown = true;
  for (let j = 0; j < bottoms.length; j++) {
    if (hasSource(w.plan, node, j)) bottomShapes[j] = w.shapes.get(bottoms[j].name);
    else w.report(undefinedBottomProblem(layer, j, producerIndex(w)));
    if (!bottomShapes[j]) allKnown = false;
  }
  const rule = shapeRule(layer.type);
  const provided = bottoms.length === 0 ? tops.map((t, j) => w.provided.forBlob(t.name, j === 0 && w.provided.firstLayer === layer)) : [];
  let outputs: Array<Shape | undefined> | undefined;
  let features: LayerFeatures | undefined;
  if (!rule) {
    w.report({
      severity: 'warning',
      code: 'unknown-layer-type',
      span: layer.typeSpan ?? layer.nameSpan ?? layer.span,
      message: layer.type
        ? `${layer.name}: unknown layer type '${layer.type}'; its outputs and everything computed from them stay unknown.`
        : `${layer.name}: the layer has no type; its outputs stay unknown.`,
    });
    if (bottoms.length === 0) outputs = provided;
  } else if (allKnown) {
    const ctx: InferContext = { layer, inputs: bottomShapes as Shape[], batch: w.batch, provided, report: w.report };
    const result = rule(ctx);
    outputs = result.outputs;
    features = result.features;
  }
  outputs ??= new Array<Shape | undefined>(tops.length).fill(undefined);

  for (let j = 0; j < tops.length; j++) {
    const top = tops[j];
    // Caffe's AppendTop: reusing a name is only allowed in place (top j = bottom j).
    const inPlace = j < bottoms.length && bottoms[j].name === top.name;
    if (!inPlace && w.shapes.has(top.name)) {
      w.report({
        severity: 'error',
        code: 'duplicate-top',
        span: top.span,
        message: `Top blob '${top.name}' is produced by multiple sources; a layer may only reuse a name in place (top ${j} = bottom ${j}).`,
      });
    }
    w.shapes.set(top.name, outputs[j]);
  }
  if (DATA_LAYER_TYPES.has(layer.type) || (!rule && bottoms.length === 0 && tops.length > 0)) {
    dataLayerInputs(w, layer, outputs, rule !== undefined);
  }

  const caffeBottoms = w.plan.renamedBottoms.get(node);
  const analyzed: AnalyzedLayer = {
    name: layer.name,
    type: layer.type,
    bottoms: names.bottoms,
    tops: names.tops,
    outputShapes: outputs,
    features: finishFeatures(features, bottomShapes, outputs),
    isSplit: false,
    span: layer.span,
    nameSpan: layer.nameSpan,
    typeSpan: layer.typeSpan,
    bottomSpans: bottoms.map((b) => b.span),
    topSpans: tops.map((t) => t.span),
  };
  if (caffeBottoms) analyzed.caffeBottoms = caffeBottoms;
  w.layers.push(analyzed);
}

/** Record a data layer's tops as net inputs; explain (with fixes) the ones whose shape is unknown. */
function dataLayerInputs(w: Walk, layer: LayerDef, outputs: Array<Shape | undefined>, knownType: boolean): void {
  layer.tops.forEach((t, j) => w.inputs.push({ name: t.name, shape: outputs[j] }));
  const unknown = layer.tops.filter((_, j) => !outputs[j]);
  if (!knownType || unknown.length === 0) return;
  const first = unknown[0];
  const isFirst = w.provided.firstLayer === layer && first === layer.tops[0];
  const what = unknown.map((t) => `'${t.name}'`).join(', ');
  w.report(
    missingInputProblem(
      `${layer.name}: the shape of ${what} is not in the file (${layer.type} reads it at run time). Add a comment '# energy-lens: input ${isFirst ? '' : `${first.name} `}N,C,H,W' so the net can be analysed.`,
      layer.nameSpan ?? layer.typeSpan ?? layer.span,
      layer.span.start,
      suggestedInputShape(layer.message) ?? [],
      first.name,
      !isFirst,
      w.text,
    ),
  );
}

function* summarize(w: Walk): Generator<void, Pick<NetAnalysis, 'inputs' | 'layers' | 'totals' | 'complete' | 'byType'>> {
  const totals = { macs: 0, params: 0 };
  const byType: Record<string, TypeTotals> = {};
  let complete = w.inputs.every((i) => i.shape !== undefined);
  for (let k = 0; k < w.layers.length; k++) {
    if (k % LIGHT_PER_STEP === LIGHT_PER_STEP - 1) yield;
    const l = w.layers[k];
    const t = (byType[l.type] ??= { layers: 0, macs: 0, params: 0 });
    t.layers++;
    const { macs, params } = l.features;
    if (macs !== undefined) {
      totals.macs += macs;
      t.macs += macs;
    } else complete = false;
    if (params !== undefined) {
      totals.params += params;
      t.params += params;
    } else complete = false;
    if (l.type !== 'Silence' && l.outputShapes.some((s) => !s)) complete = false;
  }
  return { inputs: w.inputs, layers: w.layers, totals, complete, byType };
}

/** Element counts and fp32 bytes, added once for every layer; unknown values are left out. */
function finishFeatures(
  base: LayerFeatures | undefined,
  inputs: Array<Shape | undefined>,
  outputs: Array<Shape | undefined>,
): LayerFeatures {
  // Rules return a fresh object, so it is completed in place.
  const f: LayerFeatures = base ?? {};
  const inputElements = elements(inputs);
  const outputElements = elements(outputs);
  if (inputElements !== undefined) f.inputElements = inputElements;
  if (outputElements !== undefined) f.outputElements = outputElements;
  if (f.params !== undefined) f.weightBytes = f.params * 4;
  if (inputElements !== undefined && outputElements !== undefined) f.activationBytes = (inputElements + outputElements) * 4;
  return f;
}

function elements(shapes: Array<Shape | undefined>): number | undefined {
  let n = 0;
  for (const s of shapes) {
    if (!s) return undefined;
    n += count(s);
  }
  return n;
}

function undefinedBottomProblem(layer: LayerDef, j: number, producers: ProducerIndex): Problem {
  const bottom = layer.bottoms[j];
  const why =
    (producers.lastActive.get(bottom.name) ?? -Infinity) > layer.index
      ? ' (it is only produced by a later layer)'
      : producers.byExcluded.has(bottom.name)
        ? ' (it is only produced by layers left out of this phase)'
        : '';
  return {
    severity: 'error',
    code: 'undefined-bottom',
    span: bottom.span,
    message: `${layer.name}: bottom blob '${bottom.name}' is not produced by any earlier layer or input${why}.`,
  };
}
