// Just what registerDiagnostics uses of the connection and the document manager, for the diagnostics tests.
import type { Connection, PublishDiagnosticsParams, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';

type Listener = (e: { document: TextDocument }) => void;

export function diagnosticsFakes(
  onSend: (params: PublishDiagnosticsParams) => void = () => undefined,
  onError?: (message: string) => void,
) {
  const sent: PublishDiagnosticsParams[] = [];
  const errors: string[] = [];
  const open = new Map<string, TextDocument>();
  const listeners: Record<'open' | 'change' | 'close', Listener[]> = { open: [], change: [], close: [] };
  const connection = {
    sendDiagnostics: async (params: PublishDiagnosticsParams) => {
      sent.push(params);
      onSend(params);
    },
    console: { error: (m: string) => (onError ? onError(m) : errors.push(m)) },
  } as unknown as Connection;
  const documents = {
    get: (uri: string) => open.get(uri),
    all: () => [...open.values()],
    onDidOpen: (l: Listener) => listeners.open.push(l),
    onDidChangeContent: (l: Listener) => listeners.change.push(l),
    onDidClose: (l: Listener) => listeners.close.push(l),
  } as unknown as TextDocuments<TextDocument>;
  const emit = (kind: 'open' | 'change', document: TextDocument) => {
    open.set(document.uri, document);
    listeners[kind].forEach((l) => l({ document }));
  };
  return { sent, errors, connection, documents, emit };
}
