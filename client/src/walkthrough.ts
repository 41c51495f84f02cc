// The Getting Started walkthrough (package.json `contributes.walkthroughs`): opened once, the first time
// the extension starts with no editor open (so it never covers the file the user just opened), and
// never in extension tests.
import * as vscode from 'vscode';

export const WALKTHROUGH_ID = 'energyLens.gettingStarted';
const OFFERED_KEY = 'energyLens.walkthroughOffered';

export function offerWalkthroughOnce(context: vscode.ExtensionContext): void {
  if (context.extensionMode === vscode.ExtensionMode.Test) return;
  if (context.globalState.get<boolean>(OFFERED_KEY)) return;
  if (vscode.window.activeTextEditor) return;
  void context.globalState.update(OFFERED_KEY, true);
  void vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#${WALKTHROUGH_ID}`, false);
}
