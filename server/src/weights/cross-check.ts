// Cross-check of a network definition against a trained .caffemodel, the way Caffe's
// Net::CopyTrainedLayersFrom pairs them: layers are matched by name, a matched layer must hold as
// many blobs as the definition creates and each blob must have the shape the definition implies
// (conv weights Cout x Cin/group x kh x kw, fc num_output x in_features, BatchNorm's C, C, 1, ...).
// A disagreement is an error on the field that implies the wrong dimension; a learnable layer the
// weights do not mention is a hint (Caffe keeps its filler values).
import type { CaffemodelStructure, LayerStructure, BlobStructure } from '../caffe/caffemodel/types';
import type { ParsedDocument, MessageValue, Span } from '../text/ast';
import type { Problem } from '../problem';
import type { AnalyzedLayer, NetAnalysis, Shape } from '../net/types';
import type { LayerDef } from '../net/model';
import { upgradeNet } from '../net/upgrade';
import { boolOf, has, numberOf, numberValues, subMessage, valueSpan } from '../net/fields';
import { convGeometry } from '../net/layers/convolution';
import { canonicalAxis } from '../net/layers/context';
import { shapeRule } from '../net/layers/registry';

/** A dimension the definition leaves open (its input shape is unknown) is `undefined`. */
export type ImpliedDims = Array<number | undefined>;

/** What one blob's dimension depends on, to name it in a message and point at it. */
export interface DimCause {
  /** Shown in messages: `num_output`, `kernel_size`, `input channels`. */
  label: string;
  /** Parameter block and field whose value to point at, when the cause is a field. */
  block?: string;
  field?: string;
}

export interface ImpliedBlob {
  /** `weights`, `bias`, `mean`, ... (Caffe's blob order). */
  role: string;
  /** Undefined when not even the number of axes is known (e.g. Scale on an unknown input). */
  dims?: ImpliedDims;
  /** Parallel to `dims`. */
  causes: DimCause[];
}

export interface WeightsCheck {
  problems: Problem[];
  /** Names of the analysed layers found in the weights, with their stored blobs. */
  matched: Map<string, LayerStructure>;
}

const NUM_OUTPUT = (block: string): DimCause => ({ label: 'num_output', block, field: 'num_output' });
const INPUT_CHANNELS: DimCause = { label: 'input channels' };

/**
 * The blobs Caffe creates for `def` given the shapes of its bottoms; `undefined` for layer types the
 * analysis does not know (nothing can be said about them) and `[]` for known types without weights.
 */
