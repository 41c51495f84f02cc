// "Energy Lens: Refit Models": a singleton webview panel to refit energy models on measured data
// (campaign records or imported CSV files), compare methods, and save the chosen fit as the model
// for a platform. All fitting runs here in the extension host (in a worker thread when its bundle
// exists); the webview only draws what it is sent.
import { createHash } from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';
import { BUILTIN_MODELS, DEFAULT_PLATFORM_ID } from '../../../server/src/energy/builtin';
import { type Dataset, FitError } from '../../../server/src/energy/fit/dataset';
import type { FitReport } from '../../../server/src/energy/fit/engine';
import type { DataSource, Quantity } from '../../../server/src/energy/model';
import { type ExistingModel, mergeFittedModel } from '../../../server/src/energy/fit/merge-fitted';
import { AutoSearchPolicy, type AutoSearchTicket } from './auto-search';
import { askCsvImport } from './csv-import-flow';
import { loadCsvFile } from './csv-dataset';
import { CancelledError, type FitRunner, createFitRunner } from './fit-runner';
import {
  DEFAULT_KFOLD,
  candidateKey,
  cvSchemeFor,
  defaultControls,
  fitKey,
  fitOptionsFor,
  fitSpecFor,
  normalizeControls,
} from './fit-request';
import type { SearchReport } from '../../../server/src/energy/fit/search/search';
import { frontierEnergyModel } from '../../../server/src/energy/fit/search/to-model';
import { frontierView, selectedModels } from './frontier-view';
import { buildFitView, buildFrontierFitView, candidatePoint } from './fit-view';
import { fittedValues } from './fitted-values';
import {
  BUTTONS,
  type ButtonId,
  type CandidateFailure,
  type CandidatePoint,
  type CsvImportSpec,
  type DatasetSummary,
  type FitView,
  type FrontierView,
  type HostToWebview,
  METHOD_CHOICES,
  type PanelControls,
  type RenderReport,
  type WebviewToHost,
  parseControls,
  parseCsvImportSpec,
  parseWebviewMessage,
} from './messages';
import { checkPlatformId, modelForSave, platformFor } from './model-for-save';
import { predictionsCsv } from './predictions-csv';
import { webviewHtml } from './webview-html';

import { REFIT_COMMAND, VIEW_TYPE } from './panel-ids';

export { DRIVE_COMMAND, REFIT_COMMAND, RENDER_REPORT_COMMAND, VIEW_TYPE } from './panel-ids';

/** A dataset of a measurement campaign (rows produced by the board link). */
export interface CampaignDataset {
  id: string;
  label: string;
  dataset: Dataset;
  /** Platform the campaign measured (default for saving). */
  platformId?: string;
  /** Per row: the layer's name, for tooltips and exports. */
  rowLabels?: string[];
  /** How the saved model's provenance names this data (default: the label and row count). */
  source?: DataSource;
  /** The same layers' measured time per call (ms), for latency fits; or why there is none. */
  latency?: { dataset: Dataset; rowLabels?: string[] } | { unavailable: string };
}

export interface RefitPanelDeps {
  loadCampaignDatasets(): Promise<CampaignDataset[]>;
  /** The model file a save for this platform replaces, when there is one that reads as a model. */
  savedModel(platformId: string): Promise<ExistingModel | undefined>;
  /** Writes the model (a valid model file object) where the editor picks it up; returns the file's path. */
  saveModel(platformId: string, modelJson: unknown): Promise<string>;
}

/** Argument of `energyLens.refitModels` (all optional; the palette passes none). */
export interface RefitOpenOptions {
  /** Import this CSV file without asking, and select it. */
  csv?: CsvImportSpec;
  /** Initial choices (merged over the current ones). */
  controls?: Partial<PanelControls>;
}

export interface RefitTestReport {
  render?: RenderReport;
  /** Path returned by deps.saveModel for the last save. */
  saved?: string;
  error?: string;
  notice?: string;
  runner: FitRunner['kind'];
  /** Times the page loaded (said 'ready'); a page kept while hidden does not load again. */
  pageLoads: number;
  visibilityChanges: number;
  visible: boolean;
  datasets: string[];
  controls?: PanelControls;
  view?: Pick<FitView, 'fitId' | 'family' | 'method' | 'label' | 'metrics' | 'buildMs'>;
  /** The current search's frontier, as the panel shows it. */
  frontier?: FrontierView;
  /** The automatic search's state and what became of its last result. */
  autoSearch: string;
}

interface Entry {
  summary: DatasetSummary;
  dataset: Dataset;
  rowLabels?: string[];
  source: DataSource;
  /** id + content hash: identifies the content for caches and the worker (unchanged data keeps its fits). */
  key: string;
  /** The same rows with their time per call as target (latency fits); absent when there are none. */
  timed?: Entry;
}

/** A search's result while it is current: until the data or the fit's inputs change. */
interface Frontier {
  entryKey: string;
  datasetId: string;
  report: SearchReport;
  seconds: number;
  /** Layer type → parameters of the model the user clicked (default: the recommended one). */
  picks: Record<string, number>;
  /** Started by the panel when the dataset was chosen, not by the Search button. */
  automatic: boolean;
  quantity: Quantity;
}

interface LastFit {
  key: string;
  candidateKey: string;
  report: FitReport;
  entry: Entry;
  fitted: Float64Array;
  view: FitView;
}

