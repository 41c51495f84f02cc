// The campaign commands: Profile on Jetson TX1 / on Target / Workspace Networks, Resume, Delete, Open
// Records. Each runs the vscode-free runner under a cancellable progress notification and turns
// its outcome into a message with the next step.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { readCampaignFile, type CampaignRead } from '../../../server/src/measurements';
import { formatEnergy } from '../../../server/src/units';
import { firstTargetOfKind, type TargetConfig } from '../board/targets';
import type { Connect } from './board-session';
import type { NewCampaignRequest } from './campaign-plan';
import { runCampaign, runCampaignSeries, type CampaignHooks, type CampaignOutcome } from './campaign-runner';
import { formatDuration, formatProgress, type ProgressState } from './progress';
import { runWithRetry } from './campaign-queues';
import type { RunningCampaigns } from './running-campaigns';
import { adbTargetNamed, readTargets, targetNamed } from './target-settings';
import { addBoard, editBoard, pickTarget, pickTargets } from './target-commands';
import { profilePlan, type PlanProgressSink } from './plan-command';
import { planArgument, type PlanResult } from './plan-summary';
import { requireTrust } from './trust';
import type { AdbTargetConfig } from '../board/adb-targets';
import { profileNetworkOnAdb } from './adb-commands';

export interface CampaignServices {
  output: vscode.OutputChannel;
  running: RunningCampaigns;
  connect: Connect;
  agentPath: string;
  /** A campaign file was written or deleted (refreshes the Campaigns view). */
  recordsChanged(file: string, deleted?: boolean): void;
  /** Shows where the board's Caffe could not parse a network (see board-diagnostics.ts). */
  boardDiagnostics?: { show(outcome: CampaignOutcome): void };
  /** Per-board progress of a plan over several boards (the Campaigns view). */
  plan?: PlanProgressSink;
}

/** What the profile commands return (tests and other commands use it). */
export interface ProfileResult {
  status: CampaignOutcome['status'];
  file?: string;
  measured: number;
  planned: number;
  message?: string;
}

const NETWORK_GLOB = '**/*.{prototxt,pbtxt}';

function log(s: CampaignServices, line: string): void {
  const time = new Date().toTimeString().slice(0, 8);
  for (const l of line.split('\n')) s.output.appendLine(`[${time}] ${l}`);
}

function toResult(o: CampaignOutcome): ProfileResult {
  return {
    status: o.status,
    file: o.file,
    measured: o.measured,
    planned: o.planned,
    message: o.error ? `${o.error.message}${o.error.nextStep ? ` ${o.error.nextStep}` : ''}` : undefined,
  };
}

function isNetworkDocument(d: vscode.TextDocument | undefined): d is vscode.TextDocument {
  return !!d && (d.languageId === 'prototxt' || /\.(prototxt|pbtxt)$/i.test(d.uri.fsPath)) && d.uri.scheme === 'file';
}

/** The network to profile: the argument, the active prototxt editor, or one picked from the workspace. */
async function chooseNetwork(arg?: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  const active = vscode.window.activeTextEditor?.document;
  if (isNetworkDocument(active)) return active.uri;
  const files = await vscode.workspace.findFiles(NETWORK_GLOB, '**/node_modules/**', 2000);
  if (files.length === 0) {
    void vscode.window.showInformationMessage('Energy Lens: open a Caffe .prototxt network to profile it.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    files.filter((f) => !/solver/i.test(path.basename(f.fsPath))).map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })),
    { title: 'Network to profile' },
  );
  return picked?.uri;
}

/** Weights are optional (timing does not depend on their values): asked only when the folder has some. */
async function chooseWeights(network: vscode.Uri): Promise<vscode.Uri | null | undefined> {
  const folder = path.dirname(network.fsPath);
  let models: string[];
  try {
    models = fs.readdirSync(folder).filter((f) => f.endsWith('.caffemodel'));
  } catch {
    return null;
  }
  if (models.length === 0) return null;
  const none = {
    label: 'Without weights',
    description: 'recommended: time and energy do not depend on the weight values',
    file: undefined as string | undefined,
  };
  const picked = await vscode.window.showQuickPick(
    [none, ...models.map((m) => ({ label: m, description: 'upload these weights too', file: m }))],
    { title: 'Weights for the campaign' },
  );
  if (!picked) return undefined;
  return picked.file ? vscode.Uri.file(path.join(folder, picked.file)) : null;
}

async function saveIfDirty(uri: vscode.Uri): Promise<boolean> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (!doc?.isDirty) return true;
  return doc.save();
}

