/// <reference lib="dom" />
// The refit panel's webview: controls (data, family, features, method, degree, validation, seed, type features, search size,
// platform), the fit's figures and charts, and buttons that ask the host to save or export. It
// never fits anything itself: every change is sent to the host, which answers with a FitView.
// The choices survive reloads through getState/setState.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-multi-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeMultiSelect } from '@vscode-elements/elements/dist/vscode-multi-select/vscode-multi-select.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import {
  type ButtonId,
  CHART_IDS,
  type CandidateFailure,
  type CandidatePoint,
  type ChartId,
  type CsvImportSpec,
  type DatasetSummary,
  type FitView,
  type FrontierView,
  type HostToWebview,
  type PanelControls,
  type RenderReport,
  type ValidationKind,
} from '../../client/src/panel/messages';
import { ChartCard, buildCharts, curveFor } from './charts';
import { append, clear, h } from './dom';
import { count, quantityWords } from './format';
import { coefficientTable, metricsCards, metricsText } from './tables';
import { readTheme, watchTheme } from './theme';
import { vscode } from './vscode-api';

const FAMILIES: Array<[PanelControls['family'], string]> = [
  ['layer-type', 'Layer-type (one model per layer type)'],
  ['individual', 'Individual (products of hyper-parameters)'],
];
const METHODS: Array<[PanelControls['method'], string]> = [
  ['ols', 'OLS (no intercept)'],
  ['ols-intercept', 'OLS with intercept'],
  ['nnls', 'Non-negative LS'],
  ['relative', 'Relative-error LS'],
  ['log', 'Log space (power law)'],
  ['ridge', 'Ridge'],
  ['lasso', 'Lasso'],
];
const QUANTITIES: Array<[PanelControls['quantity'], string]> = [
  ['energy', 'Energy (mJ per layer call)'],
  ['latency', 'Latency (ms per layer call)'],
];
const VALIDATIONS: Array<[ValidationKind, string]> = [
  ['loo-network', 'Leave one network out'],
  ['kfold', 'K-fold'],
  ['holdout', 'Held-out split'],
  ['loo', 'Leave one row out'],
  ['none', 'None (in-sample)'],
];
const INTERCEPTS: Array<[PanelControls['intercept'], string]> = [
  ['default', "Method's default"],
  ['yes', 'Yes (a fixed cost per call)'],
  ['no', 'No'],
];
const WEIGHTINGS: Array<[PanelControls['weighting'], string]> = [
  ['default', "Method's default"],
  ['none', 'None (absolute error)'],
  ['relative', 'Relative (1/y²)'],
];
const CHART_TITLES: Record<ChartId, string> = {
  measuredVsPredicted: 'Measured vs predicted',
  energyVsFeature: 'Energy against the main feature',
  residuals: 'Residuals',
  accuracyVsComplexity: 'Held-out error (MAPE) against model complexity',
  networks: 'Per-network totals',
};

// ---- state ---------------------------------------------------------------------------------

let datasets: DatasetSummary[] = [];
let csvImports: CsvImportSpec[] = [];
let controls: PanelControls | null = vscode.getState()?.controls ?? null;
let view: FitView | null = null;
let candidates: { fitId: number; points: CandidatePoint[]; failures: CandidateFailure[]; done: number; total: number } | null = null;
/** The current search's frontier (the host clears it when the fit's inputs change). */
let frontier: FrontierView | null = null;
let theme = readTheme();
let viewReceivedAt = 0;

// ---- widgets -------------------------------------------------------------------------------

