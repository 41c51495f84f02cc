// What a layer's shape rule sees and returns. Rules run only when every bottom shape is known, so they
// never have to guess; a rule that finds the layer invalid reports a problem and returns no shapes.
import type { MessageValue, Span } from '../../text/ast';
import type { Problem, QuickFix, Severity } from '../../problem';
import type { LayerFeatures, Shape } from '../types';
import type { LayerDef } from '../model';
import { subMessage, valueSpan } from '../fields';

export interface InferContext {
  layer: LayerDef;
  /** Shapes of the bottoms, in order (all known). */
  inputs: Shape[];
  /** Batch size the net is analysed at. */
  batch: number;
  /** For bottomless (data) layers: shapes given by options or directive comments, per top. */
  provided: Array<Shape | undefined>;
  report(problem: Problem): void;
}

export interface InferResult {
  /** One per top; undefined where unknown. */
  outputs: Array<Shape | undefined>;
  /** MACs, params and hyper-parameters; element counts and bytes are filled in by the caller. */
  features?: LayerFeatures;
}

export type ShapeRule = (ctx: InferContext) => InferResult;

const EMPTY_MESSAGE: MessageValue = { kind: 'message', fields: [], span: { start: 0, end: 0 }, closed: true };

/** A parameter block of the layer (`convolution_param`), or an empty one (all defaults). */
export function params(ctx: InferContext, block: string): MessageValue {
  return subMessage(ctx.layer.message, block) ?? EMPTY_MESSAGE;
}

/** Where to point a problem about `field` of `block`: the value, else the layer's name, else the layer. */
export function spanFor(ctx: InferContext, block?: string, field?: string): Span {
  if (block && field) {
    const span = valueSpan(subMessage(ctx.layer.message, block), field);
    if (span) return span;
  }
  if (block) {
    const blockSpan = subMessage(ctx.layer.message, block)?.span;
    if (blockSpan && blockSpan.end > blockSpan.start) return blockSpan;
  }
  return ctx.layer.nameSpan ?? ctx.layer.typeSpan ?? ctx.layer.span;
}

export function report(ctx: InferContext, severity: Severity, code: string, message: string, span?: Span, fixes?: QuickFix[]): void {
  ctx.report({ severity, code, message: `${ctx.layer.name || ctx.layer.type}: ${message}`, span: span ?? spanFor(ctx), fixes });
}

/** Report an error and give up on this layer's outputs. */
export function fail(ctx: InferContext, code: string, message: string, span?: Span): InferResult {
  report(ctx, 'error', code, message, span);
  return { outputs: ctx.layer.tops.map(() => undefined) };
}

/** Every top gets the same shape. */
export function allTops(ctx: InferContext, shape: Shape, features?: LayerFeatures): InferResult {
  return { outputs: ctx.layer.tops.map(() => shape), features };
}

export function count(shape: Shape, from = 0, to = shape.length): number {
  let n = 1;
  for (let i = from; i < to; i++) n *= shape[i];
  return n;
}

/** Caffe's Blob::CanonicalAxisIndex: negative axes count from the end; undefined when out of range. */
export function canonicalAxis(axis: number, numAxes: number): number | undefined {
  if (!Number.isInteger(axis) || axis < -numAxes || axis >= numAxes) return undefined;
  return axis < 0 ? axis + numAxes : axis;
}

/** Caffe's unsigned/int fields: anything but a whole number is a mistake, never a size. */
export function isCount(n: number | undefined, min = 1): n is number {
  return n !== undefined && Number.isInteger(n) && n >= min;
}

/** A number from the file as a message shows it: 1e309 parses as Infinity, which is never shown. */
export function numberText(n: number | undefined): string {
  if (n === undefined) return 'unset';
  return Number.isFinite(n) ? String(n) : Number.isNaN(n) ? 'not-a-number' : `${n < 0 ? '-' : ''}(past double range)`;
}

export function formatShape(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : shape.map(numberText).join('x');
}

export function expectBottoms(ctx: InferContext, min: number, max = min): InferResult | undefined {
  const n = ctx.inputs.length;
  if (n >= min && n <= max) return undefined;
  const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
  return fail(ctx, 'invalid-layer-parameters', `${ctx.layer.type} takes ${want} bottom blob(s), got ${n}.`);
}
