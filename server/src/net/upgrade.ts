// V0/V1/V2 files -> one NetDefinition, as Caffe's upgrade_proto.cpp does before building a net:
// V0 `layers { layer { type: "conv" kernelsize: 11 } }` gets V2 parameter blocks and its "padding"
// layers folded into the following conv/pool; V1 enum types become V2 strings; header inputs are kept
// aside (Caffe turns them into an Input layer named "input").
import type { Field, MessageValue, ParsedDocument, Span, Value } from '../text/ast';
import { runToEnd } from '../text/steps';
import type { Problem } from '../problem';
import { enumOf, lastField, lastValue, numberOf, numberValues, stringValue, stringValues, subMessage, subMessages } from './fields';
import { V0_TO_V1_TYPE, V1_TO_V2_TYPE, V1_TYPE_BY_NUMBER } from '../caffe-upgrade-names';
import type { BlobRef, FileFormat, HeaderInput, LayerDef, NetDefinition, StateRule } from './model';

export function upgradeNet(doc: ParsedDocument): NetDefinition {
  return runToEnd(upgradeNetSteps(doc));
}

/** Top-level fields read between two yields of upgradeNetSteps (about a millisecond of work). */
const FIELDS_PER_STEP = 512;

/** upgradeNet in steps: it yields every FIELDS_PER_STEP top-level fields (see buildAnalysisSteps). */
export function* upgradeNetSteps(doc: ParsedDocument): Generator<void, NetDefinition> {
  const root = doc.root;
  const problems: Problem[] = [];
  const layers: LayerDef[] = [];
  let sawV2 = false;
  let sawLegacy: Field | undefined;
  let format: FileFormat = 'V2';
  /** The root without its layers (name, inputs, state), read below without going through every layer again. */
  const header: MessageValue = { ...root, fields: [] };

  for (let i = 0; i < root.fields.length; i++) {
    if (i % FIELDS_PER_STEP === FIELDS_PER_STEP - 1) yield;
    const field = root.fields[i];
    if (field.name !== 'layer' && field.name !== 'layers') header.fields.push(field);
    const value = field.value;
    if (value?.kind !== 'message') continue;
    if (field.name === 'layer') {
      sawV2 = true;
      layers.push(v2Layer(field, value, layers.length));
    } else if (field.name === 'layers') {
      sawLegacy ??= field;
      const inner = subMessage(value, 'layer');
      if (inner) {
        format = 'V0';
        layers.push(v0Layer(field, value, inner, layers.length));
      } else {
        if (format !== 'V0') format = 'V1';
        layers.push(v1Layer(field, value, layers.length));
      }
    }
  }
  if (sawV2 && sawLegacy) {
    problems.push({
      severity: 'error',
      code: 'mixed-layer-formats',
      message: "The file mixes 'layer' (V2) and 'layers' (V1/V0) blocks; Caffe refuses to load such a net.",
      span: sawLegacy.nameSpan,
    });
  }
  const upgraded = format === 'V0' ? foldV0Padding(layers, problems) : layers;

  const state = subMessage(header, 'state');
  return {
    name: stringValue(header, 'name')?.value ?? '',
    format: sawV2 && !sawLegacy ? 'V2' : format,
    headerInputs: headerInputs(header, problems),
    layers: upgraded,
    fileLevel: state ? numberOf(state, 'level') : undefined,
    fileStages: state ? stringValues(state, 'stage').map((s) => s.value) : [],
    problems,
  };
}

// ---- header inputs ------------------------------------------------------------------------------

function headerInputs(root: MessageValue, problems: Problem[]): HeaderInput[] {
  const names = stringValues(root, 'input');
  const shapes = subMessages(root, 'input_shape');
  const dims = numberValues(root, 'input_dim');
  const inputs: HeaderInput[] = names.map((n) => ({ name: n.value, span: n.span }));
  if (shapes.length > 0) {
    // Caffe's UpgradeNetInput prefers input_shape when both are given.
    if (shapes.length !== names.length) {
      problems.push(
        headerProblem(
          root,
          'input_shape',
          `${names.length} input(s) but ${shapes.length} input_shape block(s); Caffe needs one input_shape per input.`,
        ),
      );
    }
    inputs.forEach((input, i) => {
      if (shapes[i]) input.dims = numberValues(shapes[i], 'dim').map((d) => d.value);
    });
  } else if (dims.length > 0) {
    if (dims.length !== names.length * 4) {
      problems.push(
        headerProblem(
          root,
          'input_dim',
          `${names.length} input(s) but ${dims.length} input_dim value(s); Caffe needs exactly 4 (N, C, H, W) per input.`,
        ),
      );
    }
    inputs.forEach((input, i) => {
      const four = dims.slice(i * 4, i * 4 + 4);
      if (four.length === 4) input.dims = four.map((d) => d.value);
    });
  }
  return inputs;
}

function headerProblem(root: MessageValue, field: string, message: string): Problem {
  const f = lastField(root, field);
  return { severity: 'error', code: 'invalid-input-header', message, span: f ? f.span : root.span };
}

// ---- V2 and V1 layers ---------------------------------------------------------------------------