function sumOfLayers(read: CampaignRead): number {
  return read.layers.reduce((s, l) => s + l.energy_mJ, 0);
}

/** The outcome as a message with buttons for the next step. */
function showOutcome(s: CampaignServices, o: CampaignOutcome, what: string, board?: string): void {
  s.boardDiagnostics?.show(o);
  const open = 'Open Records';
  const resume = 'Resume';
  const output = 'Show Output';
  const edit = 'Edit Board…';
  const act = (answer: string | undefined): void => {
    if (answer === open && o.file) void vscode.commands.executeCommand('energyLens.openCampaignRecords', vscode.Uri.file(o.file));
    if (answer === resume && o.file) void vscode.commands.executeCommand('energyLens.resumeCampaign', vscode.Uri.file(o.file));
    if (answer === output) s.output.show(true);
    if (answer === edit && board) void editBoard(board);
  };
  if (o.status === 'complete') {
    const read = o.file ? readCampaignFile(o.file) : undefined;
    const energy = read
      ? `, ${formatEnergy(sumOfLayers(read))} per forward (sum of layers${read.net ? `; whole net ${formatEnergy(read.net.energy_mJ)}` : ''})`
      : '';
    void vscode.window
      .showInformationMessage(`Energy Lens: measured ${what}: ${o.measured} layers${energy} in ${formatDuration(o.elapsedMs)}.`, open)
      .then(act);
    return;
  }
  const message = `Energy Lens: ${what}: ${o.error?.message ?? o.status}${o.error?.nextStep ? ` Next: ${o.error.nextStep}` : ''}`;
  // A login or connection that failed is fixed on the board's entry, asked for in place.
  const buttons = [...(board && o.error?.code === 'connect' ? [edit] : []), ...(o.file ? [resume, open, output] : [output])];
  if (o.status === 'cancelled') void vscode.window.showInformationMessage(message, ...buttons).then(act);
  else void vscode.window.showErrorMessage(message, ...buttons).then(act);
}

interface ProgressSink {
  report(state: ProgressState, prefix?: string, overall?: number): void;
}

function progressSink(progress: vscode.Progress<{ message?: string; increment?: number }>): ProgressSink {
  let last = 0;
  return {
    report(state, prefix, overall) {
      const pct = Math.round((overall ?? state.fraction) * 100);
      progress.report({ message: `${prefix ?? ''}${formatProgress(state)}`, increment: pct > last ? pct - last : undefined });
      if (pct > last) last = pct;
    },
  };
}

function hooksFor(
  s: CampaignServices,
  target: TargetConfig,
  sink: ProgressSink,
  prefix?: () => { text: string; overall: (f: number) => number },
): CampaignHooks {
  return {
    log: (line) => log(s, line),
    onProgress: (state, plan) => {
      if (plan) s.running.update(target.name, { recordsFile: plan.recordsFile, state, network: plan.networkFile });
      else s.running.update(target.name, { state });
      const p = prefix?.();
      sink.report(state, p?.text, p?.overall(state.fraction));
    },
    onRecord: (file) => s.recordsChanged(file),
  };
}

