// Turns a BoardTarget into fully resolved hops (jump hosts + the board) using ~/.ssh/config.
// Explicit target fields win over the config, as command-line options win for `ssh`.
import * as os from 'os';
import * as path from 'path';
import type SSHConfig from 'ssh-config';
import { expandTilde, loadSshConfig } from './ssh-config-include';
import type { BoardTarget, ResolvedHop, ResolvedTarget, StrictHostKeyChecking } from './types';

export interface ResolveOptions {
  homeDir?: string;
  /** Default `<home>/.ssh/config`; null for no config. */
  sshConfigPath?: string | null;
  localUser?: string;
}

/** Longest ProxyJump chain followed (guards against loops between jump hosts' own configs). */
const MAX_JUMPS = 8;

const DEFAULT_IDENTITY_NAMES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export class SshConfigError extends Error {
  override name = 'SshConfigError';
}

type Computed = Record<string, string | string[]>;

function first(v: string | string[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v[0] : v;
}

/** Values of a multi-value directive (the parser already split arrays, honouring quotes). */
function all(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : v.split(/\s+/)).filter((s) => s !== '');
}

function parsePort(value: string | number | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new SshConfigError(`Invalid port ${JSON.stringify(String(value))} for ${what}`);
  return n;
}

function parseSeconds(value: string | number | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n < 0) throw new SshConfigError(`Invalid ${what} ${JSON.stringify(String(value))} (seconds expected)`);
  return n;
}

function parseStrict(value: string | undefined): StrictHostKeyChecking {
  switch ((value ?? 'ask').toLowerCase()) {
    case 'yes':
    case 'true':
      return 'yes';
    case 'no':
    case 'off':
    case 'false':
      return 'no';
    case 'accept-new':
      return 'accept-new';
    default:
      return 'ask';
  }
}

interface TokenContext {
  home: string;
  localUser: string;
  alias: string;
  hostName: string;
  user: string;
  port: number;
}

/** The `%` tokens OpenSSH allows in IdentityFile / UserKnownHostsFile, then `~`. */
function expandPathTokens(p: string, ctx: TokenContext): string {
  const replaced = p.replace(/%([%dhnpru])/g, (_m, t: string) => {
    switch (t) {
      case '%':
        return '%';
      case 'd':
        return ctx.home;
      case 'h':
        return ctx.hostName;
      case 'n':
        return ctx.alias;
      case 'p':
        return String(ctx.port);
      case 'r':
        return ctx.user;
      default:
        return ctx.localUser; // 'u'
    }
  });
  const expanded = expandTilde(replaced, ctx.home);
  return path.isAbsolute(expanded) ? expanded : path.join(ctx.home, expanded);
}

interface HopOverrides {
  user?: string;
  port?: number;
  identityFile?: string | string[];
  connectTimeoutSec?: number;
  serverAliveIntervalSec?: number;
}

interface Ctx {
  config: SSHConfig | undefined;
  home: string;
  localUser: string;
  warnings: string[];
}

function compute(ctx: Ctx, alias: string): Computed {
  // matchExec off: the config path may come from workspace settings, so never run its commands.
  return ctx.config ? ctx.config.compute(alias, { ignoreCase: true, matchExec: false }) : {};
}

function resolveHop(ctx: Ctx, alias: string, o: HopOverrides): ResolvedHop {
  const c = compute(ctx, alias);
  const hostName = (first(c.hostname) ?? alias).replace(/%%|%h/g, (m) => (m === '%%' ? '%' : alias));
  const port = o.port ?? parsePort(first(c.port), `host "${alias}"`) ?? 22;
  const user = o.user ?? first(c.user) ?? ctx.localUser;
  const tokens: TokenContext = { home: ctx.home, localUser: ctx.localUser, alias, hostName, user, port };

  // IdentityFile values are whole paths (they may contain spaces), one per directive.
  const explicit = ([] as string[]).concat(o.identityFile ?? c.identityfile ?? []).filter((f) => f !== '');
  const identityFiles =
    explicit.length > 0
      ? explicit.map((f) => expandPathTokens(f, tokens))
      : DEFAULT_IDENTITY_NAMES.map((n) => path.join(ctx.home, '.ssh', n));

  const knownHostsValues = all(c.userknownhostsfile);
  const userKnownHostsFiles =
    knownHostsValues.length === 0
      ? [path.join(ctx.home, '.ssh', 'known_hosts'), path.join(ctx.home, '.ssh', 'known_hosts2')]
      : knownHostsValues.some((v) => v.toLowerCase() === 'none')
        ? []
        : knownHostsValues.map((f) => expandPathTokens(f, tokens));

  const agentValue = first(c.identityagent);
  let identityAgent: string | null | undefined;
  if (agentValue !== undefined) {
    if (agentValue.toLowerCase() === 'none') identityAgent = null;
    else if (agentValue !== 'SSH_AUTH_SOCK') {
      identityAgent = agentValue.startsWith('$') ? (process.env[agentValue.slice(1)] ?? null) : expandPathTokens(agentValue, tokens);
    }
  }

  const connectTimeoutSec = o.connectTimeoutSec ?? parseSeconds(first(c.connecttimeout), 'ConnectTimeout');
  const aliveSec = o.serverAliveIntervalSec ?? parseSeconds(first(c.serveraliveinterval), 'ServerAliveInterval');
  const aliveMax = parseSeconds(first(c.serveralivecountmax), 'ServerAliveCountMax');

  return {
    alias,
    hostName,
    port,
    user,
    identityFiles,
    identityFilesExplicit: explicit.length > 0,
    identitiesOnly: (first(c.identitiesonly) ?? 'no').toLowerCase() === 'yes',
    identityAgent,
    connectTimeoutMs: connectTimeoutSec === undefined || connectTimeoutSec === 0 ? undefined : connectTimeoutSec * 1000,
    serverAliveIntervalMs: aliveSec === undefined ? undefined : aliveSec * 1000,
    serverAliveCountMax: aliveMax,
    userKnownHostsFiles,
    strictHostKeyChecking: parseStrict(first(c.stricthostkeychecking)),
    hostKeyAlias: first(c.hostkeyalias),
  };
}