const el = {
  dataset: document.createElement('vscode-single-select'),
  quantity: document.createElement('vscode-single-select'),
  family: document.createElement('vscode-single-select'),
  method: document.createElement('vscode-single-select'),
  intercept: document.createElement('vscode-single-select'),
  weighting: document.createElement('vscode-single-select'),
  features: document.createElement('vscode-multi-select'),
  extraTerms: document.createElement('vscode-textfield'),
  degree: document.createElement('vscode-single-select'),
  validation: document.createElement('vscode-single-select'),
  validationParam: document.createElement('vscode-textfield'),
  platform: document.createElement('vscode-textfield'),
  typeFeatures: document.createElement('vscode-textfield'),
  seed: document.createElement('vscode-textfield'),
  searchMaxParams: document.createElement('vscode-textfield'),
  curveType: document.createElement('vscode-single-select'),
  progress: document.createElement('vscode-progress-bar'),
};
const buttons: Record<ButtonId, HTMLElement> = {
  importCsv: h('vscode-button', { secondary: true, title: 'Import measured energies from a CSV file' }, 'Import CSV…'),
  save: h('vscode-button', { title: 'Write the fit as the energy model of this platform; the editor picks it up' }, 'Save as model'),
  exportCsv: h('vscode-button', { secondary: true, title: 'Every row with its measured and predicted energy' }, 'Export predictions (CSV)'),
  exportPng: h('vscode-button', { secondary: true, title: 'Save the measured-vs-predicted chart as a PNG' }, 'Export chart (PNG)'),
  search: h(
    'vscode-button',
    {
      secondary: true,
      title: 'Search model structures (size and tiled terms, log polynomials, rooflines) and draw the accuracy–complexity frontier',
    },
    'Search models',
  ),
};
const refreshButton = h('vscode-button', { secondary: true, title: 'Read the measurement campaigns again' }, 'Refresh');
const removeButton = h('vscode-button', { secondary: true, title: 'Remove this imported file from the list' }, 'Remove');
const dataInfo = h('div', { class: 'data-info' });
/** Why latency cannot be fitted on this dataset (the quantity control is disabled then). */
const quantityReason = h('div', { class: 'hint quantity-reason', 'aria-live': 'polite' });
/** The multi-select shows "4 Selected"; this names them. */
const featuresChosen = h('div', { class: 'hint features-chosen', 'aria-live': 'polite' });
const badRowsBox = h('div', { class: 'bad-rows' });
const progressText = h('span', { class: 'progress-text', role: 'status' });
const messageBox = h('div', { class: 'message', role: 'alert', hidden: true });
const noticeBox = h('div', { class: 'notice', role: 'status', hidden: true });
const metricsBox = h('section', { class: 'metrics-box', 'aria-label': 'Metrics' });
const warningsBox = h('ul', { class: 'warnings' });
const tableBox = h('div', { class: 'table-box' });
const cards = {} as Record<ChartId, ChartCard>;

function field(label: string, control: HTMLElement, hint?: string, id?: string): HTMLElement {
  return h(
    'div',
    { class: 'field', ...(id ? { id } : {}) },
    h('label', {}, label),
    control,
    hint ? h('div', { class: 'hint' }, hint) : null,
  );
}

function setOptions(select: VscodeSingleSelect, items: Array<[string, string]>, value: string | null): void {
  clear(select);
  for (const [v, label] of items) {
    const option = document.createElement('vscode-option');
    option.value = v;
    option.textContent = label;
    if (v === value) option.selected = true;
    select.appendChild(option);
  }
  if (value !== null) select.value = value;
}

function setMultiOptions(select: VscodeMultiSelect, items: string[], values: string[]): void {
  clear(select);
  for (const v of items) {
    const option = document.createElement('vscode-option');
    option.value = v;
    option.textContent = v;
    option.selected = values.includes(v);
    select.appendChild(option);
  }
  select.value = values.filter((v) => items.includes(v));
}

