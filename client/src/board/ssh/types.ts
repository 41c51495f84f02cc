// Shared shapes of the SSH board link. No `vscode` import: the UI is reached through callbacks.

/** A board as the user configured it. Fields set here win over ~/.ssh/config. */
export interface BoardTarget {
  /** Display name used in messages, e.g. "tx1". */
  name: string;
  /** Host name, address or ~/.ssh/config alias. */
  host: string;
  port?: number;
  user?: string;
  identityFile?: string | string[];
  /** OpenSSH ProxyJump syntax: `[user@]host[:port]`, comma-separated chain, or `none`. */
  proxyJump?: string;
  connectTimeoutSec?: number;
  serverAliveIntervalSec?: number;
}

export type StrictHostKeyChecking = 'yes' | 'no' | 'ask' | 'accept-new';

/** One SSH hop fully resolved (the board itself or a jump host). */
export interface ResolvedHop {
  /** What was asked for: the alias or the host as written. */
  alias: string;
  hostName: string;
  port: number;
  user: string;
  /** Absolute paths, `~` and `%` tokens expanded; defaults when the config names none. */
  identityFiles: string[];
  /** True when identity files came from the target or config (not the default list). */
  identityFilesExplicit: boolean;
  identitiesOnly: boolean;
  /** Agent socket path, or null for none (IdentityAgent none). Undefined: use SSH_AUTH_SOCK. */
  identityAgent?: string | null;
  connectTimeoutMs?: number;
  serverAliveIntervalMs?: number;
  serverAliveCountMax?: number;
  /** Absolute paths; empty when `UserKnownHostsFile none`. */
  userKnownHostsFiles: string[];
  strictHostKeyChecking: StrictHostKeyChecking;
  /** Name to look up in known_hosts instead of the host name (HostKeyAlias). */
  hostKeyAlias?: string;
}

export interface ResolvedTarget extends ResolvedHop {
  name: string;
  /** Jump hosts in connection order (first is contacted directly). */
  jumps: ResolvedHop[];
  /** Things that were ignored or approximated while reading the config. */
  warnings: string[];
}

/** Where secrets live (VS Code SecretStorage in the extension). Same method names as that API. */
export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  store(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface UnknownHostInfo {
  host: string;
  port: number;
  keyType: string;
  /** `SHA256:...` as OpenSSH prints it. */
  fingerprint: string;
  /** Key types already known for this host (the offered type is not among them). */
  knownKeyTypes: string[];
}

export type UnknownHostDecision = 'accept-once' | 'accept-and-remember' | 'reject';

/** A secret typed by the user; `remember` is their consent to keep it in the SecretStore. */
export interface SecretAnswer {
  value: string;
  remember: boolean;
}

export interface PassphraseRequest {
  keyPath: string;
  /** 1 for the first ask, 2 after a wrong passphrase. */
  attempt: number;
  previousWasWrong: boolean;
}

export interface PasswordRequest {
  user: string;
  host: string;
  port: number;
  attempt: number;
  previousWasWrong: boolean;
}

/** UI hooks; the extension wires them to VS Code prompts. Undefined answers mean "cancelled". */
export interface SshUi {
  confirmUnknownHost(info: UnknownHostInfo): Promise<UnknownHostDecision>;
  askPassphrase?(request: PassphraseRequest): Promise<SecretAnswer | undefined>;
  askPassword?(request: PasswordRequest): Promise<SecretAnswer | undefined>;
}

/** Everything a connection needs from its surroundings; all paths injectable for tests. */
export interface SshEnvironment {
  ui: SshUi;
  /** The extension's own known_hosts file (read, and written on accept-and-remember). */
  extensionKnownHostsPath: string;
  secretStore?: SecretStore;
  /** Default os.homedir(). Used for `~` and the default file locations. */
  homeDir?: string;
  /** Default `<home>/.ssh/config`; null to read no config. */
  sshConfigPath?: string | null;
  /** Default /etc/ssh/ssh_known_hosts{,2}; read-only. */
  globalKnownHostsFiles?: string[];
  /** Default process.env.SSH_AUTH_SOCK; null disables the agent. */
  agentSocket?: string | null;
  /** Default os.userInfo().username. */
  localUser?: string;
  /** Diagnostic lines (no secrets are ever passed here). */
  log?: (line: string) => void;
}
