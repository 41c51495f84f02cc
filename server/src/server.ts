// The Energy Lens language server: wiring only. Each LSP feature lives in lsp/<feature>.ts; all
// analysis goes through the AnalysisStore so a document version is parsed and analysed once.
import {
  CodeLensRefreshRequest,
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Hover,
  type InitializeResult,
  type Position,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { EditedDocument } from './lsp/document';
import { AnalysisStore } from './analysis/analysis-store';
import { messageHandled } from './analysis/slice-turns';
import { EARLY_PUBLISH_CHARS, STEP_MS, registerDiagnostics } from './lsp/diagnostics';
import { registerCaffemodelSupport, weightsProblems } from './lsp/caffemodel';
import { registerCodeActions } from './lsp/code-actions';
import { documentSymbols } from './lsp/symbols';
import { foldingRanges } from './lsp/folding';
import { formattingEdits } from './lsp/formatting';
import { completionItems } from './lsp/completion';
import { hover, hoverFromEarlier } from './lsp/hover';
import { readSettings } from './settings';
import { inlayHints } from './lsp/inlay-hints';
import { codeLenses } from './lsp/code-lens';
import { buildReport, hotLayerLines } from './lsp/report';
import {
  HotLayersNotification,
  MeasurementsChangedNotification,
  PlatformsRequest,
  ReportRequest,
  WorkspaceTrustNotification,
  type EnergyLensInitializationOptions,
} from './protocol';
import { fileURLToPath } from 'url';
import { definitions, highlights, prepareRename, references, rename } from './lsp/navigation';

// Each message handled is counted, so the stepped analysis of a large file lets its answer out first.
const connection = createConnection(ProposedFeatures.all, {
  messageStrategy: {
    handleMessage: (message, next) => {
      next(message);
      messageHandled();
    },
  },
});
const store = new AnalysisStore();
/**
 * Applies each change as TextDocument.update does, in time of the edit rather than the file
 * (EditedDocument), recording it as offsets so earlier analyses stay usable.
 */
const documents = new TextDocuments<EditedDocument>({
  create: (uri, languageId, version, text) => new EditedDocument(uri, languageId, version, text),
  update: (document, changes, version) => {
    for (const change of changes) {
      const start = 'range' in change ? document.offsetAt(change.range.start) : 0;
      const end = 'range' in change ? document.offsetAt(change.range.end) : document.getText().length;
      store.edits.record(document.uri, { version, start, end, insertedLength: change.text.length });
      document.update([change], version);
    }
    return document;
  },
});

connection.onInitialize((params): InitializeResult => {
  // Trust comes first so the first model load already respects it (untrusted unless the client says so).
  store.setWorkspaceTrusted(
    (params.initializationOptions as Partial<EnergyLensInitializationOptions> | undefined)?.workspaceTrusted === true,
  );
  const folderUris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  // Records are read in the background; once read, the editors are refreshed with the measured values.
  void store.setWorkspaceFolders(folderUris.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u))).then(() => refreshEditors());
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      documentFormattingProvider: true,
      completionProvider: { triggerCharacters: [':', '"', ' '] },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      definitionProvider: true,
      referencesProvider: true,
      documentHighlightProvider: true,
      renameProvider: { prepareProvider: true },
      inlayHintProvider: true,
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'Energy Lens' },
  };
});

const diagnostics = registerDiagnostics(
  connection,
  documents,
  store,
  (document) => {
    const analysis = store.get(document);
    void connection.sendNotification(HotLayersNotification, {
      uri: document.uri,
      version: document.version,
      lines: hotLayerLines(document, analysis),
    });
  },
  weightsProblems,
);
registerCaffemodelSupport(connection, () => diagnostics.refreshAll());
registerCodeActions(connection, documents);

async function refreshSettings(): Promise<void> {
  store.setSettings(readSettings(await connection.workspace.getConfiguration('energyLens')));
  refreshEditors();
}

/** A model file that cannot be used is said once, naming the file and the field (never silently skipped). */
const reportedModelProblems = new Set<string>();
function reportModelProblems(): void {
  for (const p of store.models.problems) {
    if (reportedModelProblems.has(p.message)) continue;
    reportedModelProblems.add(p.message);
    void connection.window.showWarningMessage(`Energy Lens: energy model file not used: ${p.message}`);
  }
}

/** After settings or models change: re-publish diagnostics and ask the client to re-pull hints and lenses. */
function refreshEditors(): void {
  reportModelProblems();
  diagnostics.refreshAll();
  void connection.languages.inlayHint.refresh().catch(() => undefined);
  void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
}

