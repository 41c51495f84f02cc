// "Energy Lens: Toggle Inlay Hints" cycles off → energy → energy and share (user setting).
import * as vscode from 'vscode';
import { DEFAULT_SETTINGS } from '../../server/src/settings-defaults';

export const TOGGLE_INLAY_HINTS_COMMAND = 'energyLens.toggleInlayHints';
const CYCLE = ['off', 'energy', 'energyAndShare'] as const;

export function registerInlayHintToggle(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(TOGGLE_INLAY_HINTS_COMMAND, async () => {
      const config = vscode.workspace.getConfiguration('energyLens');
      const current = config.get<string>('inlayHints', DEFAULT_SETTINGS.inlayHints);
      const next = CYCLE[(CYCLE.indexOf(current as (typeof CYCLE)[number]) + 1) % CYCLE.length];
      await config.update('inlayHints', next, vscode.ConfigurationTarget.Global);
      void vscode.window.setStatusBarMessage(`Energy Lens inlay hints: ${next}`, 2000);
    }),
  );
}
