// Turns a fit into what the panel draws: metrics, the coefficient table and the chart series
// (measured vs predicted, residuals, energy against the main feature with the fitted curve,
// per-network totals), thinned so a 10,000-row dataset draws smoothly. Pure: unit-tested.
import type { Dataset } from '../../../server/src/energy/fit/dataset';
import type { FitReport } from '../../../server/src/energy/fit/engine';
import { type LayerMetrics, type NetworkMetrics, layerMetrics, networkMetrics } from '../../../server/src/energy/fit/metrics';
import type { FrontierModel, SearchReport } from '../../../server/src/energy/fit/search/search';
import { frontierFormula } from '../../../server/src/energy/fit/search/frontier-table';
import { parseTerm } from '../../../server/src/energy/terms';
import { featuresFor } from '../../../server/src/energy/fit/spec';
import { coefficientWithUnit } from '../../../server/src/energy/formula';
import type { Quantity } from '../../../server/src/energy/model';
import { compileTerms, evaluateFitted, fittedValues } from './fitted-values';
import type {
  CandidatePoint,
  ChartPoint,
  CurveChartData,
  FitView,
  MetricsView,
  NetworkBar,
  ScatterChartData,
  SubModelView,
} from './messages';
import { rowLabel } from './row-labels';
import { DEFAULT_MAX_POINTS, thinPoints } from './thin-points';

export interface FitViewInput {
  fitId: number;
  datasetId: string;
  dataset: Dataset;
  report: FitReport;
  rowLabels?: readonly string[];
  /** Per chart (default 2,000). */
  maxPoints?: number;
  /** In-sample values, when the caller already computed them. */
  fitted?: Float64Array;
  /** What the dataset's target is (default energy, mJ). */
  quantity?: Quantity;
}

const CURVE_SAMPLES = 120;
/** A log axis pays off when the data spans at least two decades. */
const LOG_SPAN = 100;

const finiteOrNull = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);

export function buildFitView(input: FitViewInput): FitView {
  const started = performance.now();
  const { dataset, report } = input;
  const maxPoints = input.maxPoints ?? DEFAULT_MAX_POINTS;
  const fitted = input.fitted ?? fittedValues(dataset, report);
  const heldOut = report.cv?.predictions;
  const predicted = heldOut ?? fitted;
  const labelOf = (i: number) => rowLabel(dataset, i, input.rowLabels);

  const quantity = input.quantity ?? 'energy';
  const view: FitView = {
    fitId: input.fitId,
    datasetId: input.datasetId,
    quantity,
    family: report.spec.family,
    method: report.spec.method,
    label: report.label,
    metrics: metricsView(dataset, report, fitted),
    subModels: subModelViews(report, quantity),
    warnings: report.warnings,
    measuredVsPredicted: measuredVsPredicted(dataset, predicted, labelOf, maxPoints),
    residuals: residuals(dataset, predicted, labelOf, maxPoints),
    curves: curves(dataset, report, fitted, labelOf, maxPoints),
    networks: networkBars(dataset, report, fitted),
    buildMs: 0,
  };
  view.buildMs = performance.now() - started;
  return view;
}

function metricsView(dataset: Dataset, report: FitReport, fitted: Float64Array): MetricsView {
  let layers: LayerMetrics;
  let accuracy: number | null;
  if (report.cv) {
    layers = report.cv.layers;
    accuracy = report.cv.network?.accuracyPct ?? null;
  } else {
    const measured = dataset.rows.map((r) => r.target);
    layers = layerMetrics(measured, fitted);
    accuracy =
      networkMetrics(
        dataset.rows.map((r) => r.group),
        measured,
        fitted,
      )?.accuracyPct ?? null;
  }
  return {
    rows: dataset.rows.length,
    mape: finiteOrNull(layers.mape),
    rmspe: finiteOrNull(layers.rmspe),
    networkAccuracy: finiteOrNull(accuracy ?? undefined),
    complexity: report.complexity,
    sigmaLog: finiteOrNull(layers.sigmaLog),
    validation: report.cv?.scheme ?? 'in-sample',
    from: report.cv ? 'held-out' : 'in-sample',
    unpredicted: report.cv?.unpredicted ?? 0,
  };
}

/** A sub-model's terms with their coefficients, and the unit where one applies (none in log space). */
function termViews(
  terms: readonly string[],
  coefficients: readonly number[],
  logSpace: boolean,
  quantity: Quantity,
): SubModelView['terms'] {
  return terms.map((term, j) => ({
    term,
    coefficient: coefficients[j],
    withUnit: logSpace ? null : coefficientWithUnit(term, coefficients[j], quantity),
  }));
}

