// The Campaigns view's board commands: "Add a Board…", and on a board's context menu Test Connection
// (connect, install the agent, probe), Edit Board…, Set as Default and Remove Board. Each edits the
// `energyLens.targets` list where the board is defined (workspace or user settings); the answer checks
// and list edits are the pure functions of board/target-edit.ts, so what is written is a board a
// campaign can use. "Default" is the first board of its kind: the one "Profile on Jetson TX1" takes.
import * as fs from 'fs';
import * as vscode from 'vscode';
import { describeTarget, parseHostAnswer, parseTarget, TARGET_KIND_LABELS, type TargetConfig, type TargetKind } from '../board/targets';
import {
  answersOf,
  checkHost,
  checkKeyFile,
  checkPort,
  checkTargetName,
  checkUser,
  indexOfTarget,
  targetEntry,
  targetNames,
  withTargetRemoved,
  withTargetReplaced,
  type EditableKind,
  type TargetAnswers,
} from '../board/target-edit';
import { BoardSession, type Connect } from './board-session';
import { describeProbe } from './probe';
import { requireTrust } from './trust';
import { readTargets, TARGETS_KEY, TARGETS_SECTION, targetNamed } from './target-settings';
import { describeAdbTarget, parseAdbTargets, type AdbTargetConfig } from '../board/adb-targets';

type Scope = vscode.ConfigurationTarget.Global | vscode.ConfigurationTarget.Workspace;

/** Where the effective list comes from (a workspace list hides the user one), and that list. */
function effectiveList(): { scope: Scope; list: unknown[] } {
  const inspected = vscode.workspace.getConfiguration(TARGETS_SECTION).inspect<unknown[]>(TARGETS_KEY);
  if (Array.isArray(inspected?.workspaceValue)) return { scope: vscode.ConfigurationTarget.Workspace, list: inspected.workspaceValue };
  return { scope: vscode.ConfigurationTarget.Global, list: Array.isArray(inspected?.globalValue) ? inspected.globalValue : [] };
}

async function writeList(scope: Scope, list: unknown[]): Promise<void> {
  await vscode.workspace.getConfiguration(TARGETS_SECTION).update(TARGETS_KEY, list, scope);
}

/** The board a command is about: a Campaigns view node, `{ name }`, a name, or picked from the list. */
async function boardName(arg: unknown, title: string): Promise<string | undefined> {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { name?: unknown }).name === 'string')
    return (arg as { name: string }).name;
  const names = targetNames(effectiveList().list);
  if (names.length === 0) {
    void vscode.window.showInformationMessage('Energy Lens: no boards in energyLens.targets yet. Use "Add a Board…" first.');
    return undefined;
  }
  return vscode.window.showQuickPick(names, { title, placeHolder: 'Which board?' });
}

/** The board a command is about and where it is: its name, the list holding it and its index there. */
async function boardEntry(
  arg: unknown,
  title: string,
): Promise<{ name: string; scope: Scope; list: unknown[]; index: number } | undefined> {
  const name = await boardName(arg, title);
  if (!name) return undefined;
  const { scope, list } = effectiveList();
  const index = indexOfTarget(list, name);
  if (index < 0) {
    void vscode.window.showErrorMessage(`Energy Lens: there is no board "${name}" in energyLens.targets.`);
    return undefined;
  }
  return { name, scope, list, index };
}

/** One input box of the flow; undefined when the user gives up (Escape). */
function ask(title: string, prompt: string, value: string, check: (v: string) => string | undefined): Thenable<string | undefined> {
  return vscode.window.showInputBox({ title, prompt, value, ignoreFocusOut: true, validateInput: check });
}

/**
 * The questions of "Add a Board…" and "Edit Board…": name, host, user, port and how to log in (the SSH
 * agent and ~/.ssh/config, or a key file). Starts from `initial`; undefined if the user gives up.
 */
