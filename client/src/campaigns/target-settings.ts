// `energyLens.targets` in VS Code: read it (problems shown once) and find a target by name. Adding,
// editing and picking boards: target-commands.ts.
import * as vscode from 'vscode';
import { parseTargets, type TargetConfig } from '../board/targets';
import { parseAdbTargets, type AdbTargetConfig } from '../board/adb-targets';

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

/** The target a campaign file was measured on, from the settings (by name). */
export function targetNamed(name: string): TargetConfig | undefined {
  return readTargets().find((t) => t.name === name);
}

/** An adb target by name, from the settings. */
export function adbTargetNamed(name: string): AdbTargetConfig | undefined {
  return parseAdbTargets(vscode.workspace.getConfiguration(TARGETS_SECTION).get<unknown>(TARGETS_KEY)).targets.find((t) => t.name === name);
}