function v2Layer(field: Field, m: MessageValue, index: number): LayerDef {
  const typeValue = lastValue(m, 'type');
  const type = typeValue && (typeValue.kind === 'string' || typeValue.kind === 'identifier') ? typeValue.value : '';
  return common(field, m, m, index, type, typeValue, 'V2');
}

function v1Layer(field: Field, m: MessageValue, index: number): LayerDef {
  const typeValue = lastValue(m, 'type');
  let v1Name = '';
  if (typeValue?.kind === 'identifier' || typeValue?.kind === 'string') v1Name = typeValue.value;
  else if (typeValue?.kind === 'number') v1Name = V1_TYPE_BY_NUMBER[typeValue.value] ?? typeValue.raw; // as written: 1e999 is not "Infinity"
  const type = V1_TO_V2_TYPE[v1Name] ?? v1Name;
  return common(field, m, m, index, type, typeValue, 'V1');
}

function common(
  field: Field,
  m: MessageValue,
  nameHolder: MessageValue,
  index: number,
  type: string,
  typeValue: Value | undefined,
  format: FileFormat,
): LayerDef {
  const name = stringValue(nameHolder, 'name');
  // Bottoms/tops sized exactly, rules and losses only when present: this runs for every layer on every
  // keystroke, and arrays grown from [] cost more than the reads.
  let bottomCount = 0;
  let topCount = 0;
  for (const f of m.fields) {
    if (f.name === 'bottom') bottomCount += f.value?.kind === 'list' ? f.value.items.length : 1;
    else if (f.name === 'top') topCount += f.value?.kind === 'list' ? f.value.items.length : 1;
  }
  const acc: Collected = { bottoms: new Array<BlobRef>(bottomCount), tops: new Array<BlobRef>(topCount), b: 0, t: 0 };
  for (const f of m.fields) {
    const v = f.value;
    if (!v) continue;
    if (v.kind === 'list') for (const item of v.items) collect(acc, f.name, item);
    else collect(acc, f.name, v);
  }
  // Entries for non-string bottom/top values stay empty: drop them.
  const bottoms = acc.b === bottomCount ? acc.bottoms : acc.bottoms.slice(0, acc.b);
  const tops = acc.t === topCount ? acc.tops : acc.tops.slice(0, acc.t);
  // Most layers have no rules or losses: share one frozen empty array rather than allocate three.
  const include = acc.include ?? NONE;
  const exclude = acc.exclude ?? NONE;
  const lossWeights = acc.lossWeights ?? NO_WEIGHTS;
  return {
    index,
    name: name?.value ?? '',
    type,
    bottoms,
    tops,
    message: m,
    span: field.span,
    nameSpan: name?.span,
    typeSpan: typeValue?.span,
    include,
    exclude,
    lossWeights,
    format,
  };
}

const NONE: StateRule[] = Object.freeze([]) as unknown as StateRule[];
const NO_WEIGHTS: number[] = Object.freeze([]) as unknown as number[];

interface Collected {
  bottoms: BlobRef[];
  tops: BlobRef[];
  /** How many bottoms/tops are filled. */
  b: number;
  t: number;
  include?: StateRule[];
  exclude?: StateRule[];
  lossWeights?: number[];
}

function collect(acc: Collected, field: string, item: Value): void {
  switch (field) {
    case 'bottom':
    case 'top':
      if (item.kind !== 'string') break;
      if (field === 'bottom') acc.bottoms[acc.b++] = { name: item.value, span: item.span };
      else acc.tops[acc.t++] = { name: item.value, span: item.span };
      break;
    case 'include':
    case 'exclude':
      if (item.kind === 'message') (field === 'include' ? (acc.include ??= []) : (acc.exclude ??= [])).push(rule(item));
      break;
    case 'loss_weight':
      if (item.kind === 'number') (acc.lossWeights ??= []).push(item.value);
      break;
  }
}

function rule(m: MessageValue): StateRule {
  const phase = enumOf(m, 'phase', ['TRAIN', 'TEST']);
  return {
    phase: phase === 'TRAIN' || phase === 'TEST' ? phase : undefined,
    minLevel: numberOf(m, 'min_level'),
    maxLevel: numberOf(m, 'max_level'),
    stages: stringValues(m, 'stage').map((s) => s.value),
    notStages: stringValues(m, 'not_stage').map((s) => s.value),
  };
}

// ---- V0 layers ----------------------------------------------------------------------------------

