// Entry of the SSH link's bundle (out/client/board-link.js), loaded at the first connection to a board:
// ssh2 with the VS Code prompts and SecretStorage around it.
import type * as vscode from 'vscode';
import { BoardConnection } from './ssh';
import { toBoardTarget, type TargetConfig } from './targets';
import { sshEnvironmentFor } from './vscode-ssh-ui';

export function connectToTarget(
  context: vscode.ExtensionContext,
  target: TargetConfig,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<BoardConnection> {
  return BoardConnection.connect(toBoardTarget(target), sshEnvironmentFor(context, target, log), { signal });
}