// The client watches model files (.energy-lens/models/*.json) and campaign records
// (.energy-lens/measurements/*.jsonl).
connection.onDidChangeWatchedFiles((params) => {
  const files = params.changes.filter((c) => c.uri.startsWith('file:')).map((c) => fileURLToPath(c.uri));
  if (files.some((f) => f.endsWith('.json'))) {
    store.reloadModels();
    refreshEditors();
  }
  recordsChanged(files.filter((x) => x.endsWith('.jsonl')));
});
connection.onNotification(MeasurementsChangedNotification, (params) => recordsChanged(params.files));

/** Campaign records changed: re-read them without blocking, then refresh the editors once. */
function recordsChanged(files: string[]): void {
  if (files.length === 0) return;
  void Promise.all(files.map((f) => store.measurementsChanged(f))).then(() => refreshEditors());
}
connection.onNotification(WorkspaceTrustNotification, (params) => {
  store.setWorkspaceTrusted(params.trusted === true);
  refreshEditors();
});
connection.onInitialized(() => void refreshSettings());
connection.onDidChangeConfiguration(() => void refreshSettings());

/**
 * On a large file whose new version is not analysed yet, hover answers from the last analysed
 * version (offsets mapped through the edits since) instead of waiting seconds for the new one.
 * Undefined: answer from the current analysis.
 */
function quickHover(document: TextDocument, position: Position): Hover | null | undefined {
  if (document.getText().length < EARLY_PUBLISH_CHARS) return undefined;
  const earlier = store.earlierAnalysis(document);
  return earlier && hoverFromEarlier(document, earlier, position);
}

/** Runs a feature on the current analysis of a document, or returns `fallback` when it is not open. */
function withAnalysis<T>(uri: string, fallback: T, feature: (doc: TextDocument) => T): T {
  const document = documents.get(uri);
  return document ? feature(document) : fallback;
}

/**
 * As withAnalysis, for features that need the network and its numbers. On a large file whose analysis
 * is still running, the request waits for it (computed in slices, other requests answered between)
 * instead of finishing it in one go, which would hold every request behind it for seconds; `fallback`
 * if the document moved on meanwhile (the editor asks again for the new version).
 */
async function withNetAnalysis<T>(uri: string, fallback: T, feature: (doc: TextDocument) => T): Promise<T> {
  const version = documents.get(uri)?.version;
  for (;;) {
    const document = documents.get(uri);
    if (!document || document.version !== version) return fallback;
    const analysis = store.get(document);
    if (document.getText().length < EARLY_PUBLISH_CHARS || analysis.analysed) return feature(document);
    // False: this analysis was dropped (new settings, models or records): wait for its successor.
    await analysis.whenAnalysed(STEP_MS);
  }
}

connection.onDocumentSymbol((p) => withAnalysis(p.textDocument.uri, [], (d) => documentSymbols(d, store.get(d).parsed.root)));
connection.onFoldingRanges((p) => withAnalysis(p.textDocument.uri, [], (d) => foldingRanges(d, store.get(d).parsed)));
connection.onDocumentFormatting((p) => withAnalysis(p.textDocument.uri, [], (d) => formattingEdits(d, store.get(d).parsed)));
connection.onCompletion((p) => withNetAnalysis(p.textDocument.uri, [], (d) => completionItems(d, store.get(d), p.position)));
connection.onHover((p) => {
  const document = documents.get(p.textDocument.uri);
  const quick = document && quickHover(document, p.position);
  return quick !== undefined ? quick : withNetAnalysis(p.textDocument.uri, null, (d) => hover(d, store.get(d), p.position));
});

connection.onDefinition((p) => withNetAnalysis(p.textDocument.uri, [], (d) => definitions(d, store.get(d), p.position)));
connection.onReferences((p) => withNetAnalysis(p.textDocument.uri, [], (d) => references(d, store.get(d), p.position)));
connection.onDocumentHighlight((p) => withNetAnalysis(p.textDocument.uri, [], (d) => highlights(d, store.get(d), p.position)));
connection.onPrepareRename((p) => withNetAnalysis(p.textDocument.uri, null, (d) => prepareRename(d, store.get(d), p.position)));
connection.onRenameRequest((p) => withNetAnalysis(p.textDocument.uri, null, (d) => rename(d, store.get(d), p.position, p.newName)));

connection.languages.inlayHint.on((p) => withNetAnalysis(p.textDocument.uri, [], (d) => inlayHints(d, store.get(d), p.range)));
connection.onCodeLens((p) => withNetAnalysis(p.textDocument.uri, [], (d) => codeLenses(store.get(d))));
connection.onRequest(ReportRequest, (p) => withNetAnalysis(p.uri, null, (d) => buildReport(d, store.get(d))));
connection.onRequest(PlatformsRequest, () => store.models.platforms());

// A network opened: records written while no watcher event reached the server (another program, a
// watcher still starting) are read now, so the numbers it shows are the records on disk.
documents.onDidOpen(() => {
  void store.refreshMeasurements().then((changed) => changed && refreshEditors());
});
documents.listen(connection);
connection.listen();
