// The Energy Lens extension host: wiring only. Starts the language server over IPC; features that
// need VS Code UI (platform status, board link, campaigns, panel) register from their own modules.
//
// Lazy-loading seam: activation loads only this bundle (language client, status bar, editor features).
// Campaigns, the SSH link (ssh2) and the refit panel are bundles of their own (esbuild.mjs LAZY_BUNDLES),
// loaded by loadBundle() the first time one of their commands, views or panels is used. Here only their
// ids are imported (campaigns/campaign-ids.ts, panel/panel-ids.ts); a new feature follows the same
// pattern: ids module + `lazyCommand(..., () => feature().handler)` (see client/src/lazy-bundles.ts).
import * as vscode from 'vscode';
import { startLanguageClient } from './language-client';
import { registerPlatformStatus } from './platform-status';
import { registerHotLayerMarks } from './hot-layers';
import { registerInlayHintToggle } from './inlay-hint-toggle';
import { registerEnergyReport } from './energy-report';
import { registerCaffemodelSupport } from './caffemodel';
import { CAMPAIGN_COMMANDS, CAMPAIGN_TREE_SNAPSHOT_COMMAND, CAMPAIGNS_VIEW } from './campaigns/campaign-ids';
import { DRIVE_COMMAND, REFIT_COMMAND, RENDER_REPORT_COMMAND, VIEW_TYPE } from './panel/panel-ids';
import { loadBundle } from './lazy-bundles';
import { lazyTreeDataProvider } from './lazy-tree';
import { registerWorkspaceContext } from './workspace-context';

let stopClient: (() => Promise<void>) | undefined;

/** Runs `make` once, on first call. */
function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  registerWorkspaceContext(context);
  const client = startLanguageClient(context);
  stopClient = () => client.stop();
  registerPlatformStatus(context, client);
  registerHotLayerMarks(context, client);
  registerInlayHintToggle(context);
  registerEnergyReport(context, client);
  registerCaffemodelSupport(context, client);

  const lazyCommand = (id: string, run: (...args: unknown[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, run));

  const campaigns = once(() => loadBundle('campaigns').createCampaignFeature(context, client));
  for (const id of Object.values(CAMPAIGN_COMMANDS)) lazyCommand(id, (arg?: unknown) => campaigns().commands[id](arg));
  context.subscriptions.push(
    vscode.window.createTreeView(CAMPAIGNS_VIEW, {
      treeDataProvider: lazyTreeDataProvider(() => campaigns().tree),
      showCollapseAll: true,
    }),
  );

  const refit = once(() => {
    const panel = loadBundle('refit-panel').createRefitFeature(context);
    context.subscriptions.push(panel);
    return panel;
  });
  lazyCommand(REFIT_COMMAND, (options?: unknown) => refit().open(options));
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => refit().attach(panel),
    }),
  );
  if (ENERGY_LENS_TEST_HOOKS) {
    // Test builds only (esbuild.mjs): the development-path tests read and drive the panel with these.
    lazyCommand(RENDER_REPORT_COMMAND, () => refit().testReport());
    lazyCommand(DRIVE_COMMAND, (drive?: unknown) => refit().drive(drive));
    lazyCommand(CAMPAIGN_TREE_SNAPSHOT_COMMAND, () => campaigns().treeSnapshot?.());
  }
}

export async function deactivate(): Promise<void> {
  await stopClient?.();
}
