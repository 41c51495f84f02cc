// "Energy Lens: Pair with Weights File…": the prototxt is checked against the chosen .caffemodel
// (same-name files pair by themselves). Pairings are kept per workspace and re-sent to the server
// whenever it (re)starts.
import * as path from 'path';
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { PairWeightsNotification, type PairWeightsParams } from '../../../server/src/protocol';

export const PAIR_WEIGHTS_COMMAND = 'energyLens.pairWeights';
const STATE_KEY = 'energyLens.weightsPairings';

type Pairings = Record<string, string>;

export function registerWeightsPairing(
  context: vscode.ExtensionContext,
  client: Pick<LanguageClient, 'sendNotification' | 'onDidChangeState'>,
): void {
  const stored = (): Pairings => context.workspaceState.get<Pairings>(STATE_KEY, {});
  const send = (params: PairWeightsParams) => client.sendNotification(PairWeightsNotification, params).catch(() => undefined);
  const sendAll = () => Object.entries(stored()).forEach(([prototxtUri, caffemodelPath]) => void send({ prototxtUri, caffemodelPath }));

  const setPairing = async (prototxt: vscode.Uri, weights: string | null): Promise<void> => {
    const next = { ...stored() };
    if (weights) next[prototxt.toString()] = weights;
    else delete next[prototxt.toString()];
    await context.workspaceState.update(STATE_KEY, next);
    await send({ prototxtUri: prototxt.toString(), caffemodelPath: weights });
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(PAIR_WEIGHTS_COMMAND, async (target?: vscode.Uri, weights?: vscode.Uri) => {
      const document = target ? await vscode.workspace.openTextDocument(target) : vscode.window.activeTextEditor?.document;
      if (!document || document.languageId !== 'prototxt' || document.uri.scheme !== 'file') {
        void vscode.window.showInformationMessage('Energy Lens: open a Caffe prototxt file (on disk) to pair it with a weights file.');
        return;
      }
      const name = path.basename(document.uri.fsPath);
      // A second argument pairs without asking (for scripts and tests).
      const chosen = weights ?? (await pickWeights(document.uri, stored()[document.uri.toString()]));
      if (chosen === undefined) return;
      await setPairing(document.uri, chosen === null ? null : chosen.fsPath);
      void vscode.window.showInformationMessage(
        chosen === null
          ? `Energy Lens: ${name} is no longer paired with a weights file.`
          : `Energy Lens: ${name} is now checked against ${path.basename(chosen.fsPath)}.`,
      );
    }),
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) sendAll();
    }),
  );
  sendAll();
}

/** A weights file from an open dialog; null to remove the current pairing; undefined when dismissed. */
async function pickWeights(prototxt: vscode.Uri, current: string | undefined): Promise<vscode.Uri | null | undefined> {
  if (current) {
    const choice = await vscode.window.showQuickPick(
      [
        { label: 'Choose another weights file…', id: 'choose' },
        { label: `Remove the pairing with ${path.basename(current)}`, id: 'remove' },
      ],
      { title: `${path.basename(prototxt.fsPath)} is paired with ${current}` },
    );
    if (!choice) return undefined;
    if (choice.id === 'remove') return null;
  }
  const picked = await vscode.window.showOpenDialog({
    title: `Pair ${path.basename(prototxt.fsPath)} with weights`,
    openLabel: 'Pair',
    canSelectMany: false,
    defaultUri: vscode.Uri.file(path.dirname(prototxt.fsPath)),
    filters: { 'Caffe weights': ['caffemodel'] },
  });
  return picked?.[0];
}
