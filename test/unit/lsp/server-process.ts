// The built language server (out/server/server.js) in its own process over stdio, driven as VS Code
// drives it: initialize, open a document, send requests and time their answers. For the tests and the
// benchmark of a server that keeps answering during long analyses. Needs `npm run build`.
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';

const SERVER = path.join(__dirname, '..', '..', '..', 'out', 'server', 'server.js');

export interface ServerProcess {
  connection: MessageConnection;
  /** Sends `method` and resolves with its answer and how long it took (ms). */
  timed<T = unknown>(method: string, params: unknown): Promise<{ result: T; ms: number }>;
  open(uri: string, text: string): void;
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): void;
  /** Diagnostics published so far, per uri and version. */
  published: Array<{ uri: string; version?: number; count: number; at: number }>;
  stop(): Promise<void>;
}

export function serverBuilt(): boolean {
  return fs.existsSync(SERVER);
}

export async function startServer(): Promise<ServerProcess> {
  // ENERGY_LENS_SERVER_NODE_ARGS: extra Node options for the server, to profile it (`--cpu-prof --trace-gc`).
  const nodeArgs = (process.env.ENERGY_LENS_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, SERVER, '--stdio'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published: ServerProcess['published'] = [];
  // What the client answers: no settings (the defaults), refreshes and registrations accepted.
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => null));
  connection.onRequest(() => null);
  connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: unknown[] }) =>
    published.push({ uri: p.uri, version: p.version, count: p.diagnostics.length, at: performance.now() }),
  );
  connection.onNotification(() => undefined);
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
    initializationOptions: { workspaceTrusted: true },
  });
  await connection.sendNotification('initialized', {});
  return {
    connection,
    published,
    async timed<T>(method: string, params: unknown) {
      const t0 = performance.now();
      const result = await connection.sendRequest<T>(method, params);
      return { result, ms: performance.now() - t0 };
    },
    open(uri, text) {
      void connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'prototxt', version: 1, text } });
    },
    change(uri, version, contentChanges) {
      void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
    },
    async stop() {
      await connection.sendRequest('shutdown').catch(() => undefined);
      void connection.sendNotification('exit').catch(() => undefined);
      connection.dispose();
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