export function impliedBlobs(def: LayerDef, inputs: Array<Shape | undefined>): ImpliedBlob[] | undefined {
  const input = inputs[0];
  const m = def.message;
  switch (def.type) {
    case 'Convolution':
    case 'DepthwiseConvolution':
    case 'Deconvolution':
      return convolutionBlobs(m, input, def.type === 'Deconvolution');
    case 'ConvolutionDepthwise': {
      // The ShuffleNet/MobileNet fork layer (conv_dw_layer.cpp): one kh x kw filter per input channel.
      const p = subMessage(m, 'convolution_param') ?? EMPTY;
      const g = convGeometry(p, 2);
      if (typeof g === 'string') return undefined;
      const c = input?.[1];
      const blobs: ImpliedBlob[] = [
        {
          role: 'weights',
          dims: [c, 1, ...g.kernel],
          causes: [INPUT_CHANNELS, { label: 'one filter per channel' }, ...kernelCauses(p, 2)],
        },
      ];
      if (boolOf(p, 'bias_term') ?? true) blobs.push({ role: 'bias', dims: [c], causes: [INPUT_CHANNELS] });
      return blobs;
    }
    case 'InnerProduct': {
      const p = subMessage(m, 'inner_product_param') ?? EMPTY;
      const n = numberOf(p, 'num_output');
      const axis = input ? canonicalAxis(numberOf(p, 'axis') ?? 1, input.length) : undefined;
      const k = input && axis !== undefined ? product(input.slice(axis)) : undefined;
      const inFeatures: DimCause = { label: 'input features' };
      const blobs: ImpliedBlob[] = [
        boolOf(p, 'transpose')
          ? { role: 'weights', dims: [k, n], causes: [inFeatures, NUM_OUTPUT('inner_product_param')] }
          : { role: 'weights', dims: [n, k], causes: [NUM_OUTPUT('inner_product_param'), inFeatures] },
      ];
      if (boolOf(p, 'bias_term') ?? true) blobs.push({ role: 'bias', dims: [n], causes: [NUM_OUTPUT('inner_product_param')] });
      return blobs;
    }
    case 'Embed': {
      const p = subMessage(m, 'embed_param') ?? EMPTY;
      const n = numberOf(p, 'num_output');
      const blobs: ImpliedBlob[] = [
        {
          role: 'weights',
          dims: [numberOf(p, 'input_dim'), n],
          causes: [{ label: 'input_dim', block: 'embed_param', field: 'input_dim' }, NUM_OUTPUT('embed_param')],
        },
      ];
      if (boolOf(p, 'bias_term') ?? true) blobs.push({ role: 'bias', dims: [n], causes: [NUM_OUTPUT('embed_param')] });
      return blobs;
    }
    case 'BatchNorm': {
      const c = input ? (input.length === 1 ? 1 : input[1]) : undefined;
      return [
        { role: 'mean', dims: [c], causes: [INPUT_CHANNELS] },
        { role: 'variance', dims: [c], causes: [INPUT_CHANNELS] },
        { role: 'moving-average factor', dims: [1], causes: [{ label: 'always 1' }] },
      ];
    }
    case 'Scale': {
      const p = subMessage(m, 'scale_param') ?? EMPTY;
      const biasTerm = boolOf(p, 'bias_term') ?? false;
      if (inputs.length >= 2) {
        // The scale comes from bottom[1]; only the optional bias (shaped like it) is learned.
        return biasTerm ? [sizedLike('bias', inputs[1])] : [];
      }
      const shape = learnedShape(p, input);
      const blobs = [{ role: 'scale', ...shape }];
      if (biasTerm) blobs.push({ role: 'bias', ...shape });
      return blobs;
    }
    case 'Bias': {
      if (inputs.length >= 2) return [];
      return [{ role: 'bias', ...learnedShape(subMessage(m, 'bias_param') ?? EMPTY, input) }];
    }
    case 'PReLU': {
      // channel_shared: one scalar slope; otherwise one per channel.
      if (boolOf(subMessage(m, 'prelu_param') ?? EMPTY, 'channel_shared')) return [{ role: 'slope', dims: [], causes: [] }];
      return [{ role: 'slope', dims: [input?.[1]], causes: [INPUT_CHANNELS] }];
    }
    case 'Normalize': {
      // SSD's Normalize: a per-channel (or shared) scale.
      if (boolOf(subMessage(m, 'norm_param') ?? EMPTY, 'channel_shared') ?? true)
        return [{ role: 'scale', dims: [1], causes: [{ label: 'channel_shared' }] }];
      return [{ role: 'scale', dims: [input?.[1]], causes: [INPUT_CHANNELS] }];
    }
    default:
      return shapeRule(def.type) ? [] : undefined;
  }
}

const EMPTY: MessageValue = { kind: 'message', fields: [], span: { start: 0, end: 0 }, closed: true };

function convolutionBlobs(m: MessageValue, input: Shape | undefined, transposed: boolean): ImpliedBlob[] | undefined {
  const block = 'convolution_param';
  const p = subMessage(m, block) ?? EMPTY;
  const axis = input ? canonicalAxis(numberOf(p, 'axis') ?? 1, input.length) : 1;
  if (axis === undefined) return undefined; // the analysis reports the bad axis
  const listed = Math.max(numberValues(p, 'kernel_size').length, 1);
  const spatialAxes = input ? input.length - axis - 1 : has(p, 'kernel_h') ? 2 : Math.max(listed, 2);
  const g = convGeometry(p, spatialAxes);
  if (typeof g === 'string') return undefined; // so does the analysis for bad geometry
  const n = numberOf(p, 'num_output');
  const group = numberOf(p, 'group') ?? 1;
  const c = input?.[axis];
  const perGroup = (x: number | undefined) => (x === undefined ? undefined : x / group);
  const grouped = (label: string, field?: string): DimCause =>
    group === 1 ? { label, block: field ? block : undefined, field } : { label: `${label} / group`, block, field: field ?? 'group' };
  const kernel = kernelCauses(p, g.kernel.length);
  // Deconvolution swaps the roles of the channel counts (base_conv_layer.cpp reverse_dimensions).
  const weights: ImpliedBlob = transposed
    ? { role: 'weights', dims: [c, perGroup(n), ...g.kernel], causes: [INPUT_CHANNELS, grouped('num_output', 'num_output'), ...kernel] }
    : { role: 'weights', dims: [n, perGroup(c), ...g.kernel], causes: [NUM_OUTPUT(block), grouped('input channels'), ...kernel] };
  const blobs = [weights];
  if (boolOf(p, 'bias_term') ?? true) blobs.push({ role: 'bias', dims: [n], causes: [NUM_OUTPUT(block)] });
  return blobs;
}

