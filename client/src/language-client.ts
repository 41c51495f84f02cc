// Starts the Energy Lens language server (a Node process over IPC) for prototxt documents.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { WorkspaceTrustNotification, type EnergyLensInitializationOptions } from '../../server/src/protocol';

/**
 * Returns at once, the server still starting: activation does not wait for it (requests sent
 * meanwhile wait for the start inside the client, notification handlers are kept until then).
 */
export function startLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const serverModule = context.asAbsolutePath('out/server/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'prototxt' }],
    synchronize: {
      configurationSection: 'energyLens',
      // Model files saved by the refit panel (or by hand) are picked up at once.
      fileEvents: [
        vscode.workspace.createFileSystemWatcher('**/.energy-lens/models/*.json'),
        // Campaign records: measured values appear in hovers and CodeLens as layers are measured.
        vscode.workspace.createFileSystemWatcher('**/.energy-lens/measurements/*.jsonl'),
      ],
    },
    outputChannel: vscode.window.createOutputChannel('Energy Lens Language Server'),
    // The server reads workspace models and records only in a trusted workspace.
    initializationOptions: { workspaceTrusted: vscode.workspace.isTrusted } satisfies EnergyLensInitializationOptions,
  };
  const client = new LanguageClient('energyLens', 'Energy Lens', serverOptions, clientOptions);
  context.subscriptions.push(
    client,
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void client.sendNotification(WorkspaceTrustNotification, { trusted: true });
    }),
  );
  client.start().catch((err: unknown) => {
    void vscode.window.showErrorMessage(
      `Energy Lens: the language server did not start: ${err instanceof Error ? err.message : String(err)}`,
    );
  });
  return client;
}
