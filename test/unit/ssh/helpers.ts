// Test doubles for the UI callbacks and the secret store: real implementations of the
// interfaces that record what they were asked, so tests can assert on the prompts.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type {
  PassphraseRequest,
  PasswordRequest,
  SecretAnswer,
  SecretStore,
  SshEnvironment,
  UnknownHostDecision,
  UnknownHostInfo,
} from '../../../client/src/board/ssh';

export class MemorySecretStore implements SecretStore {
  readonly values = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
}

export interface RecordingUi {
  hostPrompts: UnknownHostInfo[];
  passphrasePrompts: PassphraseRequest[];
  passwordPrompts: PasswordRequest[];
}

export interface TestEnvOptions {
  hostDecision?: UnknownHostDecision;
  passphrases?: (SecretAnswer | undefined)[];
  passwords?: (SecretAnswer | undefined)[];
  knownHosts?: string;
  sshConfig?: string;
  secretStore?: SecretStore;
  agentSocket?: string | null;
}

/** A private home folder and an SshEnvironment that never reads the real ~/.ssh. */
export function makeTestEnv(o: TestEnvOptions = {}): {
  env: SshEnvironment;
  ui: RecordingUi;
  home: string;
  cleanup(): void;
  logs: string[];
} {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'energy-lens-home-'));
  fs.mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
  if (o.knownHosts !== undefined) fs.writeFileSync(path.join(home, '.ssh', 'known_hosts'), o.knownHosts);
  if (o.sshConfig !== undefined) fs.writeFileSync(path.join(home, '.ssh', 'config'), o.sshConfig);
  const ui: RecordingUi = { hostPrompts: [], passphrasePrompts: [], passwordPrompts: [] };
  const passphrases = [...(o.passphrases ?? [])];
  const passwords = [...(o.passwords ?? [])];
  const logs: string[] = [];
  const env: SshEnvironment = {
    homeDir: home,
    extensionKnownHostsPath: path.join(home, 'extension-state', 'known_hosts'),
    globalKnownHostsFiles: [],
    agentSocket: o.agentSocket ?? null,
    secretStore: o.secretStore,
    log: (l) => logs.push(l),
    ui: {
      async confirmUnknownHost(info) {
        ui.hostPrompts.push(info);
        return o.hostDecision ?? 'reject';
      },
      async askPassphrase(req) {
        ui.passphrasePrompts.push(req);
        return passphrases.shift();
      },
      async askPassword(req) {
        ui.passwordPrompts.push(req);
        return passwords.shift();
      },
    },
  };
  return { env, ui, home, logs, cleanup: () => fs.rmSync(home, { recursive: true, force: true }) };
}
