// OpenSSH known_hosts files: parsing, host matching (plain, [host]:port, hashed, patterns) and the
// verdict for an offered host key. ssh2 has no known_hosts support of its own.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export type KnownHostMarker = 'revoked' | 'cert-authority';

export interface KnownHostEntry {
  file: string;
  /** 1-based line number in `file`. */
  line: number;
  marker?: KnownHostMarker;
  /** Comma-separated host patterns as written, or a `|1|salt|hash` hashed name. */
  hosts: string;
  keyType: string;
  /** The key blob, base64 as in the file. */
  keyBase64: string;
}

export type HostKeyVerdict =
  | { status: 'known'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry }
  /** Same key type known for this host with a different key. */
  | { status: 'changed'; entries: KnownHostEntry[] }
  /** No key of the offered type is known; `otherTypes` lists entries for other key types. */
  | { status: 'unknown'; otherTypes: KnownHostEntry[] };

/** Parses known_hosts text; malformed lines are skipped (as OpenSSH does). */
export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = trimmed.split(/\s+/);
    let marker: KnownHostMarker | undefined;
    if (fields[0].startsWith('@')) {
      const m = fields.shift()!;
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    if (fields.length < 3) return;
    const [hosts, keyType, keyBase64] = fields;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyBase64)) return;
    entries.push({ file, line: i + 1, marker, hosts, keyType, keyBase64 });
  });
  return entries;
}

/** Reads and parses a known_hosts file; a missing file is an empty list. */
export function readKnownHostsFile(file: string): KnownHostEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`Cannot read known hosts file ${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseKnownHosts(text, file);
}

/** The name known_hosts uses for a host: bare on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

/** OpenSSH's SHA256 fingerprint: `SHA256:` + unpadded base64 of the blob's digest. */
export function fingerprintSha256(keyBlob: Buffer): string {
  return 'SHA256:' + crypto.createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** The key type named inside an SSH public key blob (its first length-prefixed string). */
export function keyTypeOfBlob(keyBlob: Buffer): string {
  if (keyBlob.length < 4) throw new Error('Host key blob is too short');
  const len = keyBlob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > keyBlob.length) throw new Error('Host key blob has no valid key type');
  return keyBlob.subarray(4, 4 + len).toString('ascii');
}

function wildcardToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

function hashedNameMatches(hashed: string, name: string): boolean {
  const parts = hashed.split('|'); // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2], 'base64');
  const expected = Buffer.from(parts[3], 'base64');
  const actual = crypto.createHmac('sha1', salt).update(name).digest();
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
}

/** Does the entry's host field name `name` (already in known_hosts form)? */
export function hostFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|')) return hashedNameMatches(hosts, name);
  let matched = false;
  for (const raw of hosts.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (pattern === '') continue;
    if (wildcardToRegExp(pattern).test(name)) {
      // A matching negation excludes the line whatever else matches.
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** Hashes a host name the way `ssh-keygen -H` does (used by tests and by `formatKnownHostsLine`). */
export function hashHostName(name: string, salt: Buffer = crypto.randomBytes(20)): string {
  const hash = crypto.createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
}

/**
 * The verdict for `keyBlob` offered by `host:port`, from entries of any number of files.
 * Precedence follows OpenSSH: a revoked key is refused; any exact match is accepted; a different
 * key of the same type is a change; otherwise the host is unknown for that key type.
 */
export function checkHostKey(entries: readonly KnownHostEntry[], host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
  const name = knownHostsName(host, port);
  const keyBase64 = keyBlob.toString('base64');
  const keyType = keyTypeOfBlob(keyBlob);
  let known: KnownHostEntry | undefined;
  const sameTypeOther: KnownHostEntry[] = [];
  const otherTypes: KnownHostEntry[] = [];
  for (const entry of entries) {
    if (entry.marker === 'cert-authority') continue; // host certificates are not supported
    if (!hostFieldMatches(entry.hosts, name)) continue;
    if (entry.marker === 'revoked') {
      if (entry.keyBase64 === keyBase64) return { status: 'revoked', entry };
      continue;
    }
    if (entry.keyBase64 === keyBase64) known ??= entry;
    else if (entry.keyType === keyType) sameTypeOther.push(entry);
    else otherTypes.push(entry);
  }
  if (known) return { status: 'known', entry: known };
  if (sameTypeOther.length > 0) return { status: 'changed', entries: sameTypeOther };
  return { status: 'unknown', otherTypes };
}

/** ssh2's default host key algorithms, strongest first: the list OpenSSH's ordering starts from. */
export const DEFAULT_HOST_KEY_ALGORITHMS: readonly string[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** The key type known_hosts stores for a host key algorithm (RSA signatures all use `ssh-rsa` keys). */
function keyTypeOfAlgorithm(algorithm: string): string {
  return algorithm.startsWith('rsa-sha2-') ? 'ssh-rsa' : algorithm;
}

/** Key types known for `host:port` (revoked keys and CA lines left out), in file order, once each. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const name = knownHostsName(host, port);
  const types = new Set<string>();
  for (const entry of entries) {
    if (entry.marker === undefined && hostFieldMatches(entry.hosts, name)) types.add(entry.keyType);
  }
  return [...types];
}

/**
 * The host key algorithms to offer, as OpenSSH orders them (order_hostkeyalgs in sshconnect2.c):
 * those whose key type is already known for the host first, then the rest, each part in the
 * default order. So a board known by its ECDSA key is asked for that key, not for an ed25519 key
 * it also has, which would be "unknown" and prompt again.
 */
export function orderHostKeyAlgorithms(
  knownTypes: readonly string[],
  algorithms: readonly string[] = DEFAULT_HOST_KEY_ALGORITHMS,
): string[] {
  const known = new Set(knownTypes);
  const first = algorithms.filter((a) => known.has(keyTypeOfAlgorithm(a)));
  return [...first, ...algorithms.filter((a) => !first.includes(a))];
}

/** A known_hosts line for `host:port` and the key blob (plain host name, as `ssh` writes by default). */
export function formatKnownHostsLine(host: string, port: number, keyBlob: Buffer): string {
  return `${knownHostsName(host, port)} ${keyTypeOfBlob(keyBlob)} ${keyBlob.toString('base64')}`;
}

/**
 * Appends one line to a known_hosts file atomically: the new content is written to a temporary
 * file beside it and renamed over, so a crash never leaves a half-written file.
 */
export function appendKnownHostAtomically(file: string, line: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  let existing = '';
  try {
    existing = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const sep = existing === '' || existing.endsWith('\n') ? '' : '\n';
  const tmp = `${file}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  try {
    fs.writeFileSync(tmp, existing + sep + line + '\n', { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`Cannot write known hosts file ${file}: ${(err as Error).message}`, { cause: err });
  }
}
