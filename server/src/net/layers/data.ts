// Layers that bring data into the net. Their shapes come from the file where Caffe takes them from it
// (Input, DummyData, MemoryData, ImageData resized to new_height x new_width or cropped), and otherwise
// from the database Caffe reads at run time, which the analysis cannot see: those tops stay unknown
// unless the caller (options or a `# energy-lens: input` directive) provides them. Axis 0 is always the
// analysed batch, whatever batch_size or input_dim say.
import type { MessageValue } from '../../text/ast';
import type { Shape } from '../types';
import { boolOf, numberOf, numberValues, subMessage, subMessages } from '../fields';
import { fail, isCount, numberText, params, spanFor, type InferContext, type InferResult } from './context';

const ZERO = { macs: 0, params: 0 };

function withBatch(dims: number[], batch: number): Shape {
  return dims.length === 0 ? dims : [batch, ...dims.slice(1)];
}

function blobShape(m: MessageValue): number[] {
  return numberValues(m, 'dim').map((v) => v.value);
}

/** Tops = provided shape where given, else what the file says. */
function result(ctx: InferContext, fromFile: Array<Shape | undefined>): InferResult {
  return {
    outputs: ctx.layer.tops.map((_, i) => ctx.provided[i] ?? fromFile[i]),
    features: { ...ZERO },
  };
}

export function input(ctx: InferContext): InferResult {
  const shapes = subMessages(params(ctx, 'input_param'), 'shape').map(blobShape);
  const tops = ctx.layer.tops.length;
  if (shapes.length > 1 && shapes.length !== tops) {
    return fail(
      ctx,
      'invalid-layer-parameters',
      `input_param has ${shapes.length} shapes for ${tops} tops; give one shape, or one per top.`,
      spanFor(ctx, 'input_param'),
    );
  }
  const bad = shapes.find((s) => !s.every((d) => isCount(d)));
  if (bad)
    return fail(
      ctx,
      'invalid-layer-parameters',
      `input shape ${bad.map(numberText).join(',')} must be positive integers.`,
      spanFor(ctx, 'input_param'),
    );
  return result(
    ctx,
    ctx.layer.tops.map((_, i) => {
      const dims = shapes.length === 1 ? shapes[0] : shapes[i];
      return dims ? withBatch(dims, ctx.batch) : undefined;
    }),
  );
}

export function dummyData(ctx: InferContext): InferResult {
  const p = params(ctx, 'dummy_data_param');
  const tops = ctx.layer.tops.length;
  const shapes = subMessages(p, 'shape').map(blobShape);
  const pick = <T>(list: T[], i: number): T | undefined => (list.length === 1 ? list[0] : list[i]);
  if (shapes.length > 0) {
    if (shapes.length !== 1 && shapes.length !== tops) {
      return fail(
        ctx,
        'invalid-layer-parameters',
        `dummy_data_param has ${shapes.length} shapes for ${tops} tops.`,
        spanFor(ctx, 'dummy_data_param'),
      );
    }
    if (!shapes.every((s) => s.every((d) => isCount(d)))) {
      return fail(ctx, 'invalid-layer-parameters', 'dummy data shapes must be positive integers.', spanFor(ctx, 'dummy_data_param'));
    }
    return result(
      ctx,
      ctx.layer.tops.map((_, i) => withBatch(pick(shapes, i) ?? [], ctx.batch)),
    );
  }
  // Legacy 4-D form: repeated num/channels/height/width, each once or once per top.
  const legacy = ['num', 'channels', 'height', 'width'].map((f) => numberValues(p, f).map((v) => v.value));
  if (legacy.every((l) => l.length === 0)) return result(ctx, []);
  return result(
    ctx,
    ctx.layer.tops.map((_, i) => {
      const dims = legacy.map((l) => pick(l, i));
      return dims.every((d) => isCount(d)) ? withBatch(dims as number[], ctx.batch) : undefined;
    }),
  );
}

export function memoryData(ctx: InferContext): InferResult {
  const p = params(ctx, 'memory_data_param');
  const dims = ['channels', 'height', 'width'].map((f) => numberOf(p, f));
  const known = dims.every((d) => isCount(d));
  return result(ctx, [known ? [ctx.batch, ...(dims as number[])] : undefined, [ctx.batch, 1, 1, 1]]);
}

/** crop_size from transform_param (or the deprecated data_param.crop_size), when positive. */
export function cropSize(layerMessage: MessageValue): number | undefined {
  const transform = subMessage(layerMessage, 'transform_param');
  const data = subMessage(layerMessage, 'data_param');
  const crop = (transform && numberOf(transform, 'crop_size')) || (data && numberOf(data, 'crop_size')) || undefined;
  return isCount(crop) ? crop : undefined;
}

export function imageData(ctx: InferContext): InferResult {
  const p = params(ctx, 'image_data_param');
  const channels = (boolOf(p, 'is_color') ?? true) ? 3 : 1;
  const crop = cropSize(ctx.layer.message);
  const h = numberOf(p, 'new_height') ?? 0;
  const w = numberOf(p, 'new_width') ?? 0;
  const data = crop ? [ctx.batch, channels, crop, crop] : isCount(h) && isCount(w) ? [ctx.batch, channels, h, w] : undefined;
  return result(ctx, [data, [ctx.batch]]);
}

/** Data, WindowData: images come from a database; only the label's shape is known. */
export function databaseData(ctx: InferContext): InferResult {
  return result(ctx, [undefined, [ctx.batch]]);
}

/** HDF5Data and other sources: every shape comes from outside the file. */
export function externalData(ctx: InferContext): InferResult {
  return result(ctx, []);
}

/** A shape to offer in a quick fix for a data layer without one: crop_size if the file has it. */
export function suggestedInputShape(layerMessage: MessageValue): number[] | undefined {
  const crop = cropSize(layerMessage);
  return crop ? [1, 3, crop, crop] : undefined;
}
