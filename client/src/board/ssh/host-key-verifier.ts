// Decides whether to trust the host key a server offers, for ssh2's `hostVerifier`.
// Unknown keys go to the user; changed or revoked keys are refused outright (never a prompt).
import * as os from 'os';
import * as path from 'path';
import { HopFailure, hostPort } from './errors';
import {
  appendKnownHostAtomically,
  checkHostKey,
  fingerprintSha256,
  formatKnownHostsLine,
  keyTypeOfBlob,
  knownKeyTypes,
  orderHostKeyAlgorithms,
  readKnownHostsFile,
  type KnownHostEntry,
} from './known-hosts';
import type { ResolvedHop, SshEnvironment } from './types';

export const DEFAULT_GLOBAL_KNOWN_HOSTS = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];

export interface HostKeyCheck {
  /** Host key algorithms for ssh2, the types known_hosts already has for this host first. */
  preferredAlgorithms(): string[];
  /** For ssh2's `hostVerifier` (the two-argument, callback form). */
  verify(key: Buffer, done: (ok: boolean) => void): void;
  /** Why the key was refused, once `verify` said no. */
  readonly failure: HopFailure | undefined;
  /** Fingerprint of the key that was accepted. */
  readonly acceptedFingerprint: string | undefined;
}

function tildePath(file: string, homeDir: string): string {
  return file.startsWith(homeDir + path.sep) ? '~' + file.slice(homeDir.length) : file;
}

function entryFingerprint(entry: KnownHostEntry): string {
  return fingerprintSha256(Buffer.from(entry.keyBase64, 'base64'));
}

/**
 * Builds the verifier for one hop. `whilePaused` stops the connect timeout while the user decides.
 */
export function createHostKeyCheck(
  hop: ResolvedHop,
  env: SshEnvironment,
  whilePaused: <T>(work: () => Promise<T>) => Promise<T>,
): HostKeyCheck {
  const homeDir = env.homeDir ?? os.homedir();
  const lookupHost = hop.hostKeyAlias ?? hop.hostName;
  // HostKeyAlias names the entry exactly; no [host]:port form (as OpenSSH).
  const lookupPort = hop.hostKeyAlias ? 22 : hop.port;
  const where = hostPort(hop.hostName, hop.port);
  const state: { failure?: HopFailure; accepted?: string } = {};

  let acceptedBlob: Buffer | undefined;
  const knownEntries = (): KnownHostEntry[] => {
    const files = [...hop.userKnownHostsFiles, ...(env.globalKnownHostsFiles ?? DEFAULT_GLOBAL_KNOWN_HOSTS), env.extensionKnownHostsPath];
    return files.flatMap((f) => readKnownHostsFile(f));
  };

  const decide = async (key: Buffer): Promise<boolean> => {
    // Re-keying shows the same key again: do not ask twice for a key accepted once.
    if (acceptedBlob?.equals(key)) return true;
    const keyType = keyTypeOfBlob(key);
    const fingerprint = fingerprintSha256(key);
    const entries = knownEntries();
    const verdict = checkHostKey(entries, lookupHost, lookupPort, key);
    switch (verdict.status) {
      case 'known':
        return true;
      case 'revoked':
        throw new HopFailure(
          `the host key ${keyType} ${fingerprint} is marked @revoked in ${tildePath(verdict.entry.file, homeDir)}:${verdict.entry.line}; refusing to connect`,
          'host-key-revoked',
        );
      case 'changed': {
        const known = verdict.entries
          .map((e) => `  known:   ${e.keyType} ${entryFingerprint(e)} (${tildePath(e.file, homeDir)}:${e.line})`)
          .join('\n');
        throw new HopFailure(
          `WARNING: the host key of ${where} has CHANGED. Someone could be intercepting the connection ` +
            `(man-in-the-middle), or the board was reinstalled. Refusing to connect.\n` +
            `  offered: ${keyType} ${fingerprint}\n${known}\n` +
            `If the change is expected, delete the known line(s) above and connect again.`,
          'host-key-changed',
        );
      }
      case 'unknown':
        break;
    }
    const remember = (): void => {
      appendKnownHostAtomically(env.extensionKnownHostsPath, formatKnownHostsLine(lookupHost, lookupPort, key));
      env.log?.(`Added ${keyType} ${fingerprint} for ${where} to ${env.extensionKnownHostsPath}`);
    };
    if (hop.strictHostKeyChecking === 'yes') {
      throw new HopFailure(
        `the host key ${keyType} ${fingerprint} is not in any known hosts file and StrictHostKeyChecking is yes`,
        'host-key-unknown',
      );
    }
    if (hop.strictHostKeyChecking === 'no' || hop.strictHostKeyChecking === 'accept-new') {
      remember();
      return true;
    }
    const decision = await whilePaused(() =>
      env.ui.confirmUnknownHost({
        host: hop.hostName,
        port: hop.port,
        keyType,
        fingerprint,
        knownKeyTypes: [...new Set(verdict.otherTypes.map((e) => e.keyType))],
      }),
    );
    if (decision === 'accept-and-remember') {
      remember();
      return true;
    }
    if (decision === 'accept-once') return true;
    throw new HopFailure(`the host key ${keyType} ${fingerprint} was not accepted`, 'host-key-rejected');
  };

  return {
    preferredAlgorithms() {
      let known: string[] = [];
      try {
        known = knownKeyTypes(knownEntries(), lookupHost, lookupPort);
      } catch {
        // An unreadable file: the default order; verify() reports the file when the key arrives.
      }
      return orderHostKeyAlgorithms(known);
    },
    verify(key, done) {
      decide(key).then(
        (ok) => {
          if (ok) {
            acceptedBlob = Buffer.from(key);
            state.accepted = fingerprintSha256(key);
          }
          done(ok);
        },
        (err: unknown) => {
          state.failure = err instanceof HopFailure ? err : new HopFailure(`host key check failed: ${(err as Error).message}`, 'other');
          done(false);
        },
      );
    },
    get failure() {
      return state.failure;
    },
    get acceptedFingerprint() {
      return state.accepted;
    },
  };
}
