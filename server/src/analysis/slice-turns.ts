// When the stepped analysis of a large file takes its next slice: only after the messages read meanwhile
// are handled and their answers written. vscode-jsonrpc handles a message read from the client in a turn
// of its own (setImmediate) and writes the answer in a later one, each queued behind the slice that was
// already waiting, so a hover that arrived during a slice would otherwise wait for two slices more.

/** Messages the server has handled so far (the connection's message strategy counts them). */
let handled = 0;

/** Called by the server after it handled each message from the client. */
export function messageHandled(): void {
  handled++;
}

/** Turns a slice waits at most for messages, so a stream of requests cannot stall the analysis. */
export const MAX_HELD_TURNS = 8;

/**
 * Runs `slice` a few turns of the event loop from now: one turn always (a message read meanwhile is
 * handled first), and one more after each turn in which a message was handled (its answer is written
 * first), at most MAX_HELD_TURNS in all.
 */
export function afterPendingMessages(slice: () => void): void {
  let seen = handled;
  let turns = 1;
  const turn = (): void => {
    if (handled !== seen && turns < MAX_HELD_TURNS) {
      seen = handled;
      turns++;
      setImmediate(turn);
      return;
    }
    slice();
  };
  setImmediate(() => {
    // The messages read before this turn are handled in it, after this callback: look again next turn.
    seen = handled;
    setImmediate(turn);
  });
}