function buildPage(): void {
  const app = document.getElementById('app')!;
  clear(app);
  app.removeAttribute('aria-busy');
  setOptions(el.family, FAMILIES, 'layer-type');
  setOptions(el.method, METHODS, 'relative');
  setOptions(
    el.degree,
    [1, 2, 3, 4, 5, 6].map((d) => [String(d), String(d)]),
    '2',
  );
  setOptions(el.validation, VALIDATIONS, 'kfold');
  setOptions(el.quantity, QUANTITIES, 'energy');
  setOptions(el.intercept, INTERCEPTS, 'default');
  setOptions(el.weighting, WEIGHTINGS, 'default');
  el.extraTerms.placeholder = 'e.g. inputElements*kernelH*kernelW';
  el.platform.placeholder = 'board/framework-backend/device[/threads]';
  el.typeFeatures.placeholder = 'e.g. Pooling=activationBytes; ReLU=activationBytes';
  el.progress.indeterminate = true;
  el.progress.hidden = true;
  // Screen readers name each dropdown and field (their visible labels are not tied to them).
  const names: Array<[HTMLElement, string]> = [
    [el.dataset, 'Data'],
    [el.quantity, 'Quantity to fit: energy (mJ) or latency (ms)'],
    [el.family, 'Family'],
    [el.method, 'Method'],
    [el.intercept, 'Intercept: a fixed cost per layer call'],
    [el.weighting, 'Row weights: relative minimises relative error'],
    [el.features, 'Features'],
    [el.extraTerms, 'Extra terms'],
    [el.degree, 'Degree'],
    [el.validation, 'Validation'],
    [el.validationParam, 'Folds (K) or held-out fraction (F)'],
    [el.platform, 'Platform to save the model for'],
    [el.typeFeatures, 'Type features: features for particular layer types, TYPE=f1,f2; TYPE2=f3'],
    [el.seed, 'Seed of the folds and splits'],
    [el.searchMaxParams, 'Largest model the search considers, in fitted parameters'],
    [el.curveType, 'Layer type of the energy-against-feature chart'],
  ];
  for (const [control, name] of names) control.setAttribute('aria-label', name);

  const chartGrid = h('section', { class: 'charts' });
  for (const id of CHART_IDS) {
    const canvas = h('canvas', { 'data-chart': id, role: 'img', 'aria-label': CHART_TITLES[id] });
    const note = h('div', { class: 'chart-note' });
    const empty = h('div', { class: 'chart-empty', hidden: true });
    const png = h('vscode-button', { secondary: true, class: 'chart-png', title: 'Save this chart as a PNG' }, 'PNG');
    png.addEventListener('click', () => exportPng(id));
    const header = h('div', { class: 'chart-header' }, h('h3', {}, CHART_TITLES[id]), id === 'energyVsFeature' ? el.curveType : null, png);
    chartGrid.appendChild(
      h('div', { class: 'chart-card', 'data-card': id }, header, h('div', { class: 'chart-box' }, canvas, empty), note),
    );
    cards[id] = new ChartCard(id, canvas, note, empty);
  }

  append(
    app,
    h(
      'section',
      { class: 'controls', 'aria-label': 'Data and model' },
      h(
        'div',
        { class: 'row' },
        field('Data', el.dataset),
        h('div', { class: 'field' }, h('label', {}, 'Quantity'), el.quantity, quantityReason),
        h(
          'div',
          { class: 'field buttons' },
          h('label', {}, '\u00a0'),
          h('div', { class: 'button-row' }, buttons.importCsv, refreshButton, removeButton),
        ),
      ),
      dataInfo,
      badRowsBox,
      h(
        'div',
        { class: 'row' },
        field('Family', el.family),
        field('Method', el.method),
        field('Intercept', el.intercept, 'CLI --intercept / --no-intercept'),
        field('Weights', el.weighting, 'CLI --weights'),
        h(
          'div',
          { class: 'field' },
          h('label', {}, 'Features'),
          el.features,
          featuresChosen,
          h('div', { class: 'hint' }, 'Layer-type: one term each. Individual: products up to the degree, plus logs.'),
        ),
        field('Extra terms', el.extraTerms, 'Comma separated products, e.g. channelsIn^2*kernelH', 'extra-terms-field'),
        field('Degree', el.degree, undefined, 'degree-field'),
        field('Validation', el.validation),
        field('K', el.validationParam, undefined, 'validation-param-field'),
        field('Seed', el.seed),
      ),
      h(
        'div',
        { class: 'row' },
        field(
          'Type features',
          el.typeFeatures,
          'Features for particular layer types, replacing the ones above for them (CLI --type-features): TYPE=f1,f2; TYPE2=f3',
        ),
        field('Search: max parameters', el.searchMaxParams, 'Largest model Search models considers (CLI --max-terms)'),
      ),
      h(
        'div',
        { class: 'row actions' },
        field('Platform', el.platform),
        h(
          'div',
          { class: 'field buttons' },
          h('label', {}, '\u00a0'),
          h('div', { class: 'button-row' }, buttons.search, buttons.save, buttons.exportCsv, buttons.exportPng),
        ),
      ),
      h('div', { class: 'progress' }, el.progress, progressText),
      messageBox,
      noticeBox,
    ),
    metricsBox,
    warningsBox,
    chartGrid,
    h('section', { class: 'coefficients-box', 'aria-label': 'Coefficients' }, h('h3', {}, 'Coefficients'), tableBox),
  );

  for (const select of [el.dataset, el.quantity, el.family, el.method, el.intercept, el.weighting, el.features, el.degree, el.validation])
    select.addEventListener('change', onControlsChanged);
  for (const text of [el.extraTerms, el.validationParam, el.platform, el.typeFeatures, el.seed, el.searchMaxParams])
    text.addEventListener('change', onControlsChanged);
  el.platform.addEventListener('input', updateSaveLabel);
  el.curveType.addEventListener('change', () => {
    if (!controls) return;
    controls = { ...controls, curveType: el.curveType.value || null };
    persist();
    vscode.postMessage({ type: 'controls', controls });
    if (view) renderCharts(['energyVsFeature']);
  });
  buttons.importCsv.addEventListener('click', () => vscode.postMessage({ type: 'importCsv' }));
  buttons.save.addEventListener('click', () => {
    clearMessages();
    vscode.postMessage({ type: 'save' });
  });
  buttons.exportCsv.addEventListener('click', () => vscode.postMessage({ type: 'exportCsv' }));
  buttons.search.addEventListener('click', () => {
    clearMessages();
    vscode.postMessage({ type: 'search' });
  });
  buttons.exportPng.addEventListener('click', () => exportPng('measuredVsPredicted'));
  refreshButton.addEventListener('click', () => vscode.postMessage({ type: 'refreshDatasets' }));
  removeButton.addEventListener('click', () => {
    if (controls?.datasetId) vscode.postMessage({ type: 'removeDataset', datasetId: controls.datasetId });
  });
  watchTheme(() => {
    theme = readTheme();
    if (view) renderCharts();
  });
}

