// The Energy Lens language server: wiring only. Each LSP feature lives in lsp/<feature>.ts; all
// analysis goes through the AnalysisStore so a document version is parsed and analysed once.
import {
  createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisStore } from './analysis/analysis-store';
import { registerDiagnostics } from './lsp/diagnostics';
import { registerCodeActions } from './lsp/code-actions';
import { documentSymbols } from './lsp/symbols';
import { foldingRanges } from './lsp/folding';
import { formattingEdits } from './lsp/formatting';
import { completionItems } from './lsp/completion';
import { hover } from './lsp/hover';
import { readSettings } from './settings';
import { definitions, highlights, prepareRename, references, rename } from './lsp/navigation';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const store = new AnalysisStore();

connection.onInitialize((): InitializeResult => ({
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
  },
  serverInfo: { name: 'Energy Lens' },
}));

const diagnostics = registerDiagnostics(connection, documents, store);
registerCodeActions(connection, documents);

async function refreshSettings(): Promise<void> {
  store.setSettings(readSettings(await connection.workspace.getConfiguration('energyLens')));
  diagnostics.refreshAll();
}
connection.onInitialized(() => void refreshSettings());
connection.onDidChangeConfiguration(() => void refreshSettings());

/** Runs a feature on the current analysis of a document, or returns `fallback` when it is not open. */
function withAnalysis<T>(uri: string, fallback: T, feature: (doc: TextDocument) => T): T {
  const document = documents.get(uri);
  return document ? feature(document) : fallback;
}

connection.onDocumentSymbol((p) => withAnalysis(p.textDocument.uri, [], (d) => documentSymbols(d, store.get(d).parsed.root)));
connection.onFoldingRanges((p) => withAnalysis(p.textDocument.uri, [], (d) => foldingRanges(d, store.get(d).parsed)));
connection.onDocumentFormatting((p) => withAnalysis(p.textDocument.uri, [], (d) => formattingEdits(d, store.get(d).parsed)));
connection.onCompletion((p) => withAnalysis(p.textDocument.uri, [], (d) => completionItems(d, store.get(d), p.position)));
connection.onHover((p) => withAnalysis(p.textDocument.uri, null, (d) => hover(d, store.get(d), p.position)));

connection.onDefinition((p) => withAnalysis(p.textDocument.uri, [], (d) => definitions(d, store.get(d), p.position)));
connection.onReferences((p) => withAnalysis(p.textDocument.uri, [], (d) => references(d, store.get(d), p.position)));
connection.onDocumentHighlight((p) => withAnalysis(p.textDocument.uri, [], (d) => highlights(d, store.get(d), p.position)));
connection.onPrepareRename((p) => withAnalysis(p.textDocument.uri, null, (d) => prepareRename(d, store.get(d), p.position)));
connection.onRenameRequest((p) => withAnalysis(p.textDocument.uri, null, (d) => rename(d, store.get(d), p.position, p.newName)));

documents.listen(connection);
connection.listen();
