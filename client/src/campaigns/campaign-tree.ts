// "Energy Lens: Campaigns" view: targets, and under each its campaigns (status, date, layers
// measured). Files that cannot be read as campaigns are listed under "Unreadable records" with
// what is wrong, never hidden. Refreshes when campaign files, the targets or running campaigns change.
// While a plan over several boards runs, each target's node shows its progress (target-progress.ts),
// refreshed on its own (stable ids, only that node fired) so the view does not flicker.
import * as path from 'path';
import * as vscode from 'vscode';
import { MEASUREMENTS_FOLDER, readCampaignFile, type CampaignRead } from '../../../server/src/measurements';
import { describeTarget, type TargetConfig } from '../board/targets';
import { formatProgress } from './progress';
import { campaignTooltipLines, localDate } from './campaign-tooltip';
import type { RunningCampaigns } from './running-campaigns';
import { readTargets } from './target-settings';
import { describeTargetProgress, type TargetProgress, type TargetRunState } from './target-progress';

export { CAMPAIGNS_VIEW } from './campaign-ids';

type TargetNode = { kind: 'target'; name: string; config?: TargetConfig; campaigns: CampaignRead[] };
type CampaignNode = { kind: 'campaign'; read: CampaignRead; campaignFile: string };
type UnreadableGroup = { kind: 'unreadable'; reads: CampaignRead[] };
type ProblemNode = { kind: 'problem'; read: CampaignRead; campaignFile: string; line: number; message: string };
export type CampaignTreeNode = TargetNode | CampaignNode | UnreadableGroup | ProblemNode;

