// One error type for everything that can go wrong on the board link, with a stable `code` the
// extension can branch on and a message that can be shown to the user as is.
export type BoardErrorCode =
  | 'config'
  | 'refused'
  | 'timeout'
  | 'host-not-found'
  | 'unreachable'
  | 'reset'
  | 'auth-failed'
  | 'host-key-unknown'
  | 'host-key-rejected'
  | 'host-key-changed'
  | 'host-key-revoked'
  | 'tunnel-failed'
  | 'cancelled'
  | 'connection-lost'
  | 'remote-failed'
  | 'other';

// The campaign code and the SSH link are separate bundles, each with its own copy of this class
// (client/src/lazy-bundles.ts): instanceof checks a brand, so either copy recognises the other's errors.
const BRAND = Symbol.for('energyLens.BoardConnectionError');

export class BoardConnectionError extends Error {
  static override [Symbol.hasInstance](x: unknown): boolean {
    return typeof x === 'object' && x !== null && (x as { [BRAND]?: unknown })[BRAND] === true;
  }
  readonly [BRAND] = true;
  override name = 'BoardConnectionError';
  constructor(
    message: string,
    readonly code: BoardErrorCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A failure of one step, before the board name and address are put in front of it. */
export class HopFailure extends Error {
  constructor(
    readonly reason: string,
    readonly code: BoardErrorCode,
  ) {
    super(reason);
  }
}

/** A short human reason and a code for a socket / ssh2 error. */
export function describeSocketError(err: unknown): HopFailure {
  if (err instanceof HopFailure) return err;
  const e = err as NodeJS.ErrnoException & { level?: string; hostname?: string };
  switch (e?.code) {
    case 'ECONNREFUSED':
      return new HopFailure('connection refused', 'refused');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new HopFailure(`host name ${e.hostname ? `"${e.hostname}" ` : ''}not found`, 'host-not-found');
    case 'ETIMEDOUT':
      return new HopFailure('timed out', 'timeout');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new HopFailure('host unreachable', 'unreachable');
    case 'ECONNRESET':
    case 'EPIPE':
      return new HopFailure('connection reset by the server', 'reset');
  }
  const message = e instanceof Error ? e.message : String(err);
  if (e?.level === 'client-timeout') {
    if (/keepalive/i.test(message))
      return new HopFailure('the board stopped answering keepalives (network down or board hung?)', 'timeout');
    return new HopFailure('timed out during the SSH handshake', 'timeout');
  }
  return new HopFailure(message, 'other');
}

/** `host:port`, bracketing IPv6 literals. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