/**
 * The page is kept alive while hidden: rebuilding it (scripts, VS Code elements, five charts of up to
 * 2,000 points) left the tab blank for ~3 s each time it was shown again, which users met on every
 * switch between an editor and the panel. One singleton page's memory is the price.
 */
const RETAIN_CONTEXT = true;

const REPORT_CACHE = 24;
/** Searches kept (seconds each on 5,000 rows): going back to a dataset shows its frontier at once. */
const SEARCH_CACHE = 6;
const FIT_DEBOUNCE_MS = 150;

/** What the activation bundle's seam calls (client/src/extension.ts registers the commands and serializer). */
export interface RefitPanel extends vscode.Disposable {
  open(options: unknown): Promise<void>;
  attach(panel: vscode.WebviewPanel): void;
  /** Test builds only. */
  testReport(): RefitTestReport;
  /** Test builds only. */
  drive(x: unknown): Promise<boolean>;
}

export function createRefitPanel(context: vscode.ExtensionContext, deps: RefitPanelDeps): RefitPanel {
  const host = new RefitPanelHost(context, deps);
  return {
    dispose: () => host.dispose(),
    open: (options) => host.open(openOptions(options)),
    attach: (panel) => host.attach(panel),
    testReport: () => host.testReport(),
    drive: (x) => host.drive(x),
  };
}

/** The command's argument; a Uri (explorer menus) or nothing (palette) opens the panel as it is. */
function openOptions(x: unknown): RefitOpenOptions {
  if (typeof x !== 'object' || x === null || x instanceof vscode.Uri) return {};
  const o = x as Record<string, unknown>;
  let csv: CsvImportSpec | undefined;
  if (o.csv !== undefined) {
    const parsed = parseCsvImportSpec(o.csv);
    if ('error' in parsed) throw new Error(`${REFIT_COMMAND}: ${parsed.error}`);
    csv = parsed;
  }
  return {
    ...(csv ? { csv } : {}),
    ...(typeof o.controls === 'object' && o.controls !== null ? { controls: o.controls as Partial<PanelControls> } : {}),
  };
}