const STATE_ICONS: Record<TargetRunState, vscode.ThemeIcon> = {
  queued: new vscode.ThemeIcon('clock'),
  running: new vscode.ThemeIcon('loading~spin'),
  retrying: new vscode.ThemeIcon('sync', new vscode.ThemeColor('list.warningForeground')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground')),
  cancelled: new vscode.ThemeIcon('debug-stop'),
  done: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
};

export class CampaignTreeProvider implements vscode.TreeDataProvider<CampaignTreeNode> {
  private readonly changed = new vscode.EventEmitter<CampaignTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private timer: NodeJS.Timeout | undefined;

  /** The target nodes last handed out, by name (a progress update fires just that node). */
  private readonly targetNodes = new Map<string, TargetNode>();
  private progressTimer: NodeJS.Timeout | undefined;
  private readonly progressDirty = new Set<string>();

  constructor(
    private readonly running: RunningCampaigns,
    /** Per-target progress of the plan running now (or the last one), if any. */
    private readonly progressOf: (target: string) => TargetProgress | undefined = () => undefined,
  ) {}

  /** One target's progress changed: its node alone is redrawn, at most twice a second. */
  refreshTarget(name: string): void {
    this.progressDirty.add(name);
    if (this.progressTimer) return;
    this.progressTimer = setTimeout(() => {
      this.progressTimer = undefined;
      const names = [...this.progressDirty];
      this.progressDirty.clear();
      for (const n of names) {
        const node = this.targetNodes.get(n);
        if (node) this.changed.fire(node);
        else this.changed.fire(undefined);
      }
    }, 500);
  }

  /** Coalesces bursts (a campaign appends a record every few hundred ms). */
  refresh(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.changed.fire(undefined), 250);
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearTimeout(this.progressTimer);
    this.changed.dispose();
  }

  private async campaignFiles(): Promise<CampaignRead[]> {
    const files = await vscode.workspace.findFiles(`**/${MEASUREMENTS_FOLDER}/*.jsonl`);
    return files.map((f) => readCampaignFile(f.fsPath));
  }

  async getChildren(node?: CampaignTreeNode): Promise<CampaignTreeNode[]> {
    if (!node) {
      const reads = await this.campaignFiles();
      const targets = readTargets();
      const groups = new Map<string, TargetNode>();
      for (const t of targets) groups.set(t.name, { kind: 'target', name: t.name, config: t, campaigns: [] });
      const unreadable: CampaignRead[] = [];
      for (const r of reads) {
        if (!r.campaign) {
          unreadable.push(r);
          continue;
        }
        const name = r.campaign.target.name;
        if (!groups.has(name)) groups.set(name, { kind: 'target', name, campaigns: [] });
        groups.get(name)!.campaigns.push(r);
      }
      this.targetNodes.clear();
      for (const [name, node] of groups) this.targetNodes.set(name, node);
      const out: CampaignTreeNode[] = [...groups.values()];
      if (unreadable.length > 0) out.push({ kind: 'unreadable', reads: unreadable });
      return out;
    }
    if (node.kind === 'target') {
      return [...node.campaigns]
        .sort((a, b) => b.campaign!.created.localeCompare(a.campaign!.created))
        .map((read) => ({ kind: 'campaign', read, campaignFile: read.file }));
    }
    if (node.kind === 'unreadable') {
      return node.reads.map((read) => ({
        kind: 'problem',
        read,
        campaignFile: read.file,
        line: read.problems[0]?.line ?? 0,
        message: read.problems[0]?.message ?? 'unreadable',
      }));
    }
    return [];
  }

  getTreeItem(node: CampaignTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'target': {
        const item = new vscode.TreeItem(
          node.name,
          node.campaigns.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
        );
        item.id = `target:${node.name}`;
        const where = node.config ? describeTarget(node.config) : 'not in energyLens.targets';
        const progress = this.progressOf(node.name);
        item.description = progress ? describeTargetProgress(progress) : where;
        item.iconPath = progress ? STATE_ICONS[progress.state] : new vscode.ThemeIcon(node.config ? 'circuit-board' : 'debug-disconnect');
        item.contextValue = node.config ? 'energyLens.target' : 'energyLens.target.unknown';
        item.tooltip = node.config
          ? `${node.name}: ${describeTarget(node.config)}\n${node.campaigns.length} campaign(s)${progress ? `\n${describeTargetProgress(progress)}` : ''}`
          : `Campaigns measured on "${node.name}", a target no longer configured`;
        return item;
      }
      case 'campaign':
        return this.campaignItem(node);
      case 'unreadable': {
        const item = new vscode.TreeItem('Unreadable records', vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
        item.description = `${node.reads.length} file(s) not used`;
        return item;
      }
      case 'problem': {
        const item = new vscode.TreeItem(path.basename(node.campaignFile));
        item.description = node.message;
        item.tooltip = node.read.problems.map((p) => `${path.basename(p.file)}:${p.line}: ${p.severity}: ${p.message}`).join('\n');
        item.iconPath = new vscode.ThemeIcon('warning');
        item.contextValue = 'energyLens.campaign.unreadable';
        item.command = { command: 'energyLens.openCampaignRecords', title: 'Open Records', arguments: [node] };
        return item;
      }
    }
  }

  private campaignItem(node: CampaignNode): vscode.TreeItem {
    const r = node.read;
    const c = r.campaign!;
    const running = this.running.byFile(node.campaignFile);
    const planned = r.planned.length || c.network.layers.length;
    const item = new vscode.TreeItem(path.basename(c.network.path));
    item.id = `campaign:${node.campaignFile}`;
    const status = running ? 'running' : r.status;
    const progress = running?.state ? ` · ${formatProgress(running.state)}` : '';
    item.description = `${status} · ${r.layers.length}/${planned} layers · ${localDate(c.created)}${c.emulated ? ' · emulated' : ''}${progress}`;
    item.iconPath = new vscode.ThemeIcon(
      running ? 'loading~spin' : r.status === 'complete' ? 'pass' : r.status === 'partial' ? 'debug-pause' : 'circle-outline',
    );
    item.contextValue = `energyLens.campaign.${status}`;
    const lines = campaignTooltipLines(r, node.campaignFile, planned);
    item.tooltip = new vscode.MarkdownString(lines.join('\n\n'));
    item.command = { command: 'energyLens.openCampaignRecords', title: 'Open Records', arguments: [node] };
    return item;
  }
}