/** Runs `work` as the running campaign of `target` under a cancellable notification. */
async function withCampaign<T>(
  s: CampaignServices,
  target: TargetConfig,
  network: string,
  title: string,
  work: (signal: AbortSignal, sink: ProgressSink) => Promise<T>,
): Promise<T | undefined> {
  const controller = new AbortController();
  const done = s.running.start({ target: target.name, network, cancel: () => controller.abort() });
  if (!done) {
    void vscode.window.showWarningMessage(
      `Energy Lens: a campaign is already running on "${target.name}"; a second one would disturb its power readings. Wait for it or cancel it.`,
    );
    return undefined;
  }
  log(s, `--- ${title}`);
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Energy Lens: ${title}`, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        return work(controller.signal, progressSink(progress));
      },
    );
  } finally {
    done();
  }
}

export async function profileNetworkOn(
  s: CampaignServices,
  target: TargetConfig,
  network: vscode.Uri,
  weights?: vscode.Uri,
): Promise<ProfileResult | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(network);
  if (!folder) {
    void vscode.window.showWarningMessage(
      "Energy Lens: open the folder that contains this network; its measurements are stored in the folder's .energy-lens/measurements/.",
    );
    return undefined;
  }
  if (!(await saveIfDirty(network))) return undefined;
  const name = path.basename(network.fsPath);
  const request: NewCampaignRequest = {
    kind: 'new',
    workspaceRoot: folder.uri.fsPath,
    networkFile: network.fsPath,
    weightsFile: weights?.fsPath,
  };
  const outcome = await withCampaign(s, target, network.fsPath, `profiling ${name} on ${target.name}`, (signal, sink) =>
    // A transient link failure (e.g. "closed unexpectedly" on the first command) is tried again with back-off, resuming the same file.
    runWithRetry({
      target: () => target,
      connect: s.connect,
      agentLocalPath: s.agentPath,
      request,
      hooks: hooksFor(s, target, sink),
      signal,
    }).then((r) => r.outcome),
  );
  if (!outcome) return undefined;
  showOutcome(s, outcome, `${name} on ${target.name}`, target.name);
  return toResult(outcome);
}

async function profileWith(
  s: CampaignServices,
  target: TargetConfig | AdbTargetConfig | undefined,
  arg: unknown,
): Promise<ProfileResult | undefined> {
  if (!target) return undefined;
  const network = await chooseNetwork(arg);
  if (!network) return undefined;
  if (target.kind === 'adb') {
    if (!(await saveIfDirty(network))) return undefined;
    const r = await profileNetworkOnAdb(s, target, network);
    return r && { status: r.status as ProfileResult['status'], file: r.file, measured: r.measured, planned: r.planned, message: r.message };
  }
  const weights = await chooseWeights(network);
  if (weights === undefined) return undefined;
  return profileNetworkOn(s, target, network, weights ?? undefined);
}

export async function profileOnJetsonTx1(s: CampaignServices, arg?: unknown): Promise<ProfileResult | undefined> {
  if (!requireTrust()) return undefined;
  const target = firstTargetOfKind(readTargets(), 'jetson-tx1') ?? (await addBoard('jetson-tx1'));
  return profileWith(s, target, arg);
}

export async function profileOnTarget(s: CampaignServices, arg?: unknown): Promise<ProfileResult | undefined> {
  if (!requireTrust()) return undefined;
  // `{ target: name, network: uri }` names both (scripts and tests); otherwise the user picks.
  const named =
    typeof arg === 'object' && arg !== null && typeof (arg as { target?: unknown }).target === 'string'
      ? (arg as { target: string; network?: unknown })
      : undefined;
  if (named) return profileWith(s, targetNamed(named.target) ?? adbTargetNamed(named.target), named.network);
  return profileWith(s, await pickTarget('Profile on Target'), arg);
}

/** The boards a scripted argument names: SSH targets only (adb phones and unknown names refused). */
function namedTargets(names: readonly string[]): TargetConfig[] | undefined {
  const out: TargetConfig[] = [];
  for (const name of names) {
    const t = targetNamed(name);
    if (t) {
      out.push(t);
      continue;
    }
    void vscode.window.showWarningMessage(
      adbTargetNamed(name)
        ? `Energy Lens: "${name}" is an adb phone: profiling several networks in a row is not available for adb phones yet; use "Profile on Target..." per network.`
        : `Energy Lens: there is no board "${name}" in energyLens.targets.`,
    );
    return undefined;
  }
  return out;
}

/**
 * Several networks on one board one after another, or on several boards at once (one queue per board,
 * plan-command.ts). `{ targets: [name, ...], networks?: [uri, ...] }` names them (scripts and tests);
 * otherwise the user picks the boards, then the networks.
 */
export async function profileWorkspace(s: CampaignServices, arg?: unknown): Promise<ProfileResult[] | PlanResult[] | undefined> {
  if (!requireTrust()) return undefined;
  const named = planArgument(arg);
  if (typeof named === 'string') {
    void vscode.window.showErrorMessage(`Energy Lens: Profile Workspace Networks: ${named}.`);
    return undefined;
  }
  const targets = named ? namedTargets(named.targets) : await pickTargets('Profile Workspace Networks on Target');
  if (!targets || targets.length === 0) return undefined;
  const where = targets.length === 1 ? targets[0]!.name : `${targets.length} boards`;
  let uris: vscode.Uri[];
  if (named?.networks) uris = named.networks.map((f) => vscode.Uri.file(f));
  else {
    const files = (await vscode.workspace.findFiles(NETWORK_GLOB, '**/node_modules/**', 2000)).filter(
      (f) => !/solver/i.test(path.basename(f.fsPath)),
    );
    files.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
    const picked = await vscode.window.showQuickPick(
      files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f, picked: true })),
      {
        title:
          targets.length === 1
            ? `Networks to profile on ${where}, one after another`
            : `Networks to profile on ${where} (${targets.map((t) => t.name).join(', ')}), one queue per board`,
        canPickMany: true,
      },
    );
    if (!picked || picked.length === 0) return undefined;
    uris = picked.map((p) => p.uri);
  }
  const requests: NewCampaignRequest[] = [];
  for (const uri of uris) {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (folder && (await saveIfDirty(uri))) requests.push({ kind: 'new', workspaceRoot: folder.uri.fsPath, networkFile: uri.fsPath });
  }
  if (targets.length > 1) return profilePlan({ ...s, targetNamed }, targets, requests);
  return profileSeries(s, targets[0]!, requests);
}

/** Several networks on one board, one after another over one connection. */
async function profileSeries(
  s: CampaignServices,
  target: TargetConfig,
  requests: NewCampaignRequest[],
): Promise<ProfileResult[] | undefined> {
  let index = 0;
  const outcomes = await withCampaign(
    s,
    target,
    requests[0]?.networkFile ?? '',
    `profiling ${requests.length} networks on ${target.name}`,
    (signal, sink) =>
      runCampaignSeries({
        target,
        connect: s.connect,
        agentLocalPath: s.agentPath,
        requests,
        signal,
        hooks: {
          ...hooksFor(s, target, sink, () => ({
            text: `network ${index + 1} of ${requests.length} (${path.basename(requests[index]?.networkFile ?? '')}): `,
            overall: (f) => (index + f) / requests.length,
          })),
          onNetwork: (i) => {
            index = i;
          },
        },
      }),
  );
  if (!outcomes) return undefined;
  const complete = outcomes.filter((o) => o.status === 'complete').length;
  const failed = outcomes.filter((o) => o.status !== 'complete');
  const detail = failed
    .map((o) => `${o.plan ? path.basename(o.plan.networkFile) : 'connection'}: ${o.error?.message ?? o.status}`)
    .join(' | ');
  const text = `Energy Lens: ${complete} of ${requests.length} networks measured on ${target.name}${detail ? ` (${detail})` : ''}.`;
  if (failed.length === 0) void vscode.window.showInformationMessage(text);
  else void vscode.window.showWarningMessage(text, 'Show Output').then((a) => a && s.output.show(true));
  return outcomes.map(toResult);
}

/** A campaign file from a tree item, a URI, or a quick pick of the unfinished ones. */
async function campaignFileFrom(arg: unknown, onlyUnfinished: boolean, title: string): Promise<string | undefined> {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (typeof arg === 'string' && arg.endsWith('.jsonl')) return arg; // CodeLens arguments are plain paths
  const fromItem = (arg as { campaignFile?: unknown } | undefined)?.campaignFile;
  if (typeof fromItem === 'string') return fromItem;
  const files = await vscode.workspace.findFiles('**/.energy-lens/measurements/*.jsonl');
  const reads = files.map((f) => readCampaignFile(f.fsPath)).filter((r) => r.campaign && (!onlyUnfinished || r.status !== 'complete'));
  if (reads.length === 0) {
    void vscode.window.showInformationMessage(
      onlyUnfinished ? 'Energy Lens: no unfinished campaign in this workspace.' : 'Energy Lens: no campaign in this workspace.',
    );
    return undefined;
  }
  reads.sort((a, b) => (b.updated ?? '').localeCompare(a.updated ?? ''));
  const picked = await vscode.window.showQuickPick(
    reads.map((r) => ({
      label: `${r.campaign!.network.path} on ${r.campaign!.target.name}`,
      description: `${r.status} · ${r.layers.length}/${r.planned.length || '?'} layers · ${r.campaign!.created.slice(0, 16).replace('T', ' ')}`,
      file: r.file,
    })),
    { title },
  );
  return picked?.file;
}

export async function resumeCampaign(s: CampaignServices, arg?: unknown): Promise<ProfileResult | undefined> {
  if (!requireTrust()) return undefined;
  const file = await campaignFileFrom(arg, true, 'Resume which campaign?');
  if (!file) return undefined;
  const read = readCampaignFile(file);
  if (!read.campaign) {
    void vscode.window.showErrorMessage(
      `Energy Lens: ${path.basename(file)} cannot be resumed: ${read.problems[0]?.message ?? 'not a campaign file'}.`,
    );
    return undefined;
  }
  const target = targetNamed(read.campaign.target.name);
  if (!target) {
    void vscode.window
      .showErrorMessage(
        `Energy Lens: this campaign was measured on "${read.campaign.target.name}", which is no longer in energyLens.targets. Add it back (same name) to resume.`,
        'Open Settings',
      )
      .then((a) => {
        if (a) void vscode.commands.executeCommand('workbench.action.openSettings', 'energyLens.targets');
      });
    return undefined;
  }
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file));
  const root = folder?.uri.fsPath ?? path.resolve(path.dirname(file), '..', '..');
  const what = `${read.campaign.network.path} on ${target.name}`;
  const outcome = await withCampaign(s, target, path.join(root, read.campaign.network.path), `resuming ${what}`, (signal, sink) =>
    runCampaign({
      target,
      connect: s.connect,
      agentLocalPath: s.agentPath,
      request: { kind: 'resume', workspaceRoot: root, recordsFile: file },
      hooks: hooksFor(s, target, sink),
      signal,
    }),
  );
  if (!outcome) return undefined;
  showOutcome(s, outcome, what, target.name);
  return toResult(outcome);
}

export async function deleteCampaign(s: CampaignServices, arg?: unknown): Promise<boolean> {
  const file = await campaignFileFrom(arg, false, 'Delete which campaign?');
  if (!file) return false;
  if (s.running.byFile(file)) {
    void vscode.window.showWarningMessage('Energy Lens: this campaign is running; cancel it first.');
    return false;
  }
  const read = readCampaignFile(file);
  const what = read.campaign
    ? `${read.campaign.network.path} on ${read.campaign.target.name} (${read.status}, ${read.layers.length} layers measured)`
    : path.basename(file);
  const answer = await vscode.window.showWarningMessage(
    `Delete the measurements of ${what}?`,
    { modal: true, detail: `${file}\nIt goes to the trash where the system has one.` },
    'Delete',
  );
  if (answer !== 'Delete') return false;
  await vscode.workspace.fs.delete(vscode.Uri.file(file), { useTrash: true });
  s.recordsChanged(file, true);
  return true;
}

export async function openCampaignRecords(arg?: unknown): Promise<void> {
  const file = await campaignFileFrom(arg, false, 'Open the records of which campaign?');
  if (!file) return;
  const line = (arg as { line?: unknown } | undefined)?.line;
  const editor = await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
  if (typeof line === 'number' && line > 0) {
    const pos = new vscode.Position(line - 1, 0);
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
  }
}
