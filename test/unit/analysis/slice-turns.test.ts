// The stepped analysis takes its next slice only after the messages read meanwhile are handled and
// their answers written (vscode-jsonrpc does each in a turn of its own, queued behind the slice).
import { strict as assert } from 'assert';
import { afterPendingMessages, MAX_HELD_TURNS, messageHandled } from '../../../server/src/analysis/slice-turns';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('afterPendingMessages', () => {
  it('lets a message read meanwhile be handled and its answer written before the slice', async () => {
    const order: string[] = [];
    const sliced = new Promise<void>((resolve) =>
      afterPendingMessages(() => {
        order.push('slice');
        resolve();
      }),
    );
    // As vscode-jsonrpc: the message handled in a turn queued after the slice's, the answer written in the next.
    setImmediate(() => {
      order.push('message');
      messageHandled();
      setImmediate(() => order.push('answer'));
    });
    await sliced;
    assert.deepEqual(order, ['message', 'answer', 'slice']);
  });

  it('runs the slice two turns on when no message comes', async () => {
    let ran = false;
    afterPendingMessages(() => (ran = true));
    await turn();
    assert.equal(ran, false);
    await turn();
    await turn();
    assert.equal(ran, true);
  });

  it('is not held for ever by a message in every turn', async () => {
    let ran = false;
    afterPendingMessages(() => (ran = true));
    let turns = 0;
    while (!ran && turns < 100) {
      messageHandled();
      await turn();
      turns++;
    }
    assert.equal(ran, true);
    assert.ok(turns <= MAX_HELD_TURNS + 1, `${turns} turns`);
  });
});
