// The SSH link's surroundings in a terminal: host keys from OpenSSH's own files (an unknown key is
// refused with its fingerprint, or added to ~/.ssh/known_hosts with --accept-new, as OpenSSH's
// StrictHostKeyChecking=accept-new; a changed key is refused by the verifier before any of this),
// and secrets only from the SSH agent, key files, or a prompt on an interactive terminal (never
// from the command line or the environment).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type {
  PassphraseRequest,
  PasswordRequest,
  SecretAnswer,
  SshEnvironment,
  SshUi,
  UnknownHostDecision,
  UnknownHostInfo,
} from '../../../client/src/board/ssh';
import { DEFAULT_GLOBAL_KNOWN_HOSTS } from '../../../client/src/board/ssh/host-key-verifier';
import type { TargetConfig } from '../../../client/src/board/targets';

export interface TerminalSshOptions {
  acceptNew: boolean;
  log: (line: string) => void;
  /** Default os.homedir(). */
  homeDir?: string;
}

/** Reads a line from the controlling terminal without echo; undefined when there is none or on Ctrl-C/Ctrl-D. */
export function promptHidden(question: string): Promise<string | undefined> {
  const stdin = process.stdin;
  if (!stdin.isTTY || !process.stderr.isTTY) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    process.stderr.write(question);
    let answer = '';
    stdin.setRawMode(true);
    stdin.resume();
    const finish = (value: string | undefined): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(answer);
        if (ch === '\u0003' || ch === '\u0004') return finish(undefined);
        if (ch === '\u007f' || ch === '\b') answer = answer.slice(0, -1);
        else if (answer.length < 4096) answer += ch; // bounded: a passphrase, not a file
      }
    };
    stdin.on('data', onData);
  });
}

class TerminalSshUi implements SshUi {
  constructor(
    private readonly acceptNew: boolean,
    private readonly log: (line: string) => void,
  ) {}

  async confirmUnknownHost(info: UnknownHostInfo): Promise<UnknownHostDecision> {
    if (this.acceptNew) return 'accept-and-remember';
    const where = info.port === 22 ? info.host : `[${info.host}]:${info.port}`;
    this.log(
      `The host key of ${where} is not known: ${info.keyType} ${info.fingerprint}. Compare it with the board's own ` +
        '(ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on its console), then run again with --accept-new, or add it to ~/.ssh/known_hosts.',
    );
    return 'reject';
  }

  async askPassphrase(request: PassphraseRequest): Promise<SecretAnswer | undefined> {
    const value = await promptHidden(`${request.previousWasWrong ? 'Wrong passphrase. ' : ''}Passphrase for ${request.keyPath}: `);
    return value === undefined ? undefined : { value, remember: false };
  }

  async askPassword(request: PasswordRequest): Promise<SecretAnswer | undefined> {
    const where = request.port === 22 ? request.host : `${request.host}:${request.port}`;
    const value = await promptHidden(`${request.previousWasWrong ? 'Wrong password. ' : ''}${request.user}@${where}'s password: `);
    return value === undefined ? undefined : { value, remember: false };
  }
}

/** The user's known_hosts that --accept-new appends to (created with the folder if missing, as ssh does). */
export function userKnownHostsPath(homeDir = os.homedir()): string {
  return path.join(homeDir, '.ssh', 'known_hosts');
}

export function terminalSshEnvironment(target: TargetConfig, o: TerminalSshOptions): SshEnvironment {
  const homeDir = o.homeDir ?? os.homedir();
  const knownHosts = userKnownHostsPath(homeDir);
  if (o.acceptNew) fs.mkdirSync(path.dirname(knownHosts), { recursive: true, mode: 0o700 });
  return {
    ui: new TerminalSshUi(o.acceptNew, o.log),
    extensionKnownHostsPath: knownHosts,
    homeDir,
    globalKnownHostsFiles: target.knownHostsFile ? [...DEFAULT_GLOBAL_KNOWN_HOSTS, target.knownHostsFile] : undefined,
    log: o.log,
  };
}
