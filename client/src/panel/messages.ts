// The messages between the refit panel's webview (media/src) and its host (this folder), typed
// once here. The webview imports this file as types only; the host validates what arrives with
// `parseWebviewMessage`, because a webview is untrusted input like any other.
import type { Family, Method } from '../../../server/src/energy/fit/spec';
import type { Quantity } from '../../../server/src/energy/model';

export const FAMILY_CHOICES: readonly Family[] = ['layer-type', 'individual'];
export const METHOD_CHOICES: readonly Method[] = ['ols', 'ols-intercept', 'nnls', 'relative', 'log', 'ridge', 'lasso'];
export const QUANTITY_CHOICES: readonly Quantity[] = ['energy', 'latency'];
export const VALIDATION_KINDS = ['loo-network', 'kfold', 'holdout', 'loo', 'none'] as const;
/** The CLI's --intercept / --no-intercept, and no flag (the method's default). */
export const INTERCEPT_CHOICES = ['default', 'yes', 'no'] as const;
export type InterceptChoice = (typeof INTERCEPT_CHOICES)[number];
/** The CLI's --weights none|relative, and no flag (the method's default). */
export const WEIGHTING_CHOICES = ['default', 'none', 'relative'] as const;
export type WeightingChoice = (typeof WEIGHTING_CHOICES)[number];
export type ValidationKind = (typeof VALIDATION_KINDS)[number];
export const CHART_IDS = ['measuredVsPredicted', 'energyVsFeature', 'residuals', 'accuracyVsComplexity', 'networks'] as const;
export type ChartId = (typeof CHART_IDS)[number];
export const BUTTONS = ['save', 'exportCsv', 'exportPng', 'importCsv', 'search'] as const;
export type ButtonId = (typeof BUTTONS)[number];

/** Everything the user chose in the panel; persisted by the webview (getState/setState). */
export interface PanelControls {
  datasetId: string | null;
  /** What is fitted: measured energy (mJ, the model's sub-models) or time per call (ms, its latency section). */
  quantity: Quantity;
  family: Family;
  /** Selected base features (layer-type: one term each; individual: the family expands them). */
  features: string[];
  /** Layer-type only: further terms, comma separated (e.g. `inputElements*kernelH*kernelW`). */
  extraTerms: string;
  method: Method;
  /** Individual family: highest total degree of the products. */
  degree: number;
  validation: ValidationKind;
  /** kfold: K (folds); holdout: F (held-out fraction). */
  validationParam: number;
  /** Platform id the model is saved for. */
  platformId: string;
  /** Layer type shown in the energy-against-feature chart (null: the first). */
  curveType: string | null;
  /**
   * Features for particular layer types, replacing the features for them, as the CLI's
   * `--type-features`: `TYPE=f1,f2; TYPE2=f3` (empty: none).
   */
  typeFeatures: string;
  /** Seed of the folds, the split and the penalty's inner folds (CLI `--seed`). */
  seed: number;
  /** Largest model the search considers, in fitted parameters (CLI `--max-terms`). */
  searchMaxParams: number;
  /** A fixed energy per layer call (CLI `--intercept` / `--no-intercept`); default: the method's. */
  intercept: InterceptChoice;
  /** Row weights (CLI `--weights`): relative minimises relative error; default: the method's. */
  weighting: WeightingChoice;
}

/** Controls persisted before these existed take these values. */
export const CONTROL_DEFAULTS = {
  quantity: 'energy',
  typeFeatures: '',
  seed: 1,
  searchMaxParams: 8,
  intercept: 'default',
  weighting: 'default',
} as const;
export const SEARCH_MAX_PARAMS_LIMIT = 40;

/** How a CSV file was imported, so a reloaded panel can import it again without asking. */
export interface CsvImportSpec {
  path: string;
  target: string;
  features: Array<{ column: string; name: string }>;
  typeColumn?: string;
  groupColumn?: string;
  /** Column naming each row (layer name) for tooltips and exports. */
  labelColumn?: string;
  /** Layer type of every row when there is no type column. */
  defaultType?: string;
  /** Column of the measured time per call (ms), for latency fits. */
  timeColumn?: string;
}