interface JumpSpec {
  alias: string;
  user?: string;
  port?: number;
}

/** Parses one ProxyJump element: `[ssh://][user@]host[:port]`, host possibly `[v6]`. */
export function parseJumpSpec(spec: string): JumpSpec {
  const s = spec.trim().replace(/^ssh:\/\//, '');
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:@[\]]+)(?::(\d+))?$/.exec(s);
  if (!m) throw new SshConfigError(`Invalid ProxyJump host ${JSON.stringify(spec)} (expected [user@]host[:port])`);
  const host = m[2].startsWith('[') ? m[2].slice(1, -1) : m[2];
  return { alias: host, user: m[1], port: parsePort(m[3], `ProxyJump host "${spec}"`) };
}

function proxyJumpOf(ctx: Ctx, alias: string, explicit: string | undefined): string | undefined {
  const value = explicit ?? first(compute(ctx, alias).proxyjump);
  if (value === undefined || value.trim().toLowerCase() === 'none') return undefined;
  return value;
}

/**
 * Jump hops for a ProxyJump chain. As with `ssh -J a,b`, the first element's own configured
 * ProxyJump (if any) comes before it, recursively; later elements' own settings are ignored.
 */
function resolveChain(ctx: Ctx, chain: string, depth: number): ResolvedHop[] {
  const specs = chain.split(',').map(parseJumpSpec);
  const hops: ResolvedHop[] = [];
  specs.forEach((spec, i) => {
    if (i === 0) {
      const inner = proxyJumpOf(ctx, spec.alias, undefined);
      if (inner !== undefined) {
        if (depth >= MAX_JUMPS) throw new SshConfigError(`ProxyJump chain is longer than ${MAX_JUMPS} hops (a loop between jump hosts?)`);
        hops.push(...resolveChain(ctx, inner, depth + 1));
      }
    }
    hops.push(resolveHop(ctx, spec.alias, { user: spec.user, port: spec.port }));
  });
  if (hops.length > MAX_JUMPS) throw new SshConfigError(`ProxyJump chain is longer than ${MAX_JUMPS} hops`);
  return hops;
}

/** Resolves a board target through the SSH config into the board hop and its jump hosts. */
export function resolveTarget(target: BoardTarget, options: ResolveOptions = {}): ResolvedTarget {
  if (!target || typeof target.host !== 'string' || target.host.trim() === '') {
    throw new SshConfigError(`Board "${target?.name ?? '?'}" has no host`);
  }
  const home = options.homeDir ?? os.homedir();
  const configPath = options.sshConfigPath === undefined ? path.join(home, '.ssh', 'config') : options.sshConfigPath;
  const loaded = configPath === null ? undefined : loadSshConfig(configPath, home);
  const ctx: Ctx = {
    config: loaded?.config,
    home,
    localUser: options.localUser ?? safeLocalUser(),
    warnings: [...(loaded?.warnings ?? [])],
  };
  const alias = target.host.trim();
  const hop = resolveHop(ctx, alias, {
    user: target.user,
    port: parsePort(target.port, `board "${target.name}"`),
    identityFile: target.identityFile,
    connectTimeoutSec: parseSeconds(target.connectTimeoutSec, 'connect timeout'),
    serverAliveIntervalSec: parseSeconds(target.serverAliveIntervalSec, 'keepalive interval'),
  });
  const c = compute(ctx, alias);
  const proxyCommand = first(c.proxycommand);
  const chain = proxyJumpOf(ctx, alias, target.proxyJump);
  if (proxyCommand !== undefined && proxyCommand.toLowerCase() !== 'none' && chain === undefined) {
    throw new SshConfigError(`Host "${alias}" uses ProxyCommand, which is not supported: use ProxyJump instead`);
  }
  const jumps = chain === undefined ? [] : resolveChain(ctx, chain, 1);
  return { ...hop, name: target.name, jumps, warnings: ctx.warnings };
}

function safeLocalUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'root';
  }
}