class RefitPanelHost implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private panelDisposables: vscode.Disposable[] = [];
  private readyWaiters: Array<() => void> = [];
  private ready = false;
  private readonly runner: FitRunner;
  private readonly entries = new Map<string, Entry>();
  private csvImports: CsvImportSpec[] = [];
  private controls?: PanelControls;
  private fitSeq = 0;
  private generation = 0;
  private debounce?: NodeJS.Timeout;
  private readonly reports = new Map<string, FitReport>();
  private lastFit?: LastFit;
  private candidates?: { key: string; points: CandidatePoint[]; failures: CandidateFailure[]; total: number };
  private lastRender?: RenderReport;
  private frontier?: Frontier;
  private readonly autoSearch = new AutoSearchPolicy();
  private autoSearchOutcome = 'none';
  private readonly searches = new Map<string, { report: SearchReport; seconds: number }>();
  /** The fit key of the fit scheduled or running, so an unchanged request does not restart it. */
  private scheduledKey?: string;
  private lastSaved?: string;
  private lastError?: string;
  private lastNotice?: string;
  /** Pages loaded ('ready' received) and visibility changes seen, for tests. */
  private pageLoads = 0;
  private visibilityChanges = 0;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly deps: RefitPanelDeps,
  ) {
    this.runner = createFitRunner(path.join(context.extensionPath, 'out', 'client', 'refit-worker.js'));
  }

  dispose(): void {
    this.runner.dispose();
    this.panel?.dispose();
  }

  async open(options: RefitOpenOptions): Promise<void> {
    if (this.panel) {
      this.panel.reveal();
      // Asked for a dataset or controls: a fresh page, as a new panel gets (it reads the campaigns written
      // since, and a page kept alive could answer the new choice with its older selection).
      if (options.csv || options.controls) this.reloadPage(this.panel);
      else if (this.ready) await this.refreshShownDatasets();
    } else {
      const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Refit Energy Models', vscode.ViewColumn.Active, this.webviewOptions());
      this.attach(panel);
    }
    if (!options.csv && !options.controls) return;
    await this.whenReady();
    // A page is ready once it shows the cached fit, before the campaigns are read again: read them now,
    // so a dataset named here (a campaign written since) is there to choose.
    if (options.controls) await this.loadDatasets();
    if (options.csv) {
      const id = await this.addCsv(options.csv);
      if (id) this.setControls({ ...(this.controls ?? this.defaults(undefined)), datasetId: id });
    }
    if (options.controls) {
      const merged = parseControls({ ...(this.controls ?? this.defaults(undefined)), ...options.controls });
      if ('error' in merged) throw new Error(`energyLens.refitModels: ${merged.error}`);
      this.setControls(merged);
      // Fitting choices named by the caller are made by hand: no automatic search replaces them.
      const named = Object.keys(options.controls).filter((k) => !NOT_FIT_CHOICES.includes(k));
      if (named.length > 0) this.autoSearch.handChoice(`named by the caller: ${named.join(', ')}`);
    }
  }

  /** Loads the page again in the same panel (a new nonce makes VS Code rebuild it); the host's state stays. */
  private reloadPage(panel: vscode.WebviewPanel): void {
    for (const d of this.panelDisposables.splice(0)) d.dispose();
    this.attach(panel);
  }

  /** Takes over a panel (a new one, or one VS Code restores after a reload). */
  attach(panel: vscode.WebviewPanel): void {
    if (this.panel && this.panel !== panel) this.panel.dispose();
    this.panel = panel;
    this.ready = false;
    panel.webview.options = this.webviewOptions();
    const media = (...parts: string[]) => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, ...parts)).toString();
    panel.webview.html = webviewHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: media('out', 'media', 'panel.js'),
      styleUri: media('media', 'panel.css'),
    });
    this.panelDisposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => {
        void this.onMessage(m);
      }),
      panel.onDidDispose(() => this.detach(panel)),
      panel.onDidChangeViewState(() => {
        // The page is kept while hidden (RETAIN_CONTEXT), so shown again it is drawn as it was. A page
        // not kept is discarded: shown again it loads, says 'ready' again and gets the cached fit.
        this.visibilityChanges++;
        if (!panel.visible && !RETAIN_CONTEXT) {
          this.ready = false;
          this.lastRender = undefined;
        }
        // Kept while hidden: shown again, campaigns written meanwhile are read (the drawn fit stays on show).
        if (panel.visible && RETAIN_CONTEXT && this.ready) void this.refreshShownDatasets();
      }),
    );
  }

  testReport(): RefitTestReport {
    const view = this.frontierFitView() ?? this.lastFit?.view;
    return {
      render: this.lastRender,
      saved: this.lastSaved,
      error: this.lastError,
      notice: this.lastNotice,
      runner: this.runner.kind,
      pageLoads: this.pageLoads,
      visibilityChanges: this.visibilityChanges,
      visible: this.panel?.visible ?? false,
      datasets: [...this.entries.keys()],
      controls: this.controls,
      autoSearch: `${this.autoSearch.describe()}; last: ${this.autoSearchOutcome}`,
      ...(this.frontier ? { frontier: this.frontierViewNow(this.frontier) } : {}),
      ...(view
        ? {
            view: {
              fitId: view.fitId,
              family: view.family,
              method: view.method,
              label: view.label,
              metrics: view.metrics,
              buildMs: view.buildMs,
            },
          }
        : {}),
    };
  }

  async drive(x: unknown): Promise<boolean> {
    if (!this.panel) throw new Error('the refit panel is not open');
    await this.whenReady();
    const o = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
    const click = o.click;
    if (click !== undefined && !(BUTTONS as readonly unknown[]).includes(click)) throw new Error(`drive: unknown button ${String(click)}`);
    const controls = typeof o.controls === 'object' && o.controls !== null ? (o.controls as Partial<PanelControls>) : undefined;
    return this.post({ type: 'drive', ...(controls ? { controls } : {}), ...(click ? { click: click as ButtonId } : {}) });
  }

  // ---- panel lifecycle -------------------------------------------------------------------

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: RETAIN_CONTEXT,
      localResourceRoots: [
        vscode.Uri.joinPath(this.context.extensionUri, 'out', 'media'),
        vscode.Uri.joinPath(this.context.extensionUri, 'media'),
      ],
    };
  }

  private detach(panel: vscode.WebviewPanel): void {
    if (this.panel !== panel) return;
    this.panel = undefined;
    this.ready = false;
    this.cancelWork();
    for (const d of this.panelDisposables.splice(0)) d.dispose();
  }

  private whenReady(timeoutMs = 30_000): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the refit panel did not load')), timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private post(message: HostToWebview): Promise<boolean> {
    if (!this.panel) return Promise.resolve(false);
    return Promise.resolve(this.panel.webview.postMessage(message));
  }

  private showError(message: string): void {
    this.lastError = message;
    void this.post({ type: 'error', message });
  }

  private showNotice(message: string): void {
    this.lastNotice = message;
    void this.post({ type: 'notice', message });
  }

  // ---- messages --------------------------------------------------------------------------

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if ('error' in message) {
      console.error(`Energy Lens refit panel: ignored a message: ${message.error}`);
      return;
    }
    try {
      await this.handle(message);
    } catch (e) {
      this.showError(e instanceof Error ? e.message : String(e));
    }
  }

  private async handle(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.pageLoads++;
        return this.onReady(message.state);
      case 'controls':
        return this.setControls(message.controls);
      case 'importCsv': {
        const spec = await askCsvImport();
        if (!spec) return;
        const id = await this.addCsv(spec);
        if (id) this.setControls({ ...(this.controls ?? this.defaults(undefined)), datasetId: id });
        return;
      }
      case 'refreshDatasets':
        await this.loadDatasets();
        this.setControls(this.controls ?? this.defaults(undefined));
        return;
      case 'removeDataset': {
        this.csvImports = this.csvImports.filter((c) => csvId(c) !== message.datasetId);
        this.entries.delete(message.datasetId);
        await this.postDatasets();
        if (this.controls?.datasetId === message.datasetId) this.setControls({ ...this.controls, datasetId: this.firstDatasetId() });
        return;
      }
      case 'save':
        return this.save();
      case 'search':
        return this.runSearch();
      case 'selectFrontier': {
        if (!this.frontier) return;
        this.frontier.picks[message.layerType] = message.complexity;
        await this.showFrontier();
        return;
      }
      case 'exportCsv':
        return this.exportCsv();
      case 'exportPng':
        return this.exportPng(message.chartId, message.dataUrl);
      case 'rendered':
        if (ENERGY_LENS_TEST_HOOKS) this.lastRender = message.report; // only test builds' pages send it
        return;
    }
  }

  private async onReady(state: { controls: PanelControls; csvImports: CsvImportSpec[] } | null): Promise<void> {
    // A first page with nothing chosen yet: its first dataset is chosen for the user (searched as one).
    const firstShown = !state && !this.controls;
    if (state) {
      for (const spec of state.csvImports) if (!this.csvImports.some((c) => c.path === spec.path)) this.csvImports.push(spec);
      this.controls ??= state.controls;
    }
    // A rebuilt page (a window reload): the host still holds the datasets and the last fit, so the page
    // gets them at once, before the campaigns and CSV files are read again (seconds on large records);
    // a change found then refits.
    if (this.lastFit && this.entries.size > 0 && (await this.postCached())) {
      await this.loadDatasets();
      const controls = this.normalize(this.controls ?? this.defaults(undefined));
      const entry = this.entryFor(controls);
      if (!entry || this.lastFit?.key !== fitKey(entry.key, controls)) {
        this.controls = controls;
        await this.post({ type: 'controls', controls });
        this.scheduleFit(0);
      }
      return;
    }
    await this.loadDatasets();
    this.ready = true;
    for (const w of this.readyWaiters.splice(0)) w();
    const controls = this.normalize(this.controls ?? this.defaults(undefined));
    this.controls = controls;
    await this.post({ type: 'controls', controls });
    const last = this.lastFit;
    const entry = this.entryFor(controls);
    if (firstShown && entry) this.autoSearch.shown(`${entry.summary.id} ${controls.quantity}`, entry.key);
    if (last && entry && last.key === fitKey(entry.key, controls)) {
      // Shown again (the webview was rebuilt): the last fit is still current.
      await this.post({ type: 'fit', view: this.frontierFitView() ?? last.view });
      if (this.candidates?.key === last.candidateKey) await this.postCandidates(last.view.fitId);
      if (this.frontier) await this.showFrontier();
    } else {
      this.scheduleFit(0);
    }
  }

  /** Posts the datasets, controls and fit the host holds when that fit is current; false when it is not. */
  private async postCached(): Promise<boolean> {
    const last = this.lastFit;
    const controls = this.normalize(this.controls ?? this.defaults(undefined));
    const entry = this.entryFor(controls);
    if (!last || !entry || last.key !== fitKey(entry.key, controls)) return false;
    this.controls = controls;
    this.ready = true;
    for (const w of this.readyWaiters.splice(0)) w();
    await this.postDatasets();
    await this.post({ type: 'controls', controls });
    await this.post({ type: 'fit', view: this.frontierFitView() ?? last.view });
    if (this.candidates?.key === last.candidateKey) await this.postCandidates(last.view.fitId);
    if (this.frontier) await this.showFrontier();
    return true;
  }

  private defaults(summary: DatasetSummary | undefined): PanelControls {
    const first = summary ?? (this.firstDatasetId() ? this.entries.get(this.firstDatasetId()!)!.summary : undefined);
    return defaultControls(first, this.defaultPlatformId());
  }

  private defaultPlatformId(): string {
    return vscode.workspace.getConfiguration('energyLens').get<string>('platform') || DEFAULT_PLATFORM_ID;
  }

  private firstDatasetId(): string | null {
    return this.entries.keys().next().value ?? null;
  }

  /** What the controls fit: the chosen dataset's rows of the chosen quantity (energy, or time per call). */
  private entryFor(controls: PanelControls | undefined): Entry | undefined {
    const entry = controls?.datasetId ? this.entries.get(controls.datasetId) : undefined;
    return controls?.quantity === 'latency' ? entry?.timed : entry;
  }

  private normalize(controls: PanelControls): PanelControls {
    const id = controls.datasetId && this.entries.has(controls.datasetId) ? controls.datasetId : this.firstDatasetId();
    const summary = id ? this.entries.get(id)!.summary : undefined;
    return normalizeControls({ ...controls, datasetId: id }, summary, this.controls, this.defaultPlatformId());
  }

  private setControls(requested: PanelControls): void {
    const controls = this.normalize(requested);
    const previous = this.controls;
    // Compared key by key: the same choices built in another order are no change (and no hand choice).
    const changedFit = !previous || changedKeys(previous, controls).length > 0;
    this.controls = controls;
    void this.post({ type: 'controls', controls });
    const entry = this.entryFor(controls);
    if (entry) {
      // Another dataset (or new content) is a dataset choice; any other fitting change is a hand choice.
      const same = previous?.datasetId === controls.datasetId && previous?.quantity === controls.quantity;
      if (changedFit && same) this.autoSearch.handChoice(changedKeys(previous!, controls).join(', '));
      else this.autoSearch.shown(`${entry.summary.id} ${controls.quantity}`, entry.key);
    }
    if (changedFit && this.frontier) {
      // Choosing a fit by hand leaves the search's frontier behind.
      this.frontier = undefined;
      void this.postFrontier();
    }
    // New content (records added since) is refitted too, unless that fit is already on its way.
    const key = entry && fitKey(entry.key, controls);
    const stale = !this.lastFit || this.lastFit.key !== key;
    if (changedFit || (stale && this.scheduledKey !== key)) this.scheduleFit(FIT_DEBOUNCE_MS);
  }

  // ---- datasets --------------------------------------------------------------------------

  private datasetsRefresh?: Promise<void>;

  /** Re-reads the campaigns and CSV files and refits only if that changed the fit's inputs; one at a time. */
  private refreshShownDatasets(): Promise<void> {
    return (this.datasetsRefresh ??= (async () => {
      try {
        await this.loadDatasets();
        this.setControls(this.controls ?? this.defaults(undefined));
      } finally {
        this.datasetsRefresh = undefined;
      }
    })());
  }

  /**
   * Reading the datasets and importing a CSV file run one at a time: a re-read that started before an
   * import (a page loaded again while a command imports) would otherwise replace the entries without it.
   */
  private datasetWork: Promise<unknown> = Promise.resolve();
  private oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const next = this.datasetWork.then(work, work);
    this.datasetWork = next.catch(() => undefined);
    return next;
  }

  private loadDatasets(): Promise<void> {
    return this.oneAtATime(() => this.readDatasets());
  }

  private async readDatasets(): Promise<void> {
    const fresh = new Map<string, Entry>();
    try {
      for (const c of await this.deps.loadCampaignDatasets()) {
        const id = `campaign:${c.id}`;
        const latency = c.latency ?? { unavailable: 'the campaign records carry no time per layer' };
        const entry: Entry = {
          summary: summarize(id, c.label, 'campaign', c.dataset, [], c.platformId ?? this.defaultPlatformId(), latency),
          dataset: c.dataset,
          rowLabels: c.rowLabels,
          source: c.source ?? { file: c.label, rows: c.dataset.rows.length, description: `measurement campaign ${c.id}` },
          key: `${id}#${contentHash(c.dataset)}`,
        };
        fresh.set(id, withTimed(entry, latency));
      }
    } catch (e) {
      this.showError(`the measurement campaigns could not be read: ${(e as Error).message}`);
    }
    for (const spec of this.csvImports) {
      try {
        fresh.set(csvId(spec), await this.loadCsv(spec));
      } catch (e) {
        this.showError((e as Error).message);
      }
    }
    this.entries.clear();
    for (const [id, e] of fresh) this.entries.set(id, e);
    await this.postDatasets();
  }

  private async loadCsv(spec: CsvImportSpec): Promise<Entry> {
    const loaded = await loadCsvFile(spec);
    const id = csvId(spec);
    const stem =
      path
        .basename(spec.path)
        .replace(/\.[^.]*$/, '')
        .toLowerCase()
        .replace(/[^a-z0-9._+-]+/g, '-')
        .replace(/^[^a-z0-9]+/, '') || 'data';
    const badRows = loaded.badRows.map((b) => ({ file: b.file, line: b.line, message: b.message }));
    const entry: Entry = {
      summary: summarize(id, path.basename(spec.path), 'csv', loaded.dataset, badRows, `custom/${stem}`, loaded.latency),
      dataset: loaded.dataset,
      rowLabels: loaded.rowLabels,
      source: { file: vscode.workspace.asRelativePath(spec.path), sha256: loaded.sha256, rows: loaded.dataset.rows.length },
      key: `${id}#${loaded.sha256}#${contentHash(spec)}`,
    };
    return withTimed(entry, loaded.latency);
  }

  /** Imports a CSV file (again, if known) and returns its dataset id; errors are shown in the panel. */
  private addCsv(spec: CsvImportSpec): Promise<string | undefined> {
    return this.oneAtATime(() => this.importCsvNow(spec));
  }

  private async importCsvNow(spec: CsvImportSpec): Promise<string | undefined> {
    try {
      const entry = await this.loadCsv(spec);
      this.csvImports = [...this.csvImports.filter((c) => c.path !== spec.path), spec];
      this.entries.set(entry.summary.id, entry);
      await this.postDatasets();
      if (entry.dataset.rows.length === 0) {
        this.showError(`${spec.path}: no usable rows (${entry.summary.badRows.length} bad rows are listed under the data)`);
        return undefined;
      }
      return entry.summary.id;
    } catch (e) {
      this.showError(e instanceof FitError || e instanceof Error ? e.message : String(e));
      return undefined;
    }
  }

  private postDatasets(): Promise<boolean> {
    return this.post({ type: 'datasets', datasets: [...this.entries.values()].map((e) => e.summary), csvImports: this.csvImports });
  }

  // ---- fitting ---------------------------------------------------------------------------

  private cancelWork(): void {
    this.generation++;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = undefined;
    this.scheduledKey = undefined;
    this.runner.cancel();
  }

  private scheduleFit(delayMs: number): void {
    this.cancelWork();
    const entry = this.entryFor(this.controls);
    this.scheduledKey = entry && this.controls && fitKey(entry.key, this.controls);
    this.debounce = setTimeout(() => {
      void this.runFits(this.generation);
    }, delayMs);
  }

  private async fitCached(entry: Entry, controls: PanelControls, method: PanelControls['method']): Promise<FitReport> {
    const key = fitKey(entry.key, controls, method);
    const cached = this.reports.get(key);
    if (cached) return cached;
    const report = await this.runner.fit({
      datasetKey: entry.key,
      dataset: entry.dataset,
      spec: fitSpecFor(controls, method),
      options: fitOptionsFor(controls),
    });
    this.reports.set(key, report);
    if (this.reports.size > REPORT_CACHE) this.reports.delete(this.reports.keys().next().value!);
    return report;
  }

  private async runFits(generation: number): Promise<void> {
    const controls = this.controls;
    const entry = this.entryFor(controls);
    if (!controls || !entry) {
      if (this.ready) this.showError('No data to fit: import a CSV file or run a measurement campaign first.');
      return;
    }
    const current = () => generation === this.generation;
    const total = METHOD_CHOICES.length;
    void this.post({
      type: 'progress',
      done: 0,
      total,
      label: `Fitting ${controls.family} ${controls.method} on ${entry.dataset.rows.length} rows…`,
    });
    let report: FitReport;
    try {
      report = await this.fitCached(entry, controls, controls.method);
    } catch (e) {
      if (e instanceof CancelledError || !current()) return;
      this.lastFit = undefined;
      void this.post({ type: 'progress', done: total, total, label: '' });
      this.showError(e instanceof FitError ? `Cannot fit: ${e.message}` : `The fit failed: ${(e as Error).message}`);
      return;
    }
    if (!current()) return;
    const fitted = fittedValues(entry.dataset, report);
    const view = buildFitView({
      fitId: ++this.fitSeq,
      datasetId: entry.summary.id,
      dataset: entry.dataset,
      report,
      rowLabels: entry.rowLabels,
      fitted,
      quantity: controls.quantity,
    });
    const cKey = candidateKey(entry.key, controls);
    this.lastFit = { key: fitKey(entry.key, controls), candidateKey: cKey, report, entry, fitted, view };
    this.lastError = undefined;
    // With a current search, its selected models stay on show (the hand fit feeds the candidates).
    await this.post({ type: 'fit', view: this.frontierFitView() ?? view });

    // A dataset just chosen: search, and select the frontier's recommended model (before the candidates).
    const ticket = this.autoSearch.next(entry.key);
    if (ticket) {
      await this.runAutoSearch(ticket, entry, controls, generation);
      if (!current()) return;
    }

    // Every method of the family: the candidates of the accuracy-against-complexity chart.
    if (this.candidates?.key !== cKey) this.candidates = { key: cKey, points: [], failures: [], total };
    const candidates = this.candidates;
    const mark = (points: CandidatePoint[]) => points.map((p) => ({ ...p, selected: p.method === controls.method }));
    candidates.points = mark(candidates.points.filter((p) => p.method !== controls.method));
    candidates.points.push(candidatePoint(report, true, fitted, entry.dataset));
    for (const method of METHOD_CHOICES) {
      if (!current()) return;
      const known = candidates.points.some((p) => p.method === method) || candidates.failures.some((f) => f.method === method);
      if (!known) {
        void this.post({
          type: 'progress',
          done: candidates.points.length + candidates.failures.length,
          total,
          label: `Fitting candidates: ${method}…`,
        });
        try {
          const r = await this.fitCached(entry, controls, method);
          if (!current()) return;
          candidates.points.push(candidatePoint(r, false, undefined, entry.dataset));
        } catch (e) {
          if (e instanceof CancelledError || !current()) return;
          candidates.failures.push({ method, error: (e as Error).message });
        }
      }
      await this.postCandidates(view.fitId);
    }
    void this.post({ type: 'progress', done: total, total, label: '' });
  }

  // ---- search ----------------------------------------------------------------------------

  /** The Search button. */
  private async runSearch(): Promise<void> {
    const controls = this.controls;
    const entry = this.entryFor(controls);
    if (!controls || !entry) return this.showError('No data to search: import a CSV file or run a measurement campaign first.');
    this.cancelWork();
    const generation = this.generation;
    let found: { report: SearchReport; seconds: number };
    try {
      found = await this.searchCached(entry, controls, '');
    } catch (e) {
      if (e instanceof CancelledError || generation !== this.generation) return;
      void this.post({ type: 'progress', done: 1, total: 1, label: '' });
      return this.showError(e instanceof FitError ? `Cannot search: ${e.message}` : `The search failed: ${(e as Error).message}`);
    }
    if (generation !== this.generation) return;
    this.frontier = {
      entryKey: entry.key,
      datasetId: entry.summary.id,
      ...found,
      picks: {},
      automatic: false,
      quantity: controls.quantity,
    };
    void this.post({ type: 'progress', done: 1, total: 1, label: '' });
    await this.showFrontier();
  }

  /**
   * The search of a dataset just chosen, run in the fit's turn (so the candidates wait for it); its
   * result is shown only while nothing was chosen since. A failure keeps the hand fit and says why.
   */
  private async runAutoSearch(ticket: AutoSearchTicket, entry: Entry, controls: PanelControls, generation: number): Promise<void> {
    let found: { report: SearchReport; seconds: number };
    this.autoSearchOutcome = `searching ${entry.key}`;
    try {
      found = await this.searchCached(entry, controls, ' to select the recommended model');
    } catch (e) {
      if (e instanceof CancelledError || generation !== this.generation) {
        this.autoSearchOutcome = 'cancelled, due again';
        return this.autoSearch.retry(ticket);
      }
      void this.post({ type: 'progress', done: 1, total: 1, label: '' });
      this.autoSearchOutcome = `failed: ${(e as Error).message}`;
      return this.showNotice(`The automatic model search could not run (${(e as Error).message}); showing the hand fit.`);
    }
    if (!this.autoSearch.accept(ticket)) {
      this.autoSearchOutcome = 'dropped (another dataset or a hand choice since)';
      return;
    }
    // Other work restarted the fits meanwhile (a page loaded again): the next fit shows it, from the cache.
    if (generation !== this.generation) {
      this.autoSearchOutcome = 'superseded, due again';
      return this.autoSearch.retry(ticket);
    }
    this.autoSearchOutcome = 'shown';
    this.frontier = { entryKey: entry.key, datasetId: entry.summary.id, ...found, picks: {}, automatic: true, quantity: controls.quantity };
    void this.post({ type: 'progress', done: 1, total: 1, label: '' });
    await this.showFrontier();
  }

  /** A search of the dataset with the panel's validation, seed and size limit; the same inputs reuse the result. */
  private async searchCached(entry: Entry, controls: PanelControls, why: string): Promise<{ report: SearchReport; seconds: number }> {
    // A search scores every model held out: without a validation choice, 10-fold.
    const cv = cvSchemeFor(controls) ?? { kind: 'kfold' as const, k: Math.min(DEFAULT_KFOLD, entry.dataset.rows.length) };
    const options = { cv, seed: controls.seed, maxParams: controls.searchMaxParams };
    const key = JSON.stringify([entry.key, options]);
    const cached = this.searches.get(key);
    if (cached) return cached;
    void this.post({
      type: 'progress',
      done: 0,
      total: 1,
      label: `Searching model structures on ${entry.dataset.rows.length} rows (up to ${controls.searchMaxParams} parameters)${why}…`,
    });
    const started = performance.now();
    const report = await this.runner.search({ datasetKey: entry.key, dataset: entry.dataset, options });
    const found = { report, seconds: (performance.now() - started) / 1000 };
    this.searches.set(key, found);
    if (this.searches.size > SEARCH_CACHE) this.searches.delete(this.searches.keys().next().value!);
    return found;
  }

  /** The frontier, and the views drawn from its selected models (what Save writes) instead of the hand fit. */
  private async showFrontier(): Promise<void> {
    await this.postFrontier();
    const view = this.frontierFitView();
    if (view) await this.post({ type: 'fit', view });
  }

  /** The hand fit's view turned into the selected frontier models' one; undefined without a current search. */
  private frontierFitView(): FitView | undefined {
    const f = this.frontier;
    const base = this.lastFit?.view;
    const entry = f && this.entryFor(this.controls);
    if (!f || !base || !entry || entry.key !== f.entryKey || base.datasetId !== f.datasetId) return undefined;
    return buildFrontierFitView({
      base,
      dataset: entry.dataset,
      search: f.report,
      selected: selectedModels(f.report, f.picks),
      rowLabels: entry.rowLabels,
    });
  }

  private frontierViewNow(f: Frontier): FrontierView {
    return frontierView(f.report, f.datasetId, f.seconds, f.picks, { automatic: f.automatic, quantity: f.quantity });
  }

  private postFrontier(): Promise<boolean> {
    return this.post({ type: 'frontier', frontier: this.frontier ? this.frontierViewNow(this.frontier) : null });
  }

  private postCandidates(fitId: number): Promise<boolean> {
    const c = this.candidates!;
    const order = (m: string) => METHOD_CHOICES.indexOf(m as PanelControls['method']);
    const points = [...c.points].sort((a, b) => order(a.method) - order(b.method));
    return this.post({
      type: 'candidates',
      fitId,
      candidates: points,
      failures: c.failures,
      done: c.points.length + c.failures.length,
      total: c.total,
    });
  }

  private currentFit(): LastFit | undefined {
    const last = this.lastFit;
    const controls = this.controls;
    if (!last || !controls) return undefined;
    return last.key === fitKey(last.entry.key, controls) ? last : undefined;
  }

  // ---- save and export -------------------------------------------------------------------

  private async save(): Promise<void> {
    const frontier = this.frontier;
    const entry = frontier && this.entryFor(this.controls);
    if (frontier && entry?.key === frontier.entryKey && this.controls) return this.saveFrontier(frontier, entry);
    const fit = this.currentFit();
    if (!fit || !this.controls) return this.showError('Nothing to save yet: wait for the fit to finish.');
    const platformId = this.controls.platformId.trim();
    const problem = checkPlatformId(platformId);
    if (problem) return this.showError(problem);
    const quantity = fit.view.quantity;
    const existing = await this.deps.savedModel(platformId);
    let saved: { model: unknown; base: string };
    try {
      const platform = platformFor(
        platformId,
        BUILTIN_MODELS.map((b) => b.model.platform),
      );
      const fitted = modelForSave({ report: fit.report, dataset: fit.entry.dataset, platform, source: fit.entry.source, quantity });
      saved = mergeFittedModel(fitted, quantity, existing);
    } catch (e) {
      return this.showError(`Cannot save this fit as a model: ${(e as Error).message}`);
    }
    const file = await this.deps.saveModel(platformId, saved.model);
    this.lastSaved = file;
    this.showNotice(
      `Saved the ${fit.report.spec.family} ${fit.report.label} ${quantity} model for ${platformId} to ${file}${savedWith(quantity, saved.base)}.`,
    );
  }

  private async saveFrontier(frontier: Frontier, entry: Entry): Promise<void> {
    const platformId = this.controls!.platformId.trim();
    const problem = checkPlatformId(platformId);
    if (problem) return this.showError(problem);
    const picked = selectedModels(frontier.report, frontier.picks);
    const quantity = frontier.quantity;
    const existing = await this.deps.savedModel(platformId);
    let saved: { model: unknown; base: string };
    try {
      const platform = platformFor(
        platformId,
        BUILTIN_MODELS.map((b) => b.model.platform),
      );
      const fitted = frontierEnergyModel(
        frontier.report,
        {
          platform,
          generator: 'Energy Lens: Refit Models (search)',
          data: [entry.source],
          why: `chosen in the refit panel from the accuracy–complexity frontier of a model search (${QUANTITY_WORDS[quantity]})`,
        },
        picked,
      );
      saved = mergeFittedModel(fitted, quantity, existing);
    } catch (e) {
      return this.showError(`Cannot save the frontier model: ${(e as Error).message}`);
    }
    const file = await this.deps.saveModel(platformId, saved.model);
    this.lastSaved = file;
    const what = Object.entries(picked)
      .map(([type, m]) => `${type}: ${m.complexity} parameters, ${m.family}`)
      .join('; ');
    this.showNotice(`Saved the frontier ${quantity} model (${what}) for ${platformId} to ${file}${savedWith(quantity, saved.base)}.`);
  }

  private async saveDialog(defaultName: string, filters: Record<string, string[]>): Promise<vscode.Uri | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    return vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, defaultName) : undefined, filters });
  }

  private async exportCsv(): Promise<void> {
    const fit = this.currentFit();
    if (!fit) return this.showError('Nothing to export yet: wait for the fit to finish.');
    const stem = fit.entry.summary.label.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]+/g, '-');
    const uri = await this.saveDialog(`${stem}-${fit.report.spec.family}-${fit.report.spec.method}-predictions.csv`, { CSV: ['csv'] });
    if (!uri) return;
    const text = predictionsCsv(fit.entry.dataset, fit.report, fit.fitted, fit.entry.rowLabels);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    this.showNotice(`Wrote ${fit.entry.dataset.rows.length} predictions to ${uri.fsPath}.`);
  }

  private async exportPng(chartId: string, dataUrl: string): Promise<void> {
    const uri = await this.saveDialog(`energy-${chartId}.png`, { 'PNG image': ['png'] });
    if (!uri) return;
    const bytes = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
    await vscode.workspace.fs.writeFile(uri, bytes);
    this.showNotice(`Saved the chart to ${uri.fsPath}.`);
  }
}

