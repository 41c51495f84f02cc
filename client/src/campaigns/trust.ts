// Nothing remote from an untrusted workspace: its settings (energyLens.targets: host, python, env) could
// make a board run commands the user did not choose.
import * as vscode from 'vscode';

/** Nothing remote runs from an untrusted workspace: its settings pick the host, the Python and the environment. */
export function requireTrust(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage(
      'Energy Lens runs nothing on a board from an untrusted workspace: its settings (energyLens.targets: host, python, env) could make your board run commands you did not choose. Trust this workspace to profile.',
      'Manage Workspace Trust',
    )
    .then((a) => {
      if (a) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}