// ---- controls ------------------------------------------------------------------------------

function readControls(): PanelControls {
  const validation = el.validation.value as ValidationKind;
  return {
    datasetId: el.dataset.value || null,
    quantity: el.quantity.value === 'latency' ? 'latency' : 'energy',
    family: el.family.value as PanelControls['family'],
    method: el.method.value as PanelControls['method'],
    features: [...el.features.value],
    extraTerms: el.extraTerms.value,
    degree: Number(el.degree.value) || 2,
    validation,
    validationParam: Number(el.validationParam.value),
    platformId: el.platform.value.trim(),
    curveType: controls?.curveType ?? null,
    typeFeatures: el.typeFeatures.value,
    seed: wholeNumber(el.seed.value, controls?.seed ?? 1),
    searchMaxParams: Math.min(40, Math.max(1, wholeNumber(el.searchMaxParams.value, controls?.searchMaxParams ?? 8))),
    intercept: (el.intercept.value || 'default') as PanelControls['intercept'],
    weighting: (el.weighting.value || 'default') as PanelControls['weighting'],
  };
}

/** The integer typed, or `fallback` when the text is not one (the host refuses non-integers). */
function wholeNumber(text: string, fallback: number): number {
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isInteger(n) ? n : fallback;
}

function onControlsChanged(): void {
  sendControls(readControls());
}

function showChosenFeatures(names: readonly string[]): void {
  featuresChosen.textContent = names.length > 0 ? `Selected: ${names.join(', ')}` : 'No feature selected';
}

function sendControls(c: PanelControls): void {
  controls = c;
  showChosenFeatures(c.features);
  persist();
  updateVisibility();
  clearMessages();
  vscode.postMessage({ type: 'controls', controls });
}