/** What the webview persists across reloads. */
export interface PanelState {
  controls: PanelControls;
  csvImports: CsvImportSpec[];
}

export interface BadRowView {
  file: string;
  line: number;
  message: string;
}

export interface DatasetSummary {
  id: string;
  label: string;
  origin: 'campaign' | 'csv';
  rows: number;
  features: string[];
  types: string[];
  /** Distinct networks (groups); 0 when rows carry none. */
  networks: number;
  /** Every row has a network: leave-one-network-out is possible when there are 2 or more. */
  allGrouped: boolean;
  badRows: BadRowView[];
  /** Default platform to save for. */
  platformId: string;
  /** Rows with a measured time per call, for latency fits; 0 with the reason there are none. */
  latencyRows: number;
  latencyUnavailable?: string;
}

/** One drawn point; `l` names the layer (row) and `n` its network for tooltips. */
export interface ChartPoint {
  x: number;
  y: number;
  l: string;
  n?: string;
}

export interface TypeSeries {
  type: string;
  points: ChartPoint[];
}

export interface ScatterChartData {
  series: TypeSeries[];
  /** Points before thinning, and drawn. */
  total: number;
  shown: number;
  /** Points left out because a log axis cannot show them (value ≤ 0). */
  notPositive: number;
  /** Range of the data on both axes (for the y = x line). */
  min: number;
  max: number;
}

export interface CurveChartData {
  type: string;
  feature: string;
  xLog: boolean;
  yLog: boolean;
  measured: ChartPoint[];
  /** The fitted curve when the sub-model depends on `feature` only; else null and `fitted` holds fitted values. */
  curve: Array<{ x: number; y: number }> | null;
  fitted: ChartPoint[];
  total: number;
  shown: number;
}

export interface NetworkBar {
  network: string;
  /** Sums over the layers with a prediction only (so both bars cover the same layers). */
  measured: number;
  predicted: number;
  errorPct: number;
  /** Layers summed. */
  layers: number;
  /** This network's layers without a prediction (their type has no sub-model, or no held-out fit), left out of both bars. */
  leftOut: number;
  leftOutTypes: string[];
}

export interface CoefficientView {
  term: string;
  coefficient: number;
  /** With its unit, e.g. "1.54 nJ per MAC"; null for log-space terms (their coefficients are exponents). */
  withUnit: string | null;
}

export interface SubModelView {
  type: string;
  samples: number;
  terms: CoefficientView[];
  intercept: number;
  link: 'identity' | 'log';
  lambda?: number;
  complexity: number;
  /** Null when no row of this type was predicted. */
  mape: number | null;
  rmspe: number | null;
  metricsFrom: 'held-out' | 'in-sample';
  /** A search's frontier model: its family and formula (a roofline's coefficients are costs inside a smooth max). */
  search?: { family: string; formula: string };
}

export interface MetricsView {
  rows: number;
  /** Null (never NaN: messages travel as JSON) when no row was predicted. */
  mape: number | null;
  rmspe: number | null;
  /** Null when the rows carry no networks. */
  networkAccuracy: number | null;
  complexity: number;
  sigmaLog: number | null;
  /** `kfold:10 (seed 1)`, `leave-one-network-out` or `in-sample`. */
  validation: string;
  from: 'held-out' | 'in-sample';
  unpredicted: number;
}

export interface FitView {
  fitId: number;
  datasetId: string;
  /** What the fit predicts: energy (mJ) or latency (ms); the charts and tables use its unit. */
  quantity: Quantity;
  family: Family;
  method: Method;
  /** Method label with options (e.g. `lasso`, `relative + intercept`). */
  label: string;
  metrics: MetricsView;
  subModels: SubModelView[];
  warnings: string[];
  measuredVsPredicted: ScatterChartData;
  residuals: ScatterChartData;
  curves: CurveChartData[];
  networks: NetworkBar[] | null;
  /** Milliseconds the host spent building this view (not the fit). */
  buildMs: number;
  /** Set when the view shows a search's selected frontier models (what Save writes), not the hand fit. */
  frontier?: { validation: string; models: string };
}

