// A channel's exit status, captured the moment ssh2 opens the channel. ssh2 emits 'exit' as a plain
// event, not buffered like the output streams: when a short command's whole reply (data, exit-status,
// close) arrives in one read, which a ProxyJump tunnel makes the rule, 'exit' fires while the exec
// callback is still running, before a caller awaiting the channel has attached listeners, and the
// command looked like a lost connection. So the opener records it synchronously and callers read it back.
import type { ClientChannel } from 'ssh2';

export interface ExitStatus {
  code: number | null;
  /** The signal that ended the session as ssh2 names it ("SIGTERM"), or null. */
  signal: string | null;
}

const exits = new WeakMap<ClientChannel, ExitStatus>();

/** Call inside ssh2's exec callback, before anything is awaited. */
export function watchExit(channel: ClientChannel): ClientChannel {
  channel.once('exit', (code: number | null, signal?: string) => {
    exits.set(channel, { code: typeof code === 'number' ? code : null, signal: signal ?? null });
  });
  return channel;
}

/** The status the remote end reported, or undefined if it sent none (so far). */
export function exitStatusOf(channel: ClientChannel): ExitStatus | undefined {
  return exits.get(channel);
}