function kernelCauses(p: MessageValue, axes: number): DimCause[] {
  if (has(p, 'kernel_h') && axes === 2) {
    return [
      { label: 'kernel_h', block: 'convolution_param', field: 'kernel_h' },
      { label: 'kernel_w', block: 'convolution_param', field: 'kernel_w' },
    ];
  }
  return new Array<DimCause>(axes).fill({ label: 'kernel_size', block: 'convolution_param', field: 'kernel_size' });
}

/** Scale/Bias blob: the bottom's axes [axis, axis + num_axes), num_axes -1 = to the end. */
function learnedShape(p: MessageValue, input: Shape | undefined): Pick<ImpliedBlob, 'dims' | 'causes'> {
  if (!input) return { causes: [] };
  const axis = canonicalAxis(numberOf(p, 'axis') ?? 1, input.length);
  const numAxes = numberOf(p, 'num_axes') ?? 1;
  if (axis === undefined || !Number.isInteger(numAxes) || numAxes < -1) return { causes: [] };
  const dims = input.slice(axis, numAxes === -1 ? input.length : axis + numAxes);
  return { dims, causes: dims.map(() => ({ label: 'input shape (axis, num_axes)' })) };
}

function sizedLike(role: string, shape: Shape | undefined): ImpliedBlob {
  return shape ? { role, dims: [...shape], causes: shape.map(() => ({ label: 'bottom[1] shape' })) } : { role, causes: [] };
}

