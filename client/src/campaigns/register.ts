// Wiring of the campaign features: commands, the Campaigns view and the "Energy Lens" output channel.
// The language server is told of every records file written (throttled), so hovers and CodeLens show
// measured values while a campaign runs.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { MeasurementsChangedNotification } from '../../../server/src/protocol';
import { MEASUREMENTS_FOLDER } from '../../../server/src/measurements';
import { BoardConnection } from '../board/ssh';
import { toBoardTarget, type TargetConfig } from '../board/targets';
import { sshEnvironmentFor } from '../board/vscode-ssh-ui';
import {
  deleteCampaign,
  openCampaignRecords,
  profileOnJetsonTx1,
  profileOnTarget,
  profileWorkspace,
  resumeCampaign,
  type CampaignServices,
} from './campaign-commands';
import { CAMPAIGNS_VIEW, CampaignTreeProvider } from './campaign-tree';
import { startEmulatedPhoneCommand } from './emulated-phone-command';
import { RunningCampaigns } from './running-campaigns';
import { BoardDiagnostics } from './board-diagnostics';

export const CAMPAIGN_COMMANDS = {
  profileOnJetsonTx1: 'energyLens.profileOnJetsonTx1',
  profileOnTarget: 'energyLens.profileOnTarget',
  profileWorkspace: 'energyLens.profileWorkspace',
  resumeCampaign: 'energyLens.resumeCampaign',
  deleteCampaign: 'energyLens.deleteCampaign',
  openCampaignRecords: 'energyLens.openCampaignRecords',
  refreshCampaigns: 'energyLens.refreshCampaigns',
  startEmulatedPhone: 'energyLens.startEmulatedPhone',
} as const;

export function registerCampaigns(context: vscode.ExtensionContext, client?: LanguageClient): void {
  const notifyServer = throttledPerFile((file) => void client?.sendNotification(MeasurementsChangedNotification, { files: [file] }), 1000);
  const output = vscode.window.createOutputChannel('Energy Lens');
  const running = new RunningCampaigns();
  const tree = new CampaignTreeProvider(running);
  const log = (line: string): void => output.appendLine(`[${new Date().toTimeString().slice(0, 8)}] ${line}`);
  const boardDiagnostics = new BoardDiagnostics();
  const services: CampaignServices = {
    output,
    running,
    boardDiagnostics,
    agentPath: context.asAbsolutePath('client/board/agent/energy_lens_agent.py'),
    connect: (target: TargetConfig, signal?: AbortSignal) => BoardConnection.connect(toBoardTarget(target), sshEnvironmentFor(context, target, log), { signal }),
    recordsChanged: (file: string) => {
      tree.refresh();
      notifyServer(file);
    },
  };
  const watcher = vscode.workspace.createFileSystemWatcher(`**/${MEASUREMENTS_FOLDER}/*.jsonl`);
  context.subscriptions.push(
    output,
    boardDiagnostics,
    tree,
    watcher,
    watcher.onDidCreate(() => tree.refresh()),
    watcher.onDidChange(() => tree.refresh()),
    watcher.onDidDelete(() => tree.refresh()),
    running.onDidChange(() => tree.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('energyLens.targets') && tree.refresh()),
    vscode.window.createTreeView(CAMPAIGNS_VIEW, { treeDataProvider: tree, showCollapseAll: true }),
    vscode.commands.registerCommand(CAMPAIGN_COMMANDS.profileOnJetsonTx1, (arg?: unknown) => profileOnJetsonTx1(services, arg)),
    vscode.commands.registerCommand(CAMPAIGN_COMMANDS.profileOnTarget, (arg?: unknown) => profileOnTarget(services, arg)),
    vscode.commands.registerCommand(CAMPAIGN_COMMANDS.profileWorkspace, () => profileWorkspace(services)),
    vscode.commands.registerCommand(CAMPAIGN_COMMANDS.resumeCampaign, (arg?: unknown) => resumeCampaign(services, arg)),
    vscode.commands.registerCommand(CAMPAIGN_COMMANDS.deleteCampaign, (arg?: unknown) => deleteCampaign(services, arg)),
    vscode.commands.registerCommand(CAMPAIGN_COMMANDS.openCampaignRecords, (arg?: unknown) => openCampaignRecords(arg)),
    vscode.commands.registerCommand(CAMPAIGN_COMMANDS.refreshCampaigns, () => tree.refresh()),
    vscode.commands.registerCommand(CAMPAIGN_COMMANDS.startEmulatedPhone, () => startEmulatedPhoneCommand(context)),
  );
}

/** Calls `fn(file)` at most once per `ms` per file, and always once more after the last call. */
function throttledPerFile(fn: (file: string) => void, ms: number): (file: string) => void {
  const timers = new Map<string, NodeJS.Timeout>();
  return (file) => {
    if (timers.has(file)) return;
    fn(file);
    timers.set(file, setTimeout(() => {
      timers.delete(file);
      fn(file);
    }, ms));
  };
}