const QUANTITY_WORDS: Record<Quantity, string> = { energy: 'energy, mJ per layer call', latency: 'latency, ms per layer call' };

/** What a saved file kept beside the fitted quantity, for the notice. */
function savedWith(quantity: Quantity, base: string): string {
  if (!base) return '';
  return quantity === 'latency' ? ` (latency sub-models ${base})` : ` (${base})`;
}

/** Controls that choose no fit: naming only these leaves the automatic search to run. */
const NOT_FIT_CHOICES: readonly string[] = ['datasetId', 'platformId', 'curveType'];

/** The fitting controls that differ (what a hand choice changed). */
function changedKeys(a: PanelControls, b: PanelControls): string[] {
  const x = fitInputs(a) as Record<string, unknown>;
  const y = fitInputs(b) as Record<string, unknown>;
  return Object.keys(y).filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k]));
}

/** The controls that change a fit (not the platform or which type the curve chart shows). */
function fitInputs(c: PanelControls) {
  const { platformId: _p, curveType: _c, ...rest } = c;
  return rest;
}

function contentHash(x: unknown): string {
  return createHash('sha1').update(JSON.stringify(x)).digest('hex').slice(0, 16);
}

function csvId(spec: CsvImportSpec): string {
  return `csv:${spec.path}`;
}

