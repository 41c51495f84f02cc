// Whole-graph checks that need every layer at once: duplicate layer names and outputs nobody reads.
import type { Problem } from '../problem';
import { runToEnd } from '../text/steps';
import type { LayerDef } from './model';
import { consumerCount, type SplitPlan } from './splits';
import { DATA_LAYER_TYPES, OUTPUT_LAYER_TYPES } from './layer-types';

/**
 * `active` are the layers of the analysed state, `plan` the split plan over [header node?, ...active],
 * `offset` 1 when the plan starts with the header-input node.
 */
export function graphDiagnostics(active: LayerDef[], plan: SplitPlan, offset: number): Problem[] {
  return runToEnd(graphDiagnosticsSteps(active, plan, offset));
}

/** Layers checked between two yields of graphDiagnosticsSteps (well under a millisecond). */
const LAYERS_PER_STEP = 2048;
const pause = (k: number): boolean => k % LAYERS_PER_STEP === LAYERS_PER_STEP - 1;

/** graphDiagnostics in steps: it yields every LAYERS_PER_STEP layers (see buildAnalysisSteps). */
export function* graphDiagnosticsSteps(active: LayerDef[], plan: SplitPlan, offset: number): Generator<void, Problem[]> {
  const duplicates = yield* duplicateNames(active);
  const unused = yield* unusedOutputs(active, plan, offset);
  return [...duplicates, ...unused];
}

/** Caffe accepts them, but weights are copied by layer name, so the second layer gets the first's. */
function* duplicateNames(active: LayerDef[]): Generator<void, Problem[]> {
  const problems: Problem[] = [];
  const seen = new Map<string, LayerDef>();
  for (let k = 0; k < active.length; k++) {
    if (pause(k)) yield;
    const layer = active[k];
    if (!layer.name) continue;
    const first = seen.get(layer.name);
    if (first) {
      problems.push({
        severity: 'warning',
        code: 'duplicate-layer-name',
        span: layer.nameSpan ?? layer.span,
        message: `Another layer of this phase is already named '${layer.name}'; Caffe matches trained weights by layer name, so both would get the same weights.`,
      });
    } else seen.set(layer.name, layer);
  }
  return problems;
}

/**
 * A top that no later layer reads is a net output to Caffe. It is worth a hint only when it is not what
 * the user reads out: the net has explicit result layers (loss, accuracy, softmax...) and this top is
 * not one of them, not the last layer's, not a loss (loss_weight) and not a data layer's extra top
 * (e.g. an unused label). Nets without result layers (feature extractors, detection heads) are left alone.
 */
function* unusedOutputs(active: LayerDef[], plan: SplitPlan, offset: number): Generator<void, Problem[]> {
  if (!active.some((l) => OUTPUT_LAYER_TYPES.has(l.type))) return [];
  const problems: Problem[] = [];
  const last = active.length - 1;
  for (let k = 0; k < active.length; k++) {
    if (pause(k)) yield;
    const layer = active[k];
    if (k === last || OUTPUT_LAYER_TYPES.has(layer.type) || DATA_LAYER_TYPES.has(layer.type) || layer.bottoms.length === 0) continue;
    layer.tops.forEach((top, j) => {
      if (consumerCount(plan, k + offset, j) > 0 || layer.lossWeights[j]) return;
      problems.push({
        severity: 'hint',
        code: 'unused-output',
        span: top.span,
        tags: ['unnecessary'],
        message: `Output '${top.name}' of layer '${layer.name}' is never used by a later layer; Caffe still computes it (as a net output).`,
      });
    });
  }
  return problems;
}