/** Shows choices in the widgets without sending them back (the host sent them). */
function applyControls(c: PanelControls): void {
  controls = c;
  const summary = datasets.find((d) => d.id === c.datasetId);
  setOptions(
    el.dataset,
    datasets.map((d) => [d.id, `${d.label} (${d.origin === 'csv' ? 'CSV' : 'campaign'}, ${count(d.rows)} rows)`]),
    c.datasetId,
  );
  el.quantity.value = c.quantity;
  // Latency needs a time per call: without one the control stays on energy and says why.
  const noLatency = summary ? summary.latencyRows === 0 : true;
  el.quantity.toggleAttribute('disabled', noLatency);
  quantityReason.textContent = summary
    ? noLatency
      ? `Latency: not available (${summary.latencyUnavailable ?? 'no time per layer'})`
      : `Latency: ${count(summary.latencyRows)} rows with a time per call`
    : '';
  el.family.value = c.family;
  el.method.value = c.method;
  el.intercept.value = c.intercept;
  el.weighting.value = c.weighting;
  setMultiOptions(el.features, summary?.features ?? [], c.features);
  showChosenFeatures(c.features);
  el.extraTerms.value = c.extraTerms;
  el.degree.value = String(c.degree);
  el.validation.value = c.validation;
  el.validationParam.value = String(c.validationParam);
  el.platform.value = c.platformId;
  el.typeFeatures.value = c.typeFeatures;
  el.seed.value = String(c.seed);
  el.searchMaxParams.value = String(c.searchMaxParams);
  const types = summary?.types ?? [];
  setOptions(
    el.curveType,
    types.map((t) => [t, t]),
    c.curveType ?? types[0] ?? null,
  );
  persist();
  updateVisibility();
  renderDataInfo(summary);
}

function updateVisibility(): void {
  const c = controls;
  document.getElementById('extra-terms-field')!.hidden = c?.family !== 'layer-type';
  document.getElementById('degree-field')!.hidden = c?.family !== 'individual';
  const param = document.getElementById('validation-param-field')!;
  param.hidden = c?.validation !== 'kfold' && c?.validation !== 'holdout';
  param.querySelector('label')!.textContent = c?.validation === 'holdout' ? 'Held-out fraction' : 'Folds (K)';
  const summary = datasets.find((d) => d.id === c?.datasetId);
  removeButton.hidden = summary?.origin !== 'csv';
  updateSaveLabel();
}

function updateSaveLabel(): void {
  const id = el.platform.value.trim();
  buttons.save.textContent = id ? `Save as model for ${id}` : 'Save as model';
  const ready = view !== null;
  for (const b of [buttons.save, buttons.exportCsv, buttons.exportPng]) b.toggleAttribute('disabled', !ready);
}

function persist(): void {
  if (controls) vscode.setState({ controls, csvImports });
}

function renderDataInfo(summary: DatasetSummary | undefined): void {
  clear(dataInfo);
  clear(badRowsBox);
  if (!summary) {
    dataInfo.textContent =
      datasets.length === 0 ? 'No data yet: import a CSV file of measured energies, or run a measurement campaign.' : '';
    return;
  }
  dataInfo.textContent = `${count(summary.rows)} rows · types: ${summary.types.join(', ') || '–'} · ${summary.networks > 0 ? `${summary.networks} networks` : 'no networks'} · features: ${summary.features.join(', ')}`;
  if (summary.badRows.length > 0) {
    const list = h('ul');
    for (const b of summary.badRows.slice(0, 200)) list.appendChild(h('li', {}, h('code', {}, `${b.file}:${b.line}`), `: ${b.message}`));
    if (summary.badRows.length > 200) list.appendChild(h('li', {}, `… and ${summary.badRows.length - 200} more`));
    badRowsBox.appendChild(
      h(
        'details',
        {},
        h('summary', {}, `${summary.badRows.length} row${summary.badRows.length === 1 ? '' : 's'} skipped (not usable)`),
        list,
      ),
    );
  }
}

// ---- messages and results ------------------------------------------------------------------

function clearMessages(): void {
  messageBox.hidden = true;
  noticeBox.hidden = true;
}

function showProgress(done: number, total: number, label: string): void {
  const busy = done < total && label !== '';
  el.progress.hidden = !busy;
  progressText.textContent = busy ? `${label} (${done}/${total})` : '';
}

function renderView(): void {
  if (!view) return;
  // The curve chart's title names what the fit predicts.
  const curveTitle = document.querySelector('[data-card="energyVsFeature"] h3');
  if (curveTitle) curveTitle.textContent = `${quantityWords(view.quantity).Noun} against the main feature`;
  clear(metricsBox);
  metricsBox.appendChild(metricsCards(view.metrics));
  if (view.frontier)
    metricsBox.appendChild(
      h(
        'div',
        { class: 'metric-source frontier-shown' },
        `${frontier?.automatic ? 'Chosen for you by an automatic model search: the recommended models of its frontier' : "Showing the search's selected frontier models"}, what Save writes (${view.frontier.models}); click another point of the frontier to choose it, or change a fitting control to go back to the hand fit.`,
      ),
    );
  clear(warningsBox);
  for (const w of view.warnings) warningsBox.appendChild(h('li', {}, w));
  clear(tableBox);
  tableBox.appendChild(coefficientTable(view));
  updateSaveLabel();
  renderCharts();
}

