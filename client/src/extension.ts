// The Energy Lens extension host: wiring only. Starts the language server over IPC; features that
// need VS Code UI (platform status, board link, campaigns, panel) register from their own modules.
import * as vscode from 'vscode';
import { startLanguageClient } from './language-client';
import { registerPlatformStatus } from './platform-status';
import { registerHotLayerMarks } from './hot-layers';
import { registerInlayHintToggle } from './inlay-hint-toggle';
import { registerEnergyReport } from './energy-report';
import { registerCaffemodelSupport } from './caffemodel';
import { registerRefitPanel } from './panel/refit-panel';
import { refitPanelDeps } from './refit-deps';
import { registerCampaigns } from './campaigns/register';
import { registerWorkspaceContext } from './workspace-context';

let stopClient: (() => Promise<void>) | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  registerWorkspaceContext(context);
  const client = await startLanguageClient(context);
  stopClient = () => client.stop();
  registerPlatformStatus(context, client);
  registerHotLayerMarks(context, client);
  registerInlayHintToggle(context);
  registerEnergyReport(context, client);
  registerCaffemodelSupport(context, client);
  registerRefitPanel(context, refitPanelDeps());
  registerCampaigns(context, client);
}

export async function deactivate(): Promise<void> {
  await stopClient?.();
}