function product(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/**
 * Caffe's Blob::ShapeEquals: a blob stored with `shape` must match exactly; a legacy blob
 * (num/channels/height/width) must match the implied shape padded with leading 1s to 4 axes.
 * Returns the implied dims in the blob's own form and the indices (into `implied`) that disagree,
 * or undefined when the blob has no shape to compare.
 */
export function compareBlob(blob: BlobStructure, implied: ImpliedDims): { shown: ImpliedDims; mismatched: number[] } | undefined {
  if (blob.shape === undefined && blob.legacyShape === undefined) return undefined;
  const legacy = blob.shape === undefined;
  const everything = { shown: implied, mismatched: implied.map((_, i) => i) };
  if (legacy && implied.length > 4) return everything;
  const pad = legacy ? 4 - implied.length : 0;
  const shown: ImpliedDims = [...new Array<number>(pad).fill(1), ...implied];
  const stored = blob.dims;
  if (stored.length !== shown.length) return { ...everything, shown };
  // Indices into `implied`; a padding axis that is not 1 counts as -1 (no field implies it).
  const mismatched: number[] = [];
  shown.forEach((d, i) => {
    if (d !== undefined && d !== stored[i]) mismatched.push(i - pad < 0 ? -1 : i - pad);
  });
  return { shown, mismatched };
}

export function dimsText(dims: ImpliedDims): string {
  return dims.length === 0 ? 'scalar' : dims.map((d) => (d === undefined ? '?' : String(d))).join('x');
}

/**
 * Compares every analysed layer of a network with the same-named layer of a .caffemodel.
 * `doc` and `net` are the parsed definition and its analysis; `fileName` names the weights in messages.
 */
export function crossCheckWeights(doc: ParsedDocument, net: NetAnalysis, structure: CaffemodelStructure, fileName: string): WeightsCheck {
  const defs = new Map<number, LayerDef>();
  for (const def of upgradeNet(doc).layers) defs.set(def.span.start, def);
  const stored = new Map<string, LayerStructure>();
  for (const layer of structure.layers) stored.set(layer.name, layer); // Caffe copies each same-named source layer in turn: the last wins
  const problems: Problem[] = [];
  const matched = new Map<string, LayerStructure>();
  for (const { layer, inputs } of layersWithInputs(net)) {
    const def = layer.span ? defs.get(layer.span.start) : undefined;
    if (!def) continue;
    const implied = impliedBlobs(def, inputs);
    const source = stored.get(layer.name);
    if (source) matched.set(layer.name, source);
    if (!implied) continue;
    if (!source) {
      if (implied.length > 0) {
        problems.push({
          severity: 'hint',
          code: 'weights-missing-layer',
          span: def.nameSpan ?? def.span,
          message: `${layer.name}: not in ${fileName}; Caffe would leave its ${implied.map((b) => b.role).join(' and ')} at their initial (filler) values.`,
        });
      }
      continue;
    }
    const problem = compareLayer(def, implied, source, fileName);
    if (problem) problems.push(problem);
  }
  return { problems, matched };
}

/** Analysed layers in execution order with the shapes of their bottoms at that point. */
function* layersWithInputs(net: NetAnalysis): Generator<{ layer: AnalyzedLayer; inputs: Array<Shape | undefined> }> {
  const shapes = new Map<string, Shape | undefined>();
  for (const input of net.inputs) shapes.set(input.name, input.shape);
  for (const layer of net.layers) {
    const inputs = layer.bottoms.map((b) => shapes.get(b));
    if (!layer.isSplit) yield { layer, inputs };
    layer.tops.forEach((t, i) => shapes.set(t, layer.outputShapes[i]));
  }
}

function compareLayer(def: LayerDef, implied: ImpliedBlob[], source: LayerStructure, fileName: string): Problem | undefined {
  if (source.blobs.length !== implied.length) {
    const roles = implied.map((b) => b.role).join(', ') || 'no blobs';
    // One blob too many or too few on a layer with an optional bias: bias_term is the likely cause.
    const block = biasTermBlock(def);
    const aboutBias = block !== undefined && Math.abs(source.blobs.length - implied.length) === 1;
    return {
      severity: 'error',
      code: 'weights-blob-count',
      span: (aboutBias ? fieldSpan(def, block, 'bias_term') : undefined) ?? def.nameSpan ?? def.span,
      message: `${def.name}: ${fileName} holds ${plural(source.blobs.length, 'blob')} for this layer but it implies ${implied.length} (${roles})${aboutBias ? ', see bias_term' : ''}; Caffe refuses to copy them.`,
    };
  }
  const clauses: string[] = [];
  let cause: DimCause | undefined;
  for (const [i, blob] of implied.entries()) {
    const result = blob.dims ? compareBlob(source.blobs[i], blob.dims) : undefined;
    if (!result || result.mismatched.length === 0) continue;
    const labels = [...new Set(result.mismatched.map((d) => blob.causes[d]?.label).filter((l): l is string => !!l))];
    const verb = blob.role === 'weights' ? 'are' : 'is';
    const storedText = dimsText(source.blobs[i].dims);
    clauses.push(
      clauses.length === 0
        ? `${blob.role} in ${fileName} ${verb} ${storedText} but this layer implies ${dimsText(result.shown)}${labels.length > 0 ? ` (${labels.join(', ')})` : ''}`
        : `${blob.role} ${verb} ${storedText}, implied ${dimsText(result.shown)}`,
    );
    cause ??= blob.causes[result.mismatched[0]] ?? { label: '' };
  }
  if (!cause) return undefined;
  const span = (cause.block && cause.field ? fieldSpan(def, cause.block, cause.field) : undefined) ?? def.nameSpan ?? def.span;
  return { severity: 'error', code: 'weights-shape-mismatch', span, message: `${def.name}: ${clauses.join('; ')}.` };
}

function biasTermBlock(def: LayerDef): string | undefined {
  switch (def.type) {
    case 'Convolution':
    case 'Deconvolution':
    case 'DepthwiseConvolution':
    case 'ConvolutionDepthwise':
      return 'convolution_param';
    case 'InnerProduct':
      return 'inner_product_param';
    case 'Embed':
      return 'embed_param';
    case 'Scale':
      return 'scale_param';
    default:
      return undefined;
  }
}

function fieldSpan(def: LayerDef, block: string, field: string): Span | undefined {
  return valueSpan(subMessage(def.message, block), field);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
