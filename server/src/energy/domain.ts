// A fitted sub-model's training domain: the range of each feature it was fitted on, and the discrete
// hyper-parameters it saw (stride, pad, kernel, group). A layer outside it still gets a number, but
// the hover says so ("outside the model's data (stride 2; trained on stride 1)"): a model fitted on
// stride-1 sweeps knows nothing of how stride 2 behaves.
import type { LayerFeatures } from '../net/types';

export interface TrainingDomain {
  /** [min, max] of each continuous feature over the training rows. */
  ranges?: Record<string, [number, number]>;
  /** The distinct values each discrete hyper-parameter took (sorted). */
  values?: Record<string, number[]>;
  /** Networks the rows came from (network names or file stems): a prediction for one of them is in-sample. */
  networks?: string[];
}

/** Whether a network (its `name:` or its file's stem) is one the model was fitted on. */
export function fittedOnNetwork(domain: TrainingDomain | undefined, names: ReadonlyArray<string | undefined>): boolean {
  const known = new Set((domain?.networks ?? []).map((n) => n.toLowerCase()));
  return names.some((n) => !!n && known.has(n.toLowerCase()));
}

/** Hyper-parameters that take a few values; the rest are ranges. */
const DISCRETE = ['strideH', 'strideW', 'padH', 'padW', 'kernelH', 'kernelW', 'group'] as const;
/** More distinct values than this and a discrete feature is kept as a range. */
const MAX_VALUES = 12;
/** How people call the discrete features, H and W together. */
const PAIRS: Array<{ label: string; h: string; w: string }> = [
  { label: 'stride', h: 'strideH', w: 'strideW' },
  { label: 'pad', h: 'padH', w: 'padW' },
  { label: 'kernel', h: 'kernelH', w: 'kernelW' },
];

const round = (x: number) => (x === 0 ? 0 : Number(x.toPrecision(4)));

/** The domain of the training rows' features (every finite feature that all rows have). */
export function trainingDomain(rows: ReadonlyArray<Partial<Record<string, number>>>): TrainingDomain | undefined {
  if (rows.length === 0) return undefined;
  const names = Object.keys(rows[0]).filter((n) => rows.every((r) => Number.isFinite(r[n])));
  const ranges: Record<string, [number, number]> = {};
  const values: Record<string, number[]> = {};
  for (const name of names.sort()) {
    const xs = rows.map((r) => r[name]!);
    const distinct = [...new Set(xs)].sort((a, b) => a - b);
    if ((DISCRETE as readonly string[]).includes(name) && distinct.length <= MAX_VALUES) values[name] = distinct;
    else ranges[name] = [round(distinct[0]), round(distinct[distinct.length - 1])];
  }
  return {
    ...(Object.keys(ranges).length ? { ranges } : {}),
    ...(Object.keys(values).length ? { values } : {}),
  };
}

/**
 * Why a layer lies outside the domain, or undefined when it lies inside (or the model has none).
 * `read` names the features the sub-model reads: only their ranges matter; discrete values always do.
 * `format` writes counts the way the caller shows numbers (energy/ stays free of display code).
 */
export function outsideDomain(
  domain: TrainingDomain | undefined,
  features: LayerFeatures,
  read: readonly string[],
  format: (n: number) => string = String,
): string | undefined {
  if (!domain) return undefined;
  const f = features as Record<string, number | undefined>;
  const reasons: string[] = [];
  const values = domain.values ?? {};
  const seen = (name: string) => values[name] === undefined || f[name] === undefined || values[name].includes(f[name]!);
  for (const pair of PAIRS) {
    if (seen(pair.h) && seen(pair.w)) continue;
    const show = (h?: number, w?: number) => (h === w || w === undefined ? String(h) : `${h}×${w}`);
    const trained = (values[pair.h] ?? values[pair.w] ?? []).join(', ');
    reasons.push(`${pair.label} ${show(f[pair.h], f[pair.w])}; trained on ${pair.label} ${trained}`);
  }
  if (!seen('group')) reasons.push(`group ${f.group}; trained on group ${values.group.join(', ')}`);
  for (const name of read) {
    const range = domain.ranges?.[name];
    const x = f[name];
    if (!range || x === undefined || (x >= range[0] && x <= range[1])) continue;
    reasons.push(`${name} ${format(x)}; trained on ${format(range[0])} – ${format(range[1])}`);
  }
  return reasons.length ? reasons.join('; ') : undefined;
}
