// `energyLens.targets` in VS Code: read it (problems shown once), pick a target, and walk the user
// through adding a board when there is none of the kind asked for.
import * as vscode from 'vscode';
import {
  describeTarget,
  newTargetEntry,
  parseHostAnswer,
  parseTarget,
  parseTargets,
  TARGET_KIND_LABELS,
  type TargetConfig,
  type TargetKind,
} from '../board/targets';

import { describeAdbTarget, parseAdbTargets, type AdbTargetConfig } from '../board/adb-targets';

export const TARGETS_SECTION = 'energyLens';
export const TARGETS_KEY = 'targets';

let shownProblems = '';

/** The configured targets; bad entries are reported once (until they change) and left out. */
export function readTargets(): TargetConfig[] {
  const { targets, problems } = parseTargets(vscode.workspace.getConfiguration(TARGETS_SECTION).get<unknown>(TARGETS_KEY));
  const text = problems.join('\n');
  if (text && text !== shownProblems) {
    void vscode.window
      .showWarningMessage(`Energy Lens: some boards in energyLens.targets are ignored: ${problems.join('; ')}`, 'Open Settings')
      .then((a) => {
        if (a) void vscode.commands.executeCommand('workbench.action.openSettingsJson');
      });
  }
  shownProblems = text;
  return targets;
}

/** Quick pick of the targets (boards, then adb phones), with "Add a board..." at the end. */
export async function pickTarget(title: string): Promise<TargetConfig | AdbTargetConfig | undefined> {
  const targets = readTargets();
  const phones = parseAdbTargets(vscode.workspace.getConfiguration(TARGETS_SECTION).get<unknown>(TARGETS_KEY));
  if (phones.problems.length)
    void vscode.window.showWarningMessage(`Energy Lens: some phones in energyLens.targets are ignored: ${phones.problems.join('; ')}`);
  type Item = vscode.QuickPickItem & { target?: TargetConfig | AdbTargetConfig };
  const items: Item[] = [
    ...targets.map((t) => ({ label: t.name, description: describeTarget(t), target: t })),
    ...phones.targets.map((t) => ({ label: t.name, description: describeAdbTarget(t), target: t })),
  ];
  items.push({ label: '$(add) Add a board...', description: 'host name or ~/.ssh/config alias' });
  const picked = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: targets.length ? 'Board to profile on' : 'No boards yet: add one',
  });
  if (!picked) return undefined;
  if (picked.target) return picked.target;
  const kind = await vscode.window.showQuickPick(
    (Object.keys(TARGET_KIND_LABELS) as TargetKind[]).map((k) => ({ label: TARGET_KIND_LABELS[k], targetKind: k })),
    { title: 'Add a board: which kind?' },
  );
  return kind ? addTarget(kind.targetKind) : undefined;
}

function defaultName(kind: TargetKind, taken: Set<string>): string {
  const base = kind === 'generic-linux' ? 'board' : kind.replace(/^jetson-/, '');
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  return name;
}

/** Asks for host and user, writes the new entry to the settings and returns it. */
export async function addTarget(kind: TargetKind): Promise<TargetConfig | undefined> {
  const label = TARGET_KIND_LABELS[kind];
  const hostText = await vscode.window.showInputBox({
    title: `Add a ${label} (1/2)`,
    prompt: `Host of the ${label}: an alias from ~/.ssh/config, a host name or an address (user@host:port works too)`,
    placeHolder: 'tx1  or  192.168.1.42  or  ubuntu@tx1.local:22',
    ignoreFocusOut: true,
    validateInput: (v) =>
      v.trim() === '' ? "Type the board's host" : typeof parseHostAnswer(v) === 'string' ? (parseHostAnswer(v) as string) : undefined,
  });
  if (hostText === undefined) return undefined;
  const host = parseHostAnswer(hostText);
  if (typeof host === 'string') return undefined;
  let user = host.user;
  if (!user) {
    const typed = await vscode.window.showInputBox({
      title: `Add a ${label} (2/2)`,
      prompt: 'User to log in as (leave empty to use ~/.ssh/config or your local user name)',
      value: kind.startsWith('jetson-') ? 'ubuntu' : '',
      ignoreFocusOut: true,
      validateInput: (v) => (/\s|@/.test(v.trim()) ? 'A user name has no spaces or @' : undefined),
    });
    if (typed === undefined) return undefined;
    user = typed.trim() || undefined;
  }
  const config = vscode.workspace.getConfiguration(TARGETS_SECTION);
  const inspected = config.inspect<unknown[]>(TARGETS_KEY);
  // Write where the effective value comes from, so the new board is not hidden by a workspace list.
  const inWorkspace = Array.isArray(inspected?.workspaceValue);
  const current = (inWorkspace ? inspected?.workspaceValue : inspected?.globalValue) ?? [];
  const taken = new Set(readTargets().map((t) => t.name));
  const entry = newTargetEntry({ name: defaultName(kind, taken), host: host.host, user, port: host.port, kind });
  await config.update(
    TARGETS_KEY,
    [...(Array.isArray(current) ? current : []), entry],
    inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global,
  );
  const parsed = parseTarget(entry);
  if (typeof parsed === 'string') return undefined;
  void vscode.window.showInformationMessage(
    `Energy Lens: added board "${parsed.name}" (${describeTarget(parsed)}) to energyLens.targets. Set "python", "env" (e.g. PYTHONPATH for pycaffe) or "threads" there if needed.`,
  );
  return parsed;
}

/** The target a campaign file was measured on, from the settings (by name). */
export function targetNamed(name: string): TargetConfig | undefined {
  return readTargets().find((t) => t.name === name);
}

/** An adb target by name, from the settings. */
export function adbTargetNamed(name: string): AdbTargetConfig | undefined {
  return parseAdbTargets(vscode.workspace.getConfiguration(TARGETS_SECTION).get<unknown>(TARGETS_KEY)).targets.find((t) => t.name === name);
}
