// Opens the SSH connection to a board, hop by hop through its ProxyJump chain. Each hop is its
// own ssh2 Client whose socket is a `forwardOut` channel of the previous one, so host keys and
// authentication are checked at every hop.
import { Client, type ServerHostKeyAlgorithm } from 'ssh2';
import type { Duplex } from 'stream';
import { createAuthFlow } from './auth-handler';
import { BoardConnectionError, describeSocketError, HopFailure, hostPort } from './errors';
import { createHostKeyCheck } from './host-key-verifier';
import { PausableTimer } from './pausable-timer';
import type { ResolvedHop, ResolvedTarget, SshEnvironment } from './types';

export const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;
/** Keepalives are on by default so a board that vanished is noticed (OpenSSH's default is off). */
export const DEFAULT_KEEPALIVE_INTERVAL_MS = 15_000;
export const DEFAULT_KEEPALIVE_COUNT_MAX = 3;

export interface ConnectedChain {
  /** Jump clients first, the board's client last. */
  clients: Client[];
  board: Client;
  /** SHA256 fingerprint of the board's host key. */
  hostKeyFingerprint: string;
}

function connectHop(
  hop: ResolvedHop,
  env: SshEnvironment,
  sock: Duplex | undefined,
  signal: AbortSignal | undefined,
): Promise<{ client: Client; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let settled = false;
    const timeoutMs = hop.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const fail = (failure: HopFailure): void => {
      if (settled) return;
      settled = true;
      timer.clear();
      signal?.removeEventListener('abort', onAbort);
      client.destroy();
      reject(failure);
    };
    const timer = new PausableTimer(timeoutMs, () => fail(new HopFailure(`timed out after ${timeoutMs / 1000} s`, 'timeout')));
    const whilePaused = <T>(work: () => Promise<T>): Promise<T> => timer.whilePaused(work);
    const hostKey = createHostKeyCheck(hop, env, whilePaused);
    const auth = createAuthFlow(hop, env, whilePaused);
    const onAbort = (): void => fail(new HopFailure('cancelled', 'cancelled'));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });

    client.on('ready', () => {
      if (settled) return;
      settled = true;
      timer.clear();
      signal?.removeEventListener('abort', onAbort);
      void auth.onAuthenticated().finally(() => resolve({ client, fingerprint: hostKey.acceptedFingerprint ?? '' }));
    });
    client.on('error', (err: Error & { level?: string }) => {
      if (err.level === 'agent') {
        env.log?.(`[${hop.alias}] ssh-agent failed: ${err.message}; trying other methods`);
        return;
      }
      if (hostKey.failure) return fail(hostKey.failure);
      if (err.level === 'client-authentication') return fail(new HopFailure(auth.summary(), 'auth-failed'));
      fail(describeSocketError(err));
    });
    client.on('close', () => fail(hostKey.failure ?? new HopFailure('the server closed the connection during the handshake', 'reset')));

    client.connect({
      host: hop.hostName,
      port: hop.port,
      sock,
      username: hop.user,
      hostVerifier: hostKey.verify,
      algorithms: { serverHostKey: hostKey.preferredAlgorithms() as ServerHostKeyAlgorithm[] },
      authHandler: auth.handler,
      readyTimeout: 0, // replaced by the pausable timer above
      keepaliveInterval: hop.serverAliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS,
      keepaliveCountMax: hop.serverAliveCountMax ?? DEFAULT_KEEPALIVE_COUNT_MAX,
    });
  });
}

/** RFC 4254 channel open failure reasons, as hints for the user. */
const TUNNEL_FAILURE_HINTS: Record<number, string> = {
  1: 'administratively prohibited (is AllowTcpForwarding off on the jump host?)',
  2: 'the jump host could not connect to it',
};

function openTunnel(via: Client, viaHop: ResolvedHop, to: ResolvedHop): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, to.hostName, to.port, (err, stream) => {
      if (err) {
        const hint = TUNNEL_FAILURE_HINTS[(err as Error & { reason?: number }).reason ?? -1];
        reject(
          new HopFailure(
            `jump host "${viaHop.alias}" (${hostPort(viaHop.hostName, viaHop.port)}) could not open a tunnel to ${hostPort(to.hostName, to.port)}: ` +
              (hint ?? err.message.replace(/^\(SSH\) /, '')),
            'tunnel-failed',
          ),
        );
      } else resolve(stream);
    });
  });
}

/** How the board is reached, for messages: `127.0.0.1:2222 via 127.0.0.1:2221`. */
export function describeRoute(target: ResolvedTarget): string {
  const via = target.jumps.map((j) => hostPort(j.hostName, j.port));
  return hostPort(target.hostName, target.port) + (via.length > 0 ? ` via ${via.join(', ')}` : '');
}

/** Connects through every hop; on failure closes what was opened and throws BoardConnectionError. */
export async function connectChain(target: ResolvedTarget, env: SshEnvironment, signal?: AbortSignal): Promise<ConnectedChain> {
  const hops = [...target.jumps, target];
  const clients: Client[] = [];
  let fingerprint = '';
  try {
    for (let i = 0; i < hops.length; i++) {
      const hop = hops[i];
      let sock: Duplex | undefined;
      if (i > 0) sock = await openTunnel(clients[i - 1], hops[i - 1], hop);
      try {
        const { client, fingerprint: fp } = await connectHop(hop, env, sock, signal);
        clients.push(client);
        fingerprint = fp;
      } catch (err) {
        if (err instanceof HopFailure && i < hops.length - 1) {
          throw new HopFailure(`jump host "${hop.alias}" (${hostPort(hop.hostName, hop.port)}): ${err.reason}`, err.code);
        }
        throw err;
      }
    }
  } catch (err) {
    for (const c of clients.reverse()) c.end();
    const failure = describeSocketError(err);
    throw new BoardConnectionError(
      `Could not connect to board "${target.name}" (${describeRoute(target)}): ${failure.reason}`,
      failure.code,
      { cause: err },
    );
  }
  return { clients, board: clients[clients.length - 1], hostKeyFingerprint: fingerprint };
}