function subModelViews(report: FitReport, quantity: Quantity): SubModelView[] {
  return report.subModels.map((m) => {
    const metrics = m.cv ?? (report.cv ? undefined : m.inSample);
    return {
      type: m.type,
      samples: m.samples,
      terms: termViews(m.terms, m.coefficients, m.link === 'log', quantity),
      intercept: m.intercept,
      link: m.link,
      ...(m.lambda !== undefined ? { lambda: m.lambda } : {}),
      complexity: m.complexity,
      mape: finiteOrNull(metrics?.mape),
      rmspe: finiteOrNull(metrics?.rmspe),
      metricsFrom: report.cv ? 'held-out' : 'in-sample',
    };
  });
}

/** A point before thinning: `i` is its dataset row (labels are looked up only for drawn points). */
interface RawPoint {
  x: number;
  y: number;
  i: number;
}

function labeler(dataset: Dataset, labelOf: (i: number) => string): (p: RawPoint) => ChartPoint {
  return (p) => {
    const group = dataset.rows[p.i].group;
    return { x: p.x, y: p.y, l: labelOf(p.i), ...(group !== undefined ? { n: group } : {}) };
  };
}

/** Thins (keeping each layer type visible) and splits the drawn points into one series per type. */
function seriesByType(
  dataset: Dataset,
  raw: RawPoint[],
  maxPoints: number,
  xLog: boolean,
  yLog: boolean,
  toPoint: (p: RawPoint) => ChartPoint,
): ScatterChartData['series'] {
  const shown = thinPoints(raw, maxPoints, { xLog, yLog, key: (p) => dataset.rows[p.i].type });
  const map = new Map<string, ChartPoint[]>();
  for (const p of shown) {
    const t = dataset.rows[p.i].type;
    let list = map.get(t);
    if (!list) map.set(t, (list = []));
    list.push(toPoint(p));
  }
  return [...map.keys()].sort().map((type) => ({ type, points: map.get(type)! }));
}

const countPoints = (series: ScatterChartData['series']) => series.reduce((s, x) => s + x.points.length, 0);

function measuredVsPredicted(
  dataset: Dataset,
  predicted: ArrayLike<number>,
  labelOf: (i: number) => string,
  maxPoints: number,
): ScatterChartData {
  const raw: RawPoint[] = [];
  let notPositive = 0,
    total = 0,
    min = Infinity,
    max = -Infinity;
  dataset.rows.forEach((row, i) => {
    const p = predicted[i];
    if (!Number.isFinite(p)) return; // not predicted out of sample (type absent from its training folds)
    total++;
    if (!(p > 0) || !(row.target > 0)) {
      notPositive++;
      return;
    }
    raw.push({ x: row.target, y: p, i });
    min = Math.min(min, row.target, p);
    max = Math.max(max, row.target, p);
  });
  const series = seriesByType(dataset, raw, maxPoints, true, true, labeler(dataset, labelOf));
  return {
    series,
    total,
    shown: countPoints(series),
    notPositive,
    min: Number.isFinite(min) ? min : 0,
    max: Number.isFinite(max) ? max : 0,
  };
}

function residuals(dataset: Dataset, predicted: ArrayLike<number>, labelOf: (i: number) => string, maxPoints: number): ScatterChartData {
  const raw: RawPoint[] = [];
  let total = 0,
    min = Infinity,
    max = -Infinity;
  const xLog = dataset.rows.every((r) => r.target > 0);
  dataset.rows.forEach((row, i) => {
    const p = predicted[i];
    if (!Number.isFinite(p) || row.target === 0) return;
    total++;
    const y = (100 * (p - row.target)) / row.target;
    raw.push({ x: row.target, y, i });
    min = Math.min(min, y);
    max = Math.max(max, y);
  });
  const series = seriesByType(dataset, raw, maxPoints, xLog, false, labeler(dataset, labelOf));
  return {
    series,
    total,
    shown: countPoints(series),
    notPositive: 0,
    min: Number.isFinite(min) ? min : 0,
    max: Number.isFinite(max) ? max : 0,
  };
}

/**
 * The feature a layer type's energy is plotted against: the first name its first term reads (a type
 * fitted on features of its own, such as ReLU on activation bytes, is plotted against those).
 */
export function mainFeature(report: FitReport, dataset: Dataset, type?: string): string {
  const first = (type === undefined ? report.spec.features : featuresFor(report.spec, type))[0];
  const term = first !== undefined ? parseTerm(first) : undefined;
  const name = term && !('error' in term) ? term.factors[0].name : undefined;
  return name && dataset.features.includes(name) ? name : dataset.features[0];
}