async function askBoard(initial: TargetAnswers, taken: ReadonlySet<string>, title: string): Promise<TargetAnswers | undefined> {
  const ssh = initial.kind !== 'adb';
  const name = await ask(title, 'Name of the board (used in the campaign records)', initial.name, (v) => checkTargetName(v, taken));
  if (name === undefined) return undefined;
  const hostPrompt = ssh
    ? 'Host: an alias from ~/.ssh/config, a host name or an address (user@host:port works too)'
    : "The phone's adb serial (adb devices) or host:port";
  const hostText = await ask(title, hostPrompt, initial.host, (v) => checkHost(v, initial.kind));
  if (hostText === undefined) return undefined;
  if (!ssh) return { ...initial, name: name.trim(), host: hostText.trim() };
  const host = parseHostAnswer(hostText);
  if (typeof host === 'string') return undefined;
  const user =
    host.user ?? (await ask(title, 'User to log in as (empty: ~/.ssh/config or your local user name)', initial.user ?? '', checkUser));
  if (user === undefined) return undefined;
  const portText =
    host.port !== undefined
      ? String(host.port)
      : await ask(title, 'SSH port (empty: ~/.ssh/config or 22)', initial.port !== undefined ? String(initial.port) : '', checkPort);
  if (portText === undefined) return undefined;
  const agent = 'SSH agent or ~/.ssh/config';
  const keyFile = 'A private key file…';
  const how = await vscode.window.showQuickPick([agent, keyFile], {
    title,
    placeHolder: initial.identityFile ? `Log in with (now: ${initial.identityFile})` : 'Log in with',
    ignoreFocusOut: true,
  });
  if (how === undefined) return undefined;
  let identityFile: string | undefined;
  if (how === keyFile) {
    identityFile = await ask(
      title,
      'Path of the private key file (its passphrase is asked when needed and kept in SecretStorage)',
      initial.identityFile ?? '',
      (v) => checkKeyFile(v, (p) => fs.existsSync(p) && fs.statSync(p).isFile()),
    );
    if (identityFile === undefined) return undefined;
  }
  return {
    ...initial,
    name: name.trim(),
    host: host.host,
    user: user.trim() || undefined,
    port: portText.trim() ? Number(portText) : undefined,
    identityFile: identityFile?.trim() || undefined,
  };
}

function defaultName(kind: EditableKind, taken: ReadonlySet<string>): string {
  const base = kind === 'generic-linux' ? 'board' : kind === 'adb' ? 'phone' : kind.replace(/^jetson-/, '');
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  return name;
}

/** Quick pick of the targets (boards, then adb phones), with "Add a Board…" at the end. */
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
  items.push({ label: '$(add) Add a Board…', description: 'host name or ~/.ssh/config alias' });
  const picked = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: targets.length ? 'Board to profile on' : 'No boards yet: add one',
  });
  if (!picked) return undefined;
  return picked.target ?? addBoard();
}

/**
 * Several SSH boards at once (a multi-select, the default board, first in the list, pre-picked); with
 * none configured, "Add a Board…". adb phones are not offered: they profile one network at a time.
 */
export async function pickTargets(title: string): Promise<TargetConfig[] | undefined> {
  const targets = readTargets();
  const phones = parseAdbTargets(vscode.workspace.getConfiguration(TARGETS_SECTION).get<unknown>(TARGETS_KEY)).targets;
  if (targets.length === 0) {
    const added = await addBoard();
    return added ? [added] : undefined;
  }
  const picked = await vscode.window.showQuickPick(
    targets.map((t, i) => ({ label: t.name, description: describeTarget(t), picked: i === 0, target: t })),
    {
      title,
      canPickMany: true,
      placeHolder: `Boards to profile on (one queue per board, in parallel)${phones.length ? '; adb phones: use "Profile on Target..." per network' : ''}`,
    },
  );
  if (!picked || picked.length === 0) return undefined;
  return picked.map((p) => p.target);
}