function renderCharts(only?: ChartId[]): void {
  if (!view) return;
  const built = buildCharts({
    view,
    candidates: candidates?.fitId === view.fitId ? candidates.points : [],
    types: datasets.find((d) => d.id === view!.datasetId)?.types ?? view.curves.map((c) => c.type).sort(),
    curveType: controls?.curveType ?? null,
    theme,
    frontier: shownFrontier() ? frontier : null,
    onSelectFrontier: (layerType, complexity) => vscode.postMessage({ type: 'selectFrontier', layerType, complexity }),
  });
  for (const id of only ?? CHART_IDS) cards[id].draw(built[id], theme);
  const curve = curveFor(view, controls?.curveType ?? null);
  if (curve && el.curveType.value !== curve.type) el.curveType.value = curve.type;
  requestAnimationFrame(reportRendered);
}

/** The frontier belongs to the fit on show (same data and quantity); the host clears it when that changes. */
function shownFrontier(): boolean {
  return frontier !== null && view !== null && frontier.datasetId === view.datasetId && frontier.quantity === view.quantity;
}

function reportRendered(): void {
  if (!view) return;
  const report: RenderReport = {
    fitId: view.fitId,
    datasetId: view.datasetId,
    family: view.family,
    method: view.method,
    metricsText: metricsText(view.metrics),
    candidates: candidates?.fitId === view.fitId ? candidates.points.length : 0,
    frontierPoints: shownFrontier() ? frontier!.types.reduce((n, t) => n + t.points.length, 0) : 0,
    quantity: view.quantity,
    charts: CHART_IDS.map((id) => cards[id].rendered()),
    renderMs: Math.round(performance.now() - viewReceivedAt),
  };
  document.body.dataset.renderedFit = String(view.fitId);
  // The render report is for the tests' driver only; the shipped page does not send it.
  if (ENERGY_LENS_TEST_HOOKS) vscode.postMessage({ type: 'rendered', report });
}

function exportPng(id: ChartId): void {
  const dataUrl = cards[id].png(theme.background);
  if (dataUrl) vscode.postMessage({ type: 'exportPng', chartId: id, dataUrl });
}

function onMessage(m: HostToWebview): void {
  switch (m.type) {
    case 'datasets':
      datasets = m.datasets;
      csvImports = m.csvImports;
      if (controls) applyControls(controls);
      else renderDataInfo(undefined);
      persist();
      return;
    case 'controls':
      applyControls(m.controls);
      return;
    case 'progress':
      showProgress(m.done, m.total, m.label);
      return;
    case 'fit':
      viewReceivedAt = performance.now();
      view = m.view;
      messageBox.hidden = true;
      renderView();
      return;
    case 'candidates':
      candidates = { fitId: m.fitId, points: m.candidates, failures: m.failures, done: m.done, total: m.total };
      if (view?.fitId === m.fitId) {
        viewReceivedAt = performance.now();
        renderCharts(['accuracyVsComplexity']);
      }
      return;
    case 'frontier':
      frontier = m.frontier;
      if (view) {
        viewReceivedAt = performance.now();
        renderCharts(['accuracyVsComplexity']);
      }
      return;
    case 'error':
      messageBox.textContent = m.message;
      messageBox.hidden = false;
      return;
    case 'notice':
      noticeBox.textContent = m.message;
      noticeBox.hidden = false;
      return;
    case 'drive':
      if (!ENERGY_LENS_TEST_HOOKS) return; // test builds only (esbuild.mjs)
      if (m.controls && controls) {
        // As if the user had chosen these; sent as given (the widgets apply option changes a frame later).
        const next = { ...controls, ...m.controls };
        applyControls(next);
        sendControls(next);
      }
      if (m.click) buttons[m.click].click();
      return;
  }
}

buildPage();
window.addEventListener('message', (event: MessageEvent<HostToWebview>) => onMessage(event.data));
vscode.postMessage({ type: 'ready', state: vscode.getState() ?? null });
