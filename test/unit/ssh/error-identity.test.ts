// The campaign bundle and the SSH-link bundle each carry a copy of BoardConnectionError
// (client/src/lazy-bundles.ts); an error thrown by one copy must pass the other's instanceof.
import { strict as assert } from 'assert';
import { BoardConnectionError } from '../../../client/src/board/ssh/errors';

describe('ssh: BoardConnectionError across bundles', () => {
  it('recognises an error made by another copy of the class, and nothing else', () => {
    // What a second copy of errors.ts makes: the same global brand, a different class object.
    const brand = Symbol.for('energyLens.BoardConnectionError');
    class OtherCopy extends Error {
      readonly [brand] = true;
      readonly code = 'remote-failed';
    }
    assert.ok(new OtherCopy('missing file') instanceof BoardConnectionError);
    assert.ok(new BoardConnectionError('lost', 'connection-lost') instanceof BoardConnectionError);
    assert.ok(new BoardConnectionError('lost', 'connection-lost') instanceof Error);
    assert.ok(!(new Error('plain') instanceof BoardConnectionError));
    assert.ok(!((null as unknown as object) instanceof BoardConnectionError));
  });
});