/** The entry with its latency variant: the same dataset id and provenance, the time rows as target. */
function withTimed(entry: Entry, latency: { dataset: Dataset; rowLabels?: string[] } | { unavailable: string }): Entry {
  if (!('dataset' in latency)) return entry;
  const timed: Entry = {
    summary: entry.summary,
    dataset: latency.dataset,
    rowLabels: latency.rowLabels,
    source: { ...entry.source, rows: latency.dataset.rows.length },
    key: `${entry.key}#latency`,
  };
  return { ...entry, timed };
}

function summarize(
  id: string,
  label: string,
  origin: DatasetSummary['origin'],
  dataset: Dataset,
  badRows: DatasetSummary['badRows'],
  platformId: string,
  latency: { dataset: Dataset } | { unavailable: string },
): DatasetSummary {
  const groups = new Set<string>();
  let allGrouped = dataset.rows.length > 0;
  for (const r of dataset.rows) {
    if (r.group === undefined) allGrouped = false;
    else groups.add(r.group);
  }
  return {
    id,
    label,
    origin,
    rows: dataset.rows.length,
    features: dataset.features,
    types: [...new Set(dataset.rows.map((r) => r.type))].sort(),
    networks: groups.size,
    allGrouped,
    badRows,
    platformId,
    latencyRows: 'dataset' in latency ? latency.dataset.rows.length : 0,
    ...('unavailable' in latency ? { latencyUnavailable: latency.unavailable } : {}),
  };
}
