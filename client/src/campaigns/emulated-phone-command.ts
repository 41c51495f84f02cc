// "Energy Lens: Start Emulated Snapdragon 820": for users without a phone. Starts the emulated
// phone in the extension host (an adbd on 127.0.0.1 without authentication, 10x faster than real
// time), and writes an adb target for it into the workspace's energyLens.targets, so "Profile on
// Target..." can measure on it. It stops with the window.
import * as vscode from 'vscode';
import { shellQuote } from '../board/ssh/shell-quote';
import { EmulatedPhone, startEmulatedPhone } from '../board/emulated-phone';
import { TARGETS_KEY, TARGETS_SECTION } from './target-settings';

export const EMULATED_PHONE_TARGET = 'sd820-emulated';
const TIME_SCALE = 0.1;

let running: EmulatedPhone | undefined;

export async function startEmulatedPhoneCommand(context: vscode.ExtensionContext): Promise<string | undefined> {
  if (!running) {
    running = await startEmulatedPhone({
      timeScale: TIME_SCALE,
      nodeCommand: `env ELECTRON_RUN_AS_NODE=1 ${shellQuote(process.execPath)}`,
    });
    const phone = running;
    context.subscriptions.push({
      dispose: () => {
        void phone.close();
        if (running === phone) running = undefined;
      },
    });
  }
  const entry = {
    name: EMULATED_PHONE_TARGET,
    kind: 'adb',
    host: running.serial,
    powerSource: 'external-probe',
    probeCommand: `exec ${running.probeCommand}`,
    steadySeconds: 1,
  };
  const config = vscode.workspace.getConfiguration(TARGETS_SECTION);
  const current = config.get<unknown[]>(TARGETS_KEY) ?? [];
  const others = (Array.isArray(current) ? current : []).filter((t) => (t as { name?: unknown })?.name !== EMULATED_PHONE_TARGET);
  const where = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update(TARGETS_KEY, [...others, entry], where);
  void vscode.window.showInformationMessage(
    `Energy Lens: emulated Snapdragon 820 running at ${running.serial} (adb without authentication, ${1 / TIME_SCALE}x faster than real time, an emulated Energy Probe); target "${EMULATED_PHONE_TARGET}" is in energyLens.targets. Run "Profile on Target..." to measure on it.`,
  );
  return running.serial;
}
