// Publishes problems as diagnostics, off the typing path: each change (re)starts a short debounce,
// and a result is dropped if the document moved on while it was computed.
import { DiagnosticSeverity, DiagnosticTag, type Connection, type Diagnostic, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisStore } from '../analysis/analysis-store';
import type { DocumentAnalysis } from '../analysis/document-analysis';
import type { Problem, QuickFix } from '../problem';
import { layersBySpan } from './layer-at';
import { toRange } from './ranges';

const DEBOUNCE_MS = 150;
/**
 * From this size on, syntax and schema problems (fast: the parser's flat table) are published
 * first and the network is analysed in a later turn of the event loop, so a large file shows its
 * typing mistakes at once and requests queued meanwhile (hover, completion) are answered between.
 * Each stage (parse, syntax tree, schema, network, prediction) runs in its own turn and is dropped
 * when the document changed meanwhile.
 */
export const EARLY_PUBLISH_CHARS = 1_000_000;
/** Work done per turn of the event loop by the stepped analysis (requests on large files wait for it too). */
export const STEP_MS = 20;

const SEVERITY: Record<Problem['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Attached to each diagnostic so code actions can offer its fixes without recomputing. */
export interface DiagnosticData {
  version: number;
  fixes: QuickFix[];
}

export function toDiagnostic(document: TextDocument, problem: Problem): Diagnostic {
  const data: DiagnosticData = { version: document.version, fixes: problem.fixes ?? [] };
  return {
    range: toRange(document, problem.span),
    severity: SEVERITY[problem.severity],
    code: problem.code,
    source: 'Energy Lens',
    message: problem.message,
    tags: problem.tags?.map((t) => (t === 'unnecessary' ? DiagnosticTag.Unnecessary : DiagnosticTag.Deprecated)),
    data,
  };
}

/** A document that can find its line starts in steps (the server's EditedDocument). */
interface SteppedLines {
  lineStartsSteps(): Generator<void, void>;
}

function hasSteppedLines(document: TextDocument): document is TextDocument & SteppedLines {
  return typeof (document as Partial<SteppedLines>).lineStartsSteps === 'function';
}

export function registerDiagnostics(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  store: AnalysisStore,
  /** Called after each publish, e.g. to push the hot-layer marks computed from the same analysis. */
  afterPublish: (document: TextDocument) => void = () => undefined,
  /** Problems found outside the document's own analysis (e.g. the cross-check with paired weights). */
  extraProblems: (analysis: DocumentAnalysis) => Problem[] = () => [],
): { refreshAll(): void } {
  const timers = new Map<string, NodeJS.Timeout>();

  const send = (document: TextDocument, problems: Problem[]): void => {
    void connection.sendDiagnostics({
      uri: document.uri,
      version: document.version,
      diagnostics: problems.map((p) => toDiagnostic(document, p)),
    });
  };

  /** The document if it is still at `version` (else the work for that version is dropped). */
  const stillAt = (uri: string, version: number): TextDocument | undefined => {
    const current = documents.get(uri);
    return current && current.version === version ? current : undefined;
  };

  const publish = (uri: string, version: number): void => {
    const current = stillAt(uri, version);
    if (!current) return; // superseded by a newer edit
    if (current.getText().length >= EARLY_PUBLISH_CHARS && !store.get(current).analysed) {
      publishInSteps(uri, version).catch((error: unknown) =>
        guarded(uri, () => {
          throw error;
        }),
      );
      return;
    }
    publishAll(uri, version);
  };

  /**
   * A large file: one stage per turn of the event loop, so requests that arrive meanwhile are answered
   * between; the analysis itself runs in slices of STEP_MS (a request waits at most about that long).
   * Syntax and schema problems are published first. Stops when the document moves on.
   */
  const publishInSteps = async (uri: string, version: number): Promise<void> => {
    const turn = () => new Promise<TextDocument | undefined>((resolve) => setImmediate(() => resolve(stillAt(uri, version))));
    const analysis = store.get(stillAt(uri, version)!);
    if (!(await analysis.whenParsed(STEP_MS))) return;
    let doc = stillAt(uri, version);
    if (!doc) return;
    // Every range sent needs the line starts: counted in slices too (a million lines take ~100 ms).
    if (hasSteppedLines(doc)) {
      const lines = doc.lineStartsSteps();
      for (let until = performance.now() + STEP_MS; !lines.next().done;) {
        if (performance.now() < until) continue;
        doc = await turn();
        if (!doc) return;
        until = performance.now() + STEP_MS;
      }
    }
    send(doc, analysis.textProblems);
    if (!(await analysis.whenAnalysed(STEP_MS))) return;
    if (analysis.net) layersBySpan(analysis.net);
    doc = await turn();
    if (!doc) return;
    send(doc, [...analysis.problems, ...extraProblems(analysis)]);
    afterPublish(doc);
  };

  const publishAll = (uri: string, version: number): void => {
    const current = stillAt(uri, version);
    if (!current) return;
    const analysis = store.get(current);
    send(current, [...analysis.problems, ...extraProblems(analysis)]);
    afterPublish(current);
  };

  const guarded = (uri: string, work: () => void): void => {
    try {
      work();
    } catch (error) {
      connection.console.error(`Energy Lens: analysing ${uri} failed: ${String((error as Error)?.stack ?? error)}`);
    }
  };

  const schedule = (document: TextDocument, delay: number): void => {
    clearTimeout(timers.get(document.uri));
    timers.set(
      document.uri,
      setTimeout(() => {
        timers.delete(document.uri);
        guarded(document.uri, () => publish(document.uri, document.version));
      }, delay),
    );
  };

  documents.onDidOpen((e) => schedule(e.document, 0));
  documents.onDidChangeContent((e) => {
    store.documentChanged(e.document.uri); // stop analysing the version typed over
    schedule(e.document, DEBOUNCE_MS);
  });
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    store.forget(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  return {
    refreshAll: () => documents.all().forEach((d) => schedule(d, 0)),
  };
}