/** "Add a Board…": which kind, then the questions; writes the entry and returns the board. */
export async function addBoard(kind?: TargetKind): Promise<TargetConfig | undefined> {
  const chosen =
    kind ??
    (
      await vscode.window.showQuickPick(
        (Object.keys(TARGET_KIND_LABELS) as TargetKind[]).map((k) => ({ label: TARGET_KIND_LABELS[k], targetKind: k })),
        { title: 'Add a Board: which kind?' },
      )
    )?.targetKind;
  if (!chosen) return undefined;
  const { scope, list } = effectiveList();
  const taken = new Set(targetNames(list));
  const initial: TargetAnswers = {
    name: defaultName(chosen, taken),
    kind: chosen,
    host: '',
    user: chosen.startsWith('jetson-') ? 'ubuntu' : undefined,
  };
  const answers = await askBoard(initial, taken, `Add a ${TARGET_KIND_LABELS[chosen]}`);
  if (!answers) return undefined;
  const entry = targetEntry(answers);
  if (typeof entry === 'string') {
    void vscode.window.showErrorMessage(`Energy Lens: the board was not added: ${entry}`);
    return undefined;
  }
  await writeList(scope, [...list, entry]);
  const parsed = parseTarget(entry);
  if (typeof parsed === 'string') return undefined;
  void vscode.window.showInformationMessage(
    `Energy Lens: added board "${parsed.name}" (${describeTarget(parsed)}) to energyLens.targets. Test Connection in the Campaigns view checks it.`,
  );
  return parsed;
}

/** "Edit Board…": the same questions, starting from the entry; fields the flow does not ask about are kept. */
export async function editBoard(arg?: unknown): Promise<boolean> {
  const board = await boardEntry(arg, 'Edit Board');
  if (!board) return false;
  const { name, scope, list } = board;
  const previous = list[board.index] as Record<string, unknown>;
  const taken = new Set(targetNames(list).filter((n) => n !== name));
  const answers = await askBoard(answersOf(previous), taken, `Edit Board "${name}"`);
  if (!answers) return false;
  const entry = targetEntry(answers, previous);
  if (typeof entry === 'string') {
    void vscode.window.showErrorMessage(`Energy Lens: board "${name}" was not changed: ${entry}`);
    return false;
  }
  await writeList(scope, withTargetReplaced(list, name, entry));
  return true;
}

/** "Remove Board": asks first; the board's campaign records stay where they are. */
export async function removeBoard(arg?: unknown): Promise<boolean> {
  const board = await boardEntry(arg, 'Remove Board');
  if (!board) return false;
  const { name, scope, list } = board;
  const remove = 'Remove';
  const answer = await vscode.window.showWarningMessage(
    `Remove board "${name}" from energyLens.targets?`,
    { modal: true, detail: 'Its campaign records are kept; add a board of the same name to resume them.' },
    remove,
  );
  if (answer !== remove) return false;
  await writeList(scope, withTargetRemoved(list, name));
  return true;
}

/** "Set as Default": moves the board first in the list, so it is the first of its kind and of the pickers. */
export async function setDefaultBoard(arg?: unknown): Promise<boolean> {
  const board = await boardEntry(arg, 'Set as Default Board');
  if (!board) return false;
  const { scope, list, index: i } = board;
  if (i > 0) await writeList(scope, [list[i], ...list.slice(0, i), ...list.slice(i + 1)]);
  return true;
}

export interface TestConnectionServices {
  connect: Connect;
  agentPath: string;
  log(line: string): void;
}

/** "Test Connection": connects (host key checked), installs the agent and probes; says what it found. */
export async function testBoardConnection(s: TestConnectionServices, arg?: unknown): Promise<string | undefined> {
  if (!requireTrust()) return undefined;
  const name = await boardName(arg, 'Test Connection');
  if (!name) return undefined;
  const target = targetNamed(name);
  if (!target) {
    void vscode.window.showErrorMessage(
      `Energy Lens: board "${name}" cannot be used as it is in energyLens.targets (see the warning about ignored boards).`,
    );
    return undefined;
  }
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Energy Lens: testing the connection to ${name}`, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      try {
        const session = await BoardSession.open({
          target,
          connect: s.connect,
          agentLocalPath: s.agentPath,
          log: s.log,
          signal: controller.signal,
          onPhase: (phase) => progress.report({ message: phase }),
        });
        await session.close().catch(() => undefined);
        const found = `board "${name}" is ready: ${describeProbe(session.probe)}`;
        void vscode.window.showInformationMessage(`Energy Lens: ${found}`);
        return found;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const edit = 'Edit Board…';
        void vscode.window.showErrorMessage(`Energy Lens: ${message}`, edit).then((a) => {
          if (a === edit) void editBoard(name);
        });
        return undefined;
      }
    },
  );
}