/** Per V0 type: V2 parameter block -> { V0 flat field: V2 field } (UpgradeV0LayerParameter). */
const CONV_FIELDS = {
  num_output: 'num_output',
  biasterm: 'bias_term',
  weight_filler: 'weight_filler',
  bias_filler: 'bias_filler',
  pad: 'pad',
  kernelsize: 'kernel_size',
  group: 'group',
  stride: 'stride',
};
const TRANSFORM_FIELDS = { scale: 'scale', meanfile: 'mean_file', cropsize: 'crop_size', mirror: 'mirror' };
const V0_FIELDS: Record<string, Record<string, Record<string, string>>> = {
  conv: { convolution_param: CONV_FIELDS },
  pool: { pooling_param: { pool: 'pool', pad: 'pad', kernelsize: 'kernel_size', stride: 'stride' } },
  innerproduct: {
    inner_product_param: {
      num_output: 'num_output',
      biasterm: 'bias_term',
      weight_filler: 'weight_filler',
      bias_filler: 'bias_filler',
    },
  },
  lrn: { lrn_param: { local_size: 'local_size', alpha: 'alpha', beta: 'beta', k: 'k' } },
  dropout: { dropout_param: { dropout_ratio: 'dropout_ratio' } },
  concat: { concat_param: { concat_dim: 'concat_dim' } },
  data: { data_param: { source: 'source', batchsize: 'batch_size', rand_skip: 'rand_skip' }, transform_param: TRANSFORM_FIELDS },
  images: {
    image_data_param: {
      source: 'source',
      batchsize: 'batch_size',
      new_height: 'new_height',
      new_width: 'new_width',
      shuffle_images: 'shuffle',
      rand_skip: 'rand_skip',
    },
    transform_param: TRANSFORM_FIELDS,
  },
  hdf5_data: { hdf5_data_param: { source: 'source', batchsize: 'batch_size' } },
  window_data: { window_data_param: { source: 'source', batchsize: 'batch_size' }, transform_param: TRANSFORM_FIELDS },
  infogain_loss: { infogain_loss_param: { source: 'source' } },
  padding: { padding: { pad: 'pad' } },
};

function v0Layer(field: Field, outer: MessageValue, inner: MessageValue, index: number): LayerDef {
  const typeValue = lastField(inner, 'type')?.value;
  const v0Type = typeValue?.kind === 'string' ? typeValue.value : '';
  const v1Type = V0_TO_V1_TYPE[v0Type];
  const type = v0Type === 'padding' ? 'padding' : v1Type ? (V1_TO_V2_TYPE[v1Type] ?? v1Type) : v0Type;

  const fields: Field[] = [];
  const nameField = lastField(inner, 'name');
  if (nameField) fields.push(nameField);
  for (const f of outer.fields) if (f.name === 'bottom' || f.name === 'top') fields.push(f);
  for (const [block, mapping] of Object.entries(V0_FIELDS[v0Type] ?? {})) {
    const blockFields: Field[] = [];
    for (const f of inner.fields) {
      const mapped = mapping[f.name];
      if (mapped) blockFields.push({ ...f, name: mapped });
    }
    if (blockFields.length > 0) fields.push(syntheticField(block, blockFields, inner.span));
  }
  const message: MessageValue = { kind: 'message', fields, span: outer.span, closed: outer.closed };
  return common(field, message, inner, index, type, typeValue, 'V0');
}

function syntheticField(name: string, fields: Field[], span: Span): Field {
  return {
    name,
    nameSpan: span,
    hasColon: false,
    span,
    value: { kind: 'message', fields, span, closed: true },
  };
}

/**
 * Caffe's UpgradeV0PaddingLayers: a "padding" layer disappears; the conv/pool reading its output takes
 * its `pad` and reads the padding layer's input instead.
 */
function foldV0Padding(layers: LayerDef[], problems: Problem[]): LayerDef[] {
  const lastProducer = new Map<string, LayerDef>();
  const out: LayerDef[] = [];
  for (const layer of layers) {
    let current = layer;
    current.bottoms.forEach((bottom, j) => {
      const source = lastProducer.get(bottom.name);
      if (!source || source.type !== 'padding') return;
      const block = current.type === 'Convolution' ? 'convolution_param' : current.type === 'Pooling' ? 'pooling_param' : undefined;
      if (!block || source.bottoms.length !== 1) {
        problems.push({
          severity: 'error',
          code: 'invalid-v0-padding',
          message: `V0 padding layer '${source.name}' feeds '${current.name}', which is not a single-input conv or pool layer; Caffe cannot upgrade this net.`,
          span: bottom.span,
        });
        return;
      }
      current = withPadFrom(current, block, source, j);
    });
    if (current.type !== 'padding') out.push({ ...current, index: out.length });
    for (const top of current.tops) lastProducer.set(top.name, current);
  }
  return out;
}

function withPadFrom(layer: LayerDef, block: string, padding: LayerDef, bottomIndex: number): LayerDef {
  const padField = subMessage(padding.message, 'padding')?.fields.find((f) => f.name === 'pad');
  const fields = layer.message.fields.map((f) => {
    if (f.name !== block || f.value?.kind !== 'message' || !padField) return f;
    const inner = f.value.fields.filter((x) => x.name !== 'pad').concat({ ...padField, name: 'pad' });
    return { ...f, value: { ...f.value, fields: inner } };
  });
  if (padField && !fields.some((f) => f.name === block)) {
    fields.push(syntheticField(block, [{ ...padField, name: 'pad' }], layer.span));
  }
  const bottoms = layer.bottoms.map((b, j) => (j === bottomIndex ? { name: padding.bottoms[0].name, span: b.span } : b));
  return { ...layer, bottoms, message: { ...layer.message, fields } };
}
