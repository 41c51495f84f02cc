// The pure side of "Add a Board…" / Edit / Remove: answer checks, entries that keep unasked fields,
// and list edits by name.
import { strict as assert } from 'assert';
import {
  answersOf,
  checkHost,
  checkKeyFile,
  checkPort,
  checkTargetName,
  checkUser,
  targetEntry,
  withTargetRemoved,
  withTargetReplaced,
} from '../../../client/src/board/target-edit';

describe('board: target edit', () => {
  it('checks names, hosts, users, ports and key files with a message a person can act on', () => {
    assert.equal(checkTargetName('tx1', new Set()), undefined);
    assert.match(checkTargetName('tx1', new Set(['tx1']))!, /already exists/);
    assert.match(checkTargetName('', new Set())!, /Type a name/);
    assert.match(checkTargetName('my board', new Set())!, /Letters, digits/);
    assert.equal(checkHost('ubuntu@tx1.local:2222', 'jetson-tx1'), undefined);
    assert.match(checkHost('a b', 'jetson-tx1')!, /No spaces/);
    assert.match(checkHost('tx1:99999', 'jetson-tx1')!, /port/);
    assert.equal(checkHost('192.168.1.5:5555', 'adb'), undefined);
    assert.match(checkUser('a@b')!, /user name/);
    assert.equal(checkUser(''), undefined);
    assert.match(checkPort('0')!, /1 to 65535/);
    assert.match(checkPort('22x')!, /number/);
    assert.equal(checkPort('2222'), undefined);
    assert.match(
      checkKeyFile('/nope', () => false)!,
      /No such file: \/nope/,
    );
    assert.equal(
      checkKeyFile('/key', (p) => p === '/key'),
      undefined,
    );
  });

  it('a new entry is one the campaigns can parse; an edit keeps the fields the flow does not ask about', () => {
    const fresh = targetEntry({ name: 'tx1', kind: 'jetson-tx1', host: 'tx1.local', user: 'ubuntu', port: 2222, identityFile: '/k' });
    assert.deepEqual(fresh, {
      name: 'tx1',
      host: 'tx1.local',
      kind: 'jetson-tx1',
      user: 'ubuntu',
      port: 2222,
      identityFile: '/k',
      device: 'cpu',
      threads: 1,
    });
    const previous = { name: 'tx1', host: 'old', kind: 'jetson-tx1', identityFile: '/k', env: { PYTHONPATH: '/c' }, repetitions: 5 };
    const edited = targetEntry({ ...answersOf(previous), host: 'new', identityFile: undefined }, previous);
    assert.deepEqual(edited, { name: 'tx1', host: 'new', kind: 'jetson-tx1', env: { PYTHONPATH: '/c' }, repetitions: 5 });
    // A bad field kept from before is reported, not written.
    assert.match(targetEntry({ name: 'x', kind: 'jetson-tx1', host: 'h' }, { repetitions: 0 }) as string, /repetitions/);
    const phone = targetEntry({ name: 'p', kind: 'adb', host: 'ABC123', powerSource: 'external-probe', probeCommand: '' });
    assert.match(phone as string, /probeCommand/);
    assert.deepEqual(targetEntry({ name: 'p', kind: 'adb', host: 'ABC123' }), {
      name: 'p',
      host: 'ABC123',
      kind: 'adb',
      powerSource: 'fuel-gauge',
    });
  });

  it('replaces and removes entries by name, leaving the others as they are', () => {
    const list = [{ name: 'a', host: 'x' }, { name: 'b', host: 'y' }, 'junk'];
    assert.deepEqual(withTargetReplaced(list, 'b', { name: 'b', host: 'z' }), [{ name: 'a', host: 'x' }, { name: 'b', host: 'z' }, 'junk']);
    assert.deepEqual(withTargetReplaced(undefined, 'c', { name: 'c', host: 'w' }), [{ name: 'c', host: 'w' }]);
    assert.deepEqual(withTargetRemoved(list, 'a'), [{ name: 'b', host: 'y' }, 'junk']);
  });
});