export interface CandidatePoint {
  method: Method;
  label: string;
  complexity: number;
  /** Network accuracy when the rows carry networks, else 100 − MAPE (%); null when nothing was predicted. */
  accuracy: number | null;
  accuracyKind: 'network' | 'layer';
  mape: number | null;
  selected: boolean;
}

/** One model of a search's accuracy–complexity frontier (one layer type). */
export interface FrontierPointView {
  complexity: number;
  family: string;
  label: string;
  /** E.g. "E = 568 µJ + smooth-max(p=4.37; …)": predicted energy per layer. */
  formula: string;
  /** Held-out per-layer errors, in %. */
  mape: number;
  medianApe: number;
  p90Ape: number;
  /** The calibrated 90 % interval is predicted ×/÷ this; coverage is measured on folds it was not calibrated on (0..1). */
  interval90Factor: number;
  coverage90: number;
  recommended: boolean;
  selected: boolean;
}

export interface FrontierView {
  datasetId: string;
  validation: string;
  seconds: number;
  /** Run by the panel itself when the dataset was chosen (its recommended models selected), not by the Search button. */
  automatic: boolean;
  /** What the searched models predict. */
  quantity: Quantity;
  /** Per layer type, its front (fewest parameters first). */
  types: Array<{ type: string; rows: number; points: FrontierPointView[] }>;
}

export interface CandidateFailure {
  method: Method;
  error: string;
}

export interface RenderedChart {
  id: ChartId;
  /** Data points handed to chart.js. */
  points: number;
  /** Canvas pixels with non-zero alpha after drawing. */
  nonEmptyPixels: number;
}

/** What the webview drew last: lets tests check that charts are really drawn. */
export interface RenderReport {
  fitId: number;
  datasetId: string;
  family: Family;
  method: Method;
  /** The metrics as the panel shows them. */
  metricsText: string;
  candidates: number;
  /** Frontier models drawn in the complexity chart (0 without a search). */
  frontierPoints?: number;
  /** What the drawn fit predicts (energy when the page did not say). */
  quantity?: Quantity;
  charts: RenderedChart[];
  /** From receiving the view to charts drawn, in ms. */
  renderMs: number;
}

export type WebviewToHost =
  | { type: 'ready'; state: PanelState | null }
  | { type: 'controls'; controls: PanelControls }
  | { type: 'importCsv' }
  | { type: 'refreshDatasets' }
  | { type: 'removeDataset'; datasetId: string }
  | { type: 'save' }
  | { type: 'exportCsv' }
  | { type: 'exportPng'; chartId: ChartId; dataUrl: string }
  | { type: 'search' }
  | { type: 'selectFrontier'; layerType: string; complexity: number }
  | { type: 'rendered'; report: RenderReport };

export type HostToWebview =
  | { type: 'datasets'; datasets: DatasetSummary[]; csvImports: CsvImportSpec[] }
  | { type: 'controls'; controls: PanelControls }
  | { type: 'progress'; done: number; total: number; label: string }
  | { type: 'fit'; view: FitView }
  | { type: 'candidates'; fitId: number; candidates: CandidatePoint[]; failures: CandidateFailure[]; done: number; total: number }
  /** A search's frontier (null: none, or no longer current). */
  | { type: 'frontier'; frontier: FrontierView | null }
  | { type: 'error'; message: string }
  | { type: 'notice'; message: string }
  /** Test driver: set controls as a user would and/or press a button. */
  | { type: 'drive'; controls?: Partial<PanelControls>; click?: ButtonId };

// ---- validation of what the webview sends -------------------------------------------------

type Check<T> = T | { error: string };
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const oneOf = <T extends string>(list: readonly T[], x: unknown): x is T =>
  typeof x === 'string' && (list as readonly string[]).includes(x);
const stringArray = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');