/** Smallest and largest value (a loop: spreading 100,000 values into Math.min overflows the stack). */
function range(values: readonly number[]): [number, number] {
  let lo = Infinity,
    hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function spansDecades(values: readonly number[]): boolean {
  const [lo, hi] = range(values);
  return values.length > 0 && lo > 0 && hi / lo >= LOG_SPAN;
}

function curves(
  dataset: Dataset,
  report: FitReport,
  fitted: Float64Array,
  labelOf: (i: number) => string,
  maxPoints: number,
): CurveChartData[] {
  const toPoint = labeler(dataset, labelOf);
  return report.subModels.map((model) => {
    const feature = mainFeature(report, dataset, model.type);
    const col = dataset.features.indexOf(feature);
    const rows: number[] = [];
    dataset.rows.forEach((r, i) => {
      if (r.type === model.type) rows.push(i);
    });
    const xs = rows.map((i) => dataset.rows[i].values[col]);
    const xLog = spansDecades(xs);
    const yLog = spansDecades(rows.map((i) => dataset.rows[i].target));
    const raw = (i: number, y: number): RawPoint => ({ x: dataset.rows[i].values[col], y, i });
    const measured = thinPoints(
      rows.map((i) => raw(i, dataset.rows[i].target)),
      maxPoints,
      { xLog, yLog },
    ).map(toPoint);
    const terms = compileTerms(model);
    const onlyFeature = terms.every((t) => t.factors.every((f) => f.name === feature));
    let curve: CurveChartData['curve'] = null;
    let fittedPoints: ChartPoint[] = [];
    if (onlyFeature && xs.length > 0) {
      curve = sampleCurve(...range(xs), xLog, (x) => evaluateFitted(model, terms, (name) => (name === feature ? x : undefined)));
      if (yLog) curve = curve.filter((p) => p.y > 0);
    } else {
      const usable = rows.filter((i) => Number.isFinite(fitted[i]) && (!yLog || fitted[i] > 0));
      fittedPoints = thinPoints(
        usable.map((i) => raw(i, fitted[i])),
        maxPoints,
        { xLog, yLog },
      ).map(toPoint);
    }
    return { type: model.type, feature, xLog, yLog, measured, curve, fitted: fittedPoints, total: rows.length, shown: measured.length };
  });
}

function sampleCurve(x0: number, x1: number, log: boolean, f: (x: number) => number): Array<{ x: number; y: number }> {
  const out: Array<{ x: number; y: number }> = [];
  const n = x1 > x0 ? CURVE_SAMPLES : 1;
  for (let k = 0; k < n; k++) {
    const s = n === 1 ? 0 : k / (n - 1);
    const x = log ? x0 * (x1 / x0) ** s : x0 + (x1 - x0) * s;
    const y = f(x);
    if (Number.isFinite(y)) out.push({ x, y });
  }
  return out;
}

function networkBars(dataset: Dataset, report: FitReport, fitted: Float64Array): NetworkBar[] | null {
  const metrics = report.cv
    ? report.cv.network
    : networkMetrics(
        dataset.rows.map((r) => r.group),
        dataset.rows.map((r) => r.target),
        fitted,
      );
  return networkBarsOf(dataset, metrics, report.cv ? report.cv.predictions : fitted);
}

function networkBarsOf(dataset: Dataset, metrics: NetworkMetrics | null, predicted: ArrayLike<number>): NetworkBar[] | null {
  if (!metrics) return null;
  // Why a bar can be below the campaign's whole-net total: layers without a prediction are in neither bar.
  const leftOut = new Map<string, { count: number; types: Set<string> }>();
  dataset.rows.forEach((r, i) => {
    if (r.group === undefined || Number.isFinite(predicted[i])) return;
    const e = leftOut.get(r.group) ?? { count: 0, types: new Set<string>() };
    e.count++;
    e.types.add(r.type);
    leftOut.set(r.group, e);
  });
  return metrics.networks.map((n) => ({
    network: n.group,
    measured: n.measured,
    predicted: n.predicted,
    errorPct: n.errorPct,
    layers: n.layers,
    leftOut: leftOut.get(n.group)?.count ?? 0,
    leftOutTypes: [...(leftOut.get(n.group)?.types ?? [])].sort(),
  }));
}

/** One point of the accuracy-against-complexity chart. */
export function candidatePoint(report: FitReport, selected: boolean, fitted?: Float64Array, dataset?: Dataset): CandidatePoint {
  let mape = report.cv?.layers.mape;
  let network = report.cv?.network?.accuracyPct;
  if (!report.cv && dataset) {
    const f = fitted ?? fittedValues(dataset, report);
    const measured = dataset.rows.map((r) => r.target);
    mape = layerMetrics(measured, f).mape;
    network = networkMetrics(
      dataset.rows.map((r) => r.group),
      measured,
      f,
    )?.accuracyPct;
  }
  const accuracyKind = network !== undefined && Number.isFinite(network) ? 'network' : 'layer';
  const accuracy = accuracyKind === 'network' ? network! : 100 - (mape ?? NaN);
  return {
    method: report.spec.method,
    label: report.label,
    complexity: report.complexity,
    accuracy: finiteOrNull(accuracy),
    accuracyKind,
    mape: finiteOrNull(mape),
    selected,
  };
}

export interface FrontierFitViewInput {
  /** The hand fit's view the frontier view replaces (its id, dataset and family are kept). */
  base: FitView;
  dataset: Dataset;
  search: SearchReport;
  /** The selected model of each searched type (frontier-view.ts selectedModels: what Save writes). */
  selected: Readonly<Record<string, FrontierModel>>;
  rowLabels?: readonly string[];
  maxPoints?: number;
}

/**
 * The panel's figures for a search's selected frontier models: held-out metrics, the coefficients and
 * formulas, measured vs predicted, residuals, per-type fitted points and per-network totals, all from
 * the models' out-of-fold predictions (rows of types the search could not take are unpredicted).
 */
export function buildFrontierFitView(input: FrontierFitViewInput): FitView {
  const started = performance.now();
  const { dataset, search, selected, base } = input;
  const maxPoints = input.maxPoints ?? DEFAULT_MAX_POINTS;
  const predicted = new Float64Array(dataset.rows.length).fill(NaN);
  const rowsOf = new Map<string, number[]>();
  dataset.rows.forEach((r, i) => {
    const list = rowsOf.get(r.type) ?? [];
    list.push(i);
    rowsOf.set(r.type, list);
  });
  const subModels: SubModelView[] = [];
  let complexity = 0;
  for (const t of search.types) {
    const m = selected[t.type];
    const rows = rowsOf.get(t.type);
    if (!m || !rows || rows.length !== m.heldOut.length) continue;
    rows.forEach((i, k) => (predicted[i] = m.heldOut[k]));
    complexity += m.complexity;
    subModels.push({
      type: t.type,
      samples: t.rows,
      terms: termViews(m.terms, m.coefficients, m.family === 'log', base.quantity),
      intercept: m.intercept,
      link: m.family === 'log' ? 'log' : 'identity',
      complexity: m.complexity,
      mape: finiteOrNull(m.errors.mape),
      rmspe: finiteOrNull(m.errors.rmspe),
      metricsFrom: 'held-out',
      search: { family: m.family, formula: frontierFormula(m, base.quantity) },
    });
  }
  const measuredAll = dataset.rows.map((r) => r.target);
  const judged = dataset.rows.map((_, i) => i).filter((i) => Number.isFinite(predicted[i]));
  const layers = layerMetrics(
    judged.map((i) => measuredAll[i]),
    judged.map((i) => predicted[i]),
  );
  const networks = networkMetrics(
    judged.map((i) => dataset.rows[i].group),
    judged.map((i) => measuredAll[i]),
    judged.map((i) => predicted[i]),
  );
  const labelOf = (i: number) => rowLabel(dataset, i, input.rowLabels);
  const models = subModels.map((m) => `${m.type}: ${m.complexity} parameters, ${m.search!.family}`).join('; ');
  const view: FitView = {
    ...base,
    label: `search frontier (${models})`,
    metrics: {
      rows: dataset.rows.length,
      mape: finiteOrNull(layers.mape),
      rmspe: finiteOrNull(layers.rmspe),
      networkAccuracy: finiteOrNull(networks?.accuracyPct),
      complexity,
      sigmaLog: finiteOrNull(layers.sigmaLog),
      validation: search.validation,
      from: 'held-out',
      unpredicted: dataset.rows.length - judged.length,
    },
    subModels,
    // The search's own warnings (types it left out); the hand fit's are about a model no longer on show.
    warnings: search.warnings,
    measuredVsPredicted: measuredVsPredicted(dataset, predicted, labelOf, maxPoints),
    residuals: residuals(dataset, predicted, labelOf, maxPoints),
    curves: base.curves.map((c) => {
      const rows = rowsOf.get(c.type) ?? [];
      const col = dataset.features.indexOf(c.feature);
      const usable = rows.filter((i) => Number.isFinite(predicted[i]) && (!c.yLog || predicted[i] > 0));
      const fitted = thinPoints(
        usable.map((i) => ({ x: dataset.rows[i].values[col], y: predicted[i], i })),
        maxPoints,
        { xLog: c.xLog, yLog: c.yLog },
      ).map(labeler(dataset, labelOf));
      return { ...c, curve: null, fitted };
    }),
    networks: networkBarsOf(dataset, networks, predicted),
    frontier: { validation: search.validation, models },
    buildMs: 0,
  };
  view.buildMs = performance.now() - started;
  return view;
}
