// The order of user authentication for one hop, as an ssh2 `authHandler`:
// none (to learn the server's methods) → ssh-agent → identity files → password.
// Passphrases and passwords come from the SecretStore or the user; they are stored only when the
// user agreed and only after they proved right.
import * as fs from 'fs';
import { utils, type AnyAuthMethod, type AuthenticationType, type AuthHandlerMiddleware, type ParsedKey } from 'ssh2';
import type { ResolvedHop, SecretStore, SshEnvironment } from './types';

export function passphraseSecretKey(keyPath: string): string {
  return `energyLens.ssh.passphrase:${keyPath}`;
}

export function passwordSecretKey(user: string, host: string, port: number): string {
  return `energyLens.ssh.password:${user}@${host}:${port}`;
}

/** Passphrase asks per key: the first one plus one retry after a wrong answer. */
const PASSPHRASE_ASKS = 2;
/** Password asks per connection: the first one plus one retry. */
const PASSWORD_ASKS = 2;

export interface AuthFlow {
  handler: AuthHandlerMiddleware;
  /** Call once the server accepted us: stores the secrets the user asked to remember. */
  onAuthenticated(): Promise<void>;
  /** What was tried, for the "authentication failed" message. */
  summary(): string;
}

type Step = () => Promise<AnyAuthMethod | undefined>;

function agentSocketFor(hop: ResolvedHop, env: SshEnvironment): string | undefined {
  if (hop.identitiesOnly || hop.identityAgent === null || env.agentSocket === null) return undefined;
  const sock = hop.identityAgent ?? env.agentSocket ?? process.env.SSH_AUTH_SOCK;
  if (!sock || (process.platform !== 'win32' && !fs.existsSync(sock))) return undefined;
  return sock;
}

export function createAuthFlow(hop: ResolvedHop, env: SshEnvironment, whilePaused: <T>(work: () => Promise<T>) => Promise<T>): AuthFlow {
  const store: SecretStore | undefined = env.secretStore;
  const log = (line: string): void => env.log?.(`[${hop.alias}] ${line}`);
  const tried: string[] = [];
  const toRemember = new Map<string, string>();
  let serverMethods: AuthenticationType[] | undefined;
  let lastStep: { kind: 'password'; answer: { value: string; remember: boolean; fromStore: boolean } } | { kind: 'other' } = {
    kind: 'other',
  };
  const pwKey = passwordSecretKey(hop.user, hop.hostName, hop.port);
  const username = hop.user;

  const readPrivateKey = async (keyPath: string): Promise<ParsedKey | undefined> => {
    let data: Buffer;
    try {
      data = fs.readFileSync(keyPath);
    } catch (err) {
      if (hop.identityFilesExplicit) log(`identity file ${keyPath} cannot be read: ${(err as Error).message}`);
      return undefined;
    }
    const plain = utils.parseKey(data);
    if (!(plain instanceof Error)) return plain.isPrivateKey() ? plain : undefined;
    if (!/encrypted/i.test(plain.message)) {
      log(`identity file ${keyPath} is not a usable private key: ${plain.message}`);
      return undefined;
    }
    const secretKey = passphraseSecretKey(keyPath);
    const stored = store ? await store.get(secretKey) : undefined;
    if (stored !== undefined) {
      const k = utils.parseKey(data, stored);
      if (!(k instanceof Error)) return k;
      log(`stored passphrase for ${keyPath} no longer works; forgetting it`);
      await store?.delete(secretKey);
    }
    if (!env.ui.askPassphrase) return undefined;
    for (let attempt = 1; attempt <= PASSPHRASE_ASKS; attempt++) {
      const answer = await whilePaused(() => env.ui.askPassphrase!({ keyPath, attempt, previousWasWrong: attempt > 1 }));
      if (!answer) return undefined; // the user cancelled: try the next method
      const k = utils.parseKey(data, answer.value);
      if (!(k instanceof Error)) {
        if (answer.remember) toRemember.set(secretKey, answer.value);
        return k;
      }
      log(`wrong passphrase for ${keyPath} (attempt ${attempt})`);
    }
    return undefined;
  };

  const steps: Step[] = [];
  const offered = (m: AuthenticationType): boolean => serverMethods === undefined || serverMethods.includes(m);

  const agent = agentSocketFor(hop, env);
  if (agent) {
    steps.push(async () => {
      if (!offered('publickey')) return undefined;
      tried.push('ssh-agent');
      return { type: 'agent', username, agent };
    });
  }
  for (const keyPath of hop.identityFiles) {
    steps.push(async () => {
      if (!offered('publickey')) return undefined;
      const key = await readPrivateKey(keyPath);
      if (!key) return undefined;
      tried.push(`key ${keyPath}`);
      return { type: 'publickey', username, key };
    });
  }
  let storedPasswordTried = false;
  let passwordAsks = 0;
  const passwordStep: Step = async () => {
    if (!offered('password')) return undefined;
    let answer: { value: string; remember: boolean; fromStore: boolean } | undefined;
    if (!storedPasswordTried && store) {
      storedPasswordTried = true;
      const stored = await store.get(pwKey);
      if (stored !== undefined) answer = { value: stored, remember: false, fromStore: true };
    }
    if (!answer && env.ui.askPassword && passwordAsks < PASSWORD_ASKS) {
      passwordAsks++;
      const a = await whilePaused(() =>
        env.ui.askPassword!({
          user: hop.user,
          host: hop.hostName,
          port: hop.port,
          attempt: passwordAsks,
          previousWasWrong: passwordAsks > 1,
        }),
      );
      if (a) answer = { ...a, fromStore: false };
    }
    if (!answer) return undefined;
    steps.unshift(passwordStep); // a rejected password may be asked again (bounded above)
    if (!tried.includes('password')) tried.push('password');
    lastStep = { kind: 'password', answer };
    return { type: 'password', username, password: answer.value };
  };
  steps.push(passwordStep);

  const handler: AuthHandlerMiddleware = (methodsLeft, _partial, next) => {
    const finish = next as (m: AnyAuthMethod | false) => void;
    if (methodsLeft === null) {
      finish({ type: 'none', username }); // learn which methods the server offers
      return;
    }
    serverMethods = methodsLeft;
    void (async () => {
      // The previous attempt, if it was a password, just failed.
      if (lastStep.kind === 'password' && lastStep.answer.fromStore && store) {
        log('stored password was rejected; forgetting it');
        await store.delete(pwKey);
      }
      lastStep = { kind: 'other' };
      while (steps.length > 0) {
        const step = steps.shift()!;
        const method = await step();
        if (method) {
          finish(method);
          return;
        }
      }
      finish(false);
    })().catch((err: unknown) => {
      log(`authentication step failed: ${(err as Error).message}`);
      finish(false);
    });
  };

  return {
    handler,
    async onAuthenticated() {
      if (!store) return;
      if (lastStep.kind === 'password' && lastStep.answer.remember) toRemember.set(pwKey, lastStep.answer.value);
      for (const [key, value] of toRemember) {
        try {
          await store.store(key, value);
        } catch (err) {
          log(`could not store a secret: ${(err as Error).message}`);
        }
      }
    },
    summary() {
      const t = tried.length > 0 ? tried.join(', ') : 'nothing usable (no agent, no readable key, no password)';
      const s = serverMethods ? `; the server accepts: ${serverMethods.join(', ')}` : '';
      return `authentication failed for user "${hop.user}" (tried: ${t}${s})`;
    },
  };
}