export function parseControls(x: unknown): Check<PanelControls> {
  if (!isRecord(x)) return { error: 'controls must be an object' };
  if (x.datasetId !== null && typeof x.datasetId !== 'string') return { error: 'controls.datasetId must be a string or null' };
  const quantity = x.quantity ?? CONTROL_DEFAULTS.quantity;
  if (!oneOf(QUANTITY_CHOICES, quantity)) return { error: `controls.quantity must be one of ${QUANTITY_CHOICES.join(', ')}` };
  if (!oneOf(FAMILY_CHOICES, x.family)) return { error: `controls.family must be one of ${FAMILY_CHOICES.join(', ')}` };
  if (!oneOf(METHOD_CHOICES, x.method)) return { error: `controls.method must be one of ${METHOD_CHOICES.join(', ')}` };
  if (!stringArray(x.features)) return { error: 'controls.features must be a list of names' };
  if (typeof x.extraTerms !== 'string') return { error: 'controls.extraTerms must be text' };
  if (typeof x.degree !== 'number' || !Number.isInteger(x.degree) || x.degree < 1 || x.degree > 6)
    return { error: 'controls.degree must be an integer from 1 to 6' };
  if (!oneOf(VALIDATION_KINDS, x.validation)) return { error: `controls.validation must be one of ${VALIDATION_KINDS.join(', ')}` };
  if (typeof x.validationParam !== 'number' || !Number.isFinite(x.validationParam))
    return { error: 'controls.validationParam must be a number' };
  if (typeof x.platformId !== 'string') return { error: 'controls.platformId must be text' };
  if (x.curveType !== null && typeof x.curveType !== 'string') return { error: 'controls.curveType must be a string or null' };
  const typeFeatures = x.typeFeatures ?? CONTROL_DEFAULTS.typeFeatures;
  if (typeof typeFeatures !== 'string') return { error: 'controls.typeFeatures must be text (TYPE=f1,f2; TYPE2=f3)' };
  const seed = x.seed ?? CONTROL_DEFAULTS.seed;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) return { error: 'controls.seed must be an integer' };
  const searchMaxParams = x.searchMaxParams ?? CONTROL_DEFAULTS.searchMaxParams;
  if (
    typeof searchMaxParams !== 'number' ||
    !Number.isInteger(searchMaxParams) ||
    searchMaxParams < 1 ||
    searchMaxParams > SEARCH_MAX_PARAMS_LIMIT
  )
    return { error: `controls.searchMaxParams must be an integer from 1 to ${SEARCH_MAX_PARAMS_LIMIT}` };
  const intercept = x.intercept ?? CONTROL_DEFAULTS.intercept;
  if (!oneOf(INTERCEPT_CHOICES, intercept)) return { error: `controls.intercept must be one of ${INTERCEPT_CHOICES.join(', ')}` };
  const weighting = x.weighting ?? CONTROL_DEFAULTS.weighting;
  if (!oneOf(WEIGHTING_CHOICES, weighting)) return { error: `controls.weighting must be one of ${WEIGHTING_CHOICES.join(', ')}` };
  return {
    datasetId: x.datasetId,
    quantity,
    family: x.family,
    method: x.method,
    features: [...x.features],
    extraTerms: x.extraTerms,
    degree: x.degree,
    validation: x.validation,
    validationParam: x.validationParam,
    platformId: x.platformId,
    curveType: x.curveType,
    typeFeatures,
    seed,
    searchMaxParams,
    intercept,
    weighting,
  };
}

export function parseCsvImportSpec(x: unknown): Check<CsvImportSpec> {
  if (!isRecord(x) || typeof x.path !== 'string' || typeof x.target !== 'string')
    return { error: 'a CSV import needs a path and a target column' };
  if (!Array.isArray(x.features) || !x.features.every((f) => isRecord(f) && typeof f.column === 'string' && typeof f.name === 'string')) {
    return { error: 'a CSV import needs features as {column, name} pairs' };
  }
  const optional = ['typeColumn', 'groupColumn', 'labelColumn', 'defaultType', 'timeColumn'] as const;
  for (const key of optional) {
    if (x[key] !== undefined && typeof x[key] !== 'string') return { error: `a CSV import's ${key} must be text` };
  }
  const spec: CsvImportSpec = {
    path: x.path,
    target: x.target,
    features: x.features.map((f) => ({ column: f.column as string, name: f.name as string })),
  };
  for (const key of optional) if (typeof x[key] === 'string') spec[key] = x[key] as string;
  return spec;
}

