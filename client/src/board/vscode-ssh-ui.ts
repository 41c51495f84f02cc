// The SSH link's UI hooks (SshUi) with VS Code: a modal for an unknown host key that shows its
// SHA256 fingerprint, and password/passphrase boxes whose "remember" toggle keeps the secret in
// VS Code's SecretStorage (context.secrets) only when the user asks for it.
import * as path from 'path';
import * as vscode from 'vscode';
import type { PassphraseRequest, PasswordRequest, SecretAnswer, SshEnvironment, SshUi, UnknownHostDecision, UnknownHostInfo } from './ssh';
import { DEFAULT_GLOBAL_KNOWN_HOSTS } from './ssh/host-key-verifier';
import type { TargetConfig } from './targets';

const TRUST_ONCE = 'Trust Once';
const TRUST_REMEMBER = 'Trust and Remember';

function hostLabel(host: string, port: number): string {
  return port === 22 ? host : `${host}:${port}`;
}

export class VsCodeSshUi implements SshUi {
  async confirmUnknownHost(info: UnknownHostInfo): Promise<UnknownHostDecision> {
    const where = hostLabel(info.host, info.port);
    const other =
      info.knownKeyTypes.length > 0
        ? `\n\nThis host is known with other key types (${info.knownKeyTypes.join(', ')}), not ${info.keyType}.`
        : '';
    const answer = await vscode.window.showWarningMessage(
      `Energy Lens: the authenticity of board ${where} can't be established.`,
      {
        modal: true,
        detail:
          `${info.keyType} key fingerprint is\n${info.fingerprint}\n\nCompare it with the board's own, e.g. \`ssh-keygen -lf /etc/ssh/ssh_host_${info.keyType.replace(/^ssh-/, '').replace(/^ecdsa-sha2-nistp\d+$/, 'ecdsa')}_key.pub\` on its console. ` +
          `Trust it only if they match.${other}`,
      },
      TRUST_ONCE,
      TRUST_REMEMBER,
    );
    if (answer === TRUST_REMEMBER) return 'accept-and-remember';
    if (answer === TRUST_ONCE) return 'accept-once';
    return 'reject';
  }

  askPassphrase(request: PassphraseRequest): Promise<SecretAnswer | undefined> {
    return askSecret({
      title: `Passphrase for ${path.basename(request.keyPath)}`,
      prompt: `${request.previousWasWrong ? 'Wrong passphrase, try again. ' : ''}Passphrase of the SSH key ${request.keyPath}`,
    });
  }

  askPassword(request: PasswordRequest): Promise<SecretAnswer | undefined> {
    return askSecret({
      title: `Password for ${request.user}@${hostLabel(request.host, request.port)}`,
      prompt: `${request.previousWasWrong ? 'Wrong password, try again. ' : ''}SSH password of ${request.user} on ${hostLabel(request.host, request.port)}`,
    });
  }
}

/** A password box with a toggle button: remember the secret in VS Code's Secret Storage, or not. */
function askSecret(o: { title: string; prompt: string }): Promise<SecretAnswer | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    let remember = false;
    const toggle = (): vscode.QuickInputButton => ({
      iconPath: new vscode.ThemeIcon(remember ? 'lock' : 'unlock'),
      tooltip: remember
        ? 'Will be remembered in VS Code Secret Storage (click to not remember)'
        : 'Not remembered (click to remember it in VS Code Secret Storage)',
    });
    const refresh = (): void => {
      box.buttons = [toggle()];
      box.prompt = `${o.prompt}. ${remember ? 'It will be remembered in VS Code Secret Storage.' : 'It will not be remembered.'}`;
    };
    box.title = o.title;
    box.password = true;
    box.ignoreFocusOut = true;
    refresh();
    let answered = false;
    box.onDidTriggerButton(() => {
      remember = !remember;
      refresh();
    });
    box.onDidAccept(() => {
      answered = true;
      resolve({ value: box.value, remember });
      box.hide();
    });
    box.onDidHide(() => {
      if (!answered) resolve(undefined);
      box.dispose();
    });
    box.show();
  });
}

/** Where the extension keeps host keys the user chose to remember. */
export function extensionKnownHostsPath(context: vscode.ExtensionContext): string {
  return path.join(context.globalStorageUri.fsPath, 'known_hosts');
}

/** The SSH environment of one target: VS Code prompts, Secret Storage, the target's extra known_hosts. */
export function sshEnvironmentFor(context: vscode.ExtensionContext, target: TargetConfig, log: (line: string) => void): SshEnvironment {
  return {
    ui: new VsCodeSshUi(),
    extensionKnownHostsPath: extensionKnownHostsPath(context),
    secretStore: {
      get: async (key) => context.secrets.get(key),
      store: async (key, value) => context.secrets.store(key, value),
      delete: async (key) => context.secrets.delete(key),
    },
    globalKnownHostsFiles: target.knownHostsFile ? [...DEFAULT_GLOBAL_KNOWN_HOSTS, target.knownHostsFile] : undefined,
    log,
  };
}
