// Wiring of the campaign features: commands, the Campaigns view and the "Energy Lens" output channel.
// The language server is told of every records file written (throttled), so hovers and CodeLens show
// measured values while a campaign runs.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { MeasurementsChangedNotification } from '../../../server/src/protocol';
import { MEASUREMENTS_FOLDER } from '../../../server/src/measurements';
import type { TargetConfig } from '../board/targets';
import { loadBundle } from '../lazy-bundles';
import {
  deleteCampaign,
  openCampaignRecords,
  profileOnJetsonTx1,
  profileOnTarget,
  profileWorkspace,
  resumeCampaign,
  type CampaignServices,
} from './campaign-commands';
import { CAMPAIGN_COMMANDS } from './campaign-ids';
import { CampaignTreeProvider, type CampaignTreeNode } from './campaign-tree';
import { startEmulatedPhoneCommand } from './emulated-phone-command';
import { RunningCampaigns } from './running-campaigns';
import type { PlanProgress } from './target-progress';
import { BoardDiagnostics } from './board-diagnostics';
import { addBoard, editBoard, removeBoard, setDefaultBoard, testBoardConnection } from './target-commands';

export { CAMPAIGN_COMMANDS } from './campaign-ids';

/** Made on first use by the seam in client/src/extension.ts, which registers the commands and the view. */
export interface CampaignFeature {
  tree: vscode.TreeDataProvider<CampaignTreeNode>;
  /** Test builds only: the view's top-level items as the user sees them (the integration tests read it). */
  treeSnapshot?(): Promise<CampaignTreeSnapshotItem[]>;
  commands: Record<(typeof CAMPAIGN_COMMANDS)[keyof typeof CAMPAIGN_COMMANDS], (arg?: unknown) => unknown>;
}

export interface CampaignTreeSnapshotItem {
  id?: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon?: string;
}

export function createCampaignFeature(context: vscode.ExtensionContext, client?: LanguageClient): CampaignFeature {
  // By method name: this lazy bundle has its own copy of vscode-jsonrpc, whose typed message objects the
  // language client (in the activation bundle) does not recognise ("Unknown parameter structure auto").
  const notifyServer = throttledPerFile(
    (file) => void client?.sendNotification(MeasurementsChangedNotification.method, { files: [file] }),
    1000,
  );
  const output = vscode.window.createOutputChannel('Energy Lens');
  const running = new RunningCampaigns();
  // The plan over several boards running now, or the last one, until a campaign starts on one of its boards alone.
  let plan: { progress: PlanProgress; active: boolean } | undefined;
  const tree = new CampaignTreeProvider(running, (target) => plan?.progress.get(target));
  const log = (line: string): void => output.appendLine(`[${new Date().toTimeString().slice(0, 8)}] ${line}`);
  const boardDiagnostics = new BoardDiagnostics();
  const services: CampaignServices = {
    output,
    running,
    boardDiagnostics,
    agentPath: context.asAbsolutePath('client/board/agent/energy_lens_agent.py'),
    // ssh2 loads with the first connection, not with the campaign code.
    connect: (target: TargetConfig, signal?: AbortSignal) => loadBundle('board-link').connectToTarget(context, target, log, signal),
    recordsChanged: (file: string) => {
      tree.refresh();
      notifyServer(file);
    },
    plan: {
      started: (progress) => {
        plan = { progress, active: true };
        tree.refresh();
      },
      changed: (target) => tree.refreshTarget(target),
      ended: () => {
        if (plan) plan.active = false;
      },
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
    running.onDidChange(() => {
      if (plan && !plan.active && plan.progress.targets().some((p) => running.get(p.target))) plan = undefined;
      tree.refresh();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('energyLens.targets') && tree.refresh()),
  );
  return {
    tree,
    treeSnapshot: ENERGY_LENS_TEST_HOOKS ? () => treeSnapshot(tree) : undefined,
    commands: {
      [CAMPAIGN_COMMANDS.profileOnJetsonTx1]: (arg?: unknown) => profileOnJetsonTx1(services, arg),
      [CAMPAIGN_COMMANDS.profileOnTarget]: (arg?: unknown) => profileOnTarget(services, arg),
      [CAMPAIGN_COMMANDS.profileWorkspace]: (arg?: unknown) => profileWorkspace(services, arg),
      [CAMPAIGN_COMMANDS.resumeCampaign]: (arg?: unknown) => resumeCampaign(services, arg),
      [CAMPAIGN_COMMANDS.deleteCampaign]: (arg?: unknown) => deleteCampaign(services, arg),
      [CAMPAIGN_COMMANDS.openCampaignRecords]: (arg?: unknown) => openCampaignRecords(arg),
      [CAMPAIGN_COMMANDS.refreshCampaigns]: () => tree.refresh(),
      [CAMPAIGN_COMMANDS.startEmulatedPhone]: () => startEmulatedPhoneCommand(context),
      [CAMPAIGN_COMMANDS.addBoard]: () => addBoard(),
      [CAMPAIGN_COMMANDS.editBoard]: (arg?: unknown) => editBoard(arg),
      [CAMPAIGN_COMMANDS.removeBoard]: (arg?: unknown) => removeBoard(arg),
      [CAMPAIGN_COMMANDS.setDefaultBoard]: (arg?: unknown) => setDefaultBoard(arg),
      [CAMPAIGN_COMMANDS.testBoardConnection]: (arg?: unknown) =>
        testBoardConnection({ connect: services.connect, agentPath: services.agentPath, log }, arg),
    },
  };
}

/** Calls `fn(file)` at most once per `ms` per file, and always once more after the last call. */
function throttledPerFile(fn: (file: string) => void, ms: number): (file: string) => void {
  const timers = new Map<string, NodeJS.Timeout>();
  return (file) => {
    if (timers.has(file)) return;
    fn(file);
    timers.set(
      file,
      setTimeout(() => {
        timers.delete(file);
        fn(file);
      }, ms),
    );
  };
}

/** The view's top-level items as the user sees them: label, description, tooltip text, icon. */
async function treeSnapshot(tree: CampaignTreeProvider): Promise<CampaignTreeSnapshotItem[]> {
  const nodes = (await tree.getChildren()) ?? [];
  return nodes.map((n) => {
    const item = tree.getTreeItem(n);
    const text = (x: string | vscode.TreeItemLabel | vscode.MarkdownString | undefined): string | undefined =>
      x === undefined ? undefined : typeof x === 'string' ? x : 'value' in x ? x.value : x.label;
    return {
      id: item.id,
      label: text(item.label) ?? '',
      description: typeof item.description === 'string' ? item.description : undefined,
      tooltip: text(item.tooltip),
      icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined,
    };
  });
}