function parseState(x: unknown): Check<PanelState | null> {
  if (x === null || x === undefined) return null;
  if (!isRecord(x)) return { error: 'state must be an object' };
  const controls = parseControls(x.controls);
  if ('error' in controls) return controls;
  if (!Array.isArray(x.csvImports)) return { error: 'state.csvImports must be a list' };
  const csvImports: CsvImportSpec[] = [];
  for (const c of x.csvImports) {
    const spec = parseCsvImportSpec(c);
    if ('error' in spec) return spec;
    csvImports.push(spec);
  }
  return { controls, csvImports };
}

function parseRenderReport(x: unknown): Check<RenderReport> {
  if (!isRecord(x)) return { error: 'report must be an object' };
  if (
    typeof x.fitId !== 'number' ||
    typeof x.datasetId !== 'string' ||
    typeof x.metricsText !== 'string' ||
    typeof x.candidates !== 'number' ||
    typeof x.renderMs !== 'number'
  ) {
    return { error: 'report needs fitId, datasetId, metricsText, candidates and renderMs' };
  }
  if (!oneOf(FAMILY_CHOICES, x.family) || !oneOf(METHOD_CHOICES, x.method)) return { error: 'report needs a known family and method' };
  if (!Array.isArray(x.charts)) return { error: 'report.charts must be a list' };
  const charts: RenderedChart[] = [];
  for (const c of x.charts) {
    if (!isRecord(c) || !oneOf(CHART_IDS, c.id) || typeof c.points !== 'number' || typeof c.nonEmptyPixels !== 'number') {
      return { error: 'each rendered chart needs a known id, points and nonEmptyPixels' };
    }
    charts.push({ id: c.id, points: c.points, nonEmptyPixels: c.nonEmptyPixels });
  }
  return {
    fitId: x.fitId,
    datasetId: x.datasetId,
    family: x.family,
    method: x.method,
    metricsText: x.metricsText,
    candidates: x.candidates,
    ...(typeof x.frontierPoints === 'number' ? { frontierPoints: x.frontierPoints } : {}),
    ...(oneOf(QUANTITY_CHOICES, x.quantity) ? { quantity: x.quantity } : {}),
    charts,
    renderMs: x.renderMs,
  };
}

const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/;

/** Checks a message from the webview; returns it typed or says what is wrong with it. */
export function parseWebviewMessage(x: unknown): Check<WebviewToHost> {
  if (!isRecord(x) || typeof x.type !== 'string') return { error: 'a message needs a type' };
  switch (x.type) {
    case 'ready': {
      const state = parseState(x.state);
      if (state && 'error' in state) return state;
      return { type: 'ready', state };
    }
    case 'controls': {
      const controls = parseControls(x.controls);
      return 'error' in controls ? controls : { type: 'controls', controls };
    }
    case 'importCsv':
    case 'refreshDatasets':
    case 'save':
    case 'exportCsv':
    case 'search':
      return { type: x.type };
    case 'selectFrontier':
      if (typeof x.layerType !== 'string' || typeof x.complexity !== 'number' || !Number.isInteger(x.complexity))
        return { error: 'selectFrontier needs a layerType and an integer complexity' };
      return { type: 'selectFrontier', layerType: x.layerType, complexity: x.complexity };
    case 'removeDataset':
      return typeof x.datasetId === 'string'
        ? { type: 'removeDataset', datasetId: x.datasetId }
        : { error: 'removeDataset needs a datasetId' };
    case 'exportPng':
      if (!oneOf(CHART_IDS, x.chartId)) return { error: `exportPng needs a chart id (${CHART_IDS.join(', ')})` };
      if (typeof x.dataUrl !== 'string' || !PNG_DATA_URL.test(x.dataUrl)) return { error: 'exportPng needs a base64 PNG data URL' };
      return { type: 'exportPng', chartId: x.chartId, dataUrl: x.dataUrl };
    case 'rendered': {
      const report = parseRenderReport(x.report);
      return 'error' in report ? report : { type: 'rendered', report };
    }
    default:
      return { error: `unknown message type '${x.type}'` };
  }
}
