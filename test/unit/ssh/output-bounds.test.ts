// Output a broken or hostile board can send, against a real sshd on 127.0.0.1: a huge line is
// dropped and named while the lines around it arrive, and a flood into runCollect stops at its bound.
import * as assert from 'assert';
import { BoardConnection, BoardConnectionError, type BoardTarget } from '../../../client/src/board/ssh';
import * as fs from 'fs';
import * as path from 'path';
import { runCollect } from '../../../client/src/board/ssh/remote-exec';
import { readBoardFile, type FileHost } from '../../../client/src/board/ssh/remote-files';
import { startSshd, type SshdFixture } from '../../harness/sshd-fixture';
import { makeTestEnv } from './helpers';

/** The connection as a FileHost whose parts can be replaced (e.g. no SFTP, to take the cat path). */
function connectionHost(c: BoardConnection): FileHost {
  return { openExec: (cmd) => c.openExec(cmd), lostError: (cmd) => c.lostError(cmd), label: c.label, sftp: () => c.sftp() };
}

describe('ssh: bounded output from a real sshd', function () {
  this.timeout(60000);
  let board: SshdFixture;
  let connection: BoardConnection;
  let logs: string[];
  const cleanups: (() => void)[] = [];

  before(async () => {
    board = await startSshd();
    const t = makeTestEnv({ knownHosts: board.knownHostsLine + '\n' });
    cleanups.push(t.cleanup);
    logs = t.logs;
    const target: BoardTarget = { name: 'tx1', host: board.host, port: board.port, user: board.user, identityFile: board.userKeyPath };
    connection = await BoardConnection.connect(target, t.env);
  });
  after(async () => {
    await connection?.close();
    await board?.stop();
    cleanups.forEach((c) => c());
  });

  it('drops a 24 MB line (logged, naming stream, command and board) and keeps the lines around it', async () => {
    const out: string[] = [];
    const warnings: string[] = [];
    // 24 MiB of "a" without a newline between two ordinary lines; `head -c` ends the stream.
    const command = 'echo before; head -c 25165824 /dev/zero | tr "\\0" a; echo; echo after';
    const r = await connection.exec(command, { onStdout: (l) => out.push(l), onWarning: (w) => warnings.push(w) });
    assert.strictEqual(r.code, 0);
    assert.deepStrictEqual(out, ['before', 'after']);
    assert.strictEqual(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /^Dropped line 2 of the stdout of "echo before; head -c 25165824/);
    assert.match(warnings[0], /on board "tx1": 25,165,824 characters, over the 1,048,576-character limit \(it began "aaaa/);
  });

  it('sends the dropped-line warning to the environment log when the caller gives no handler', async () => {
    const before = logs.length;
    const err: string[] = [];
    await connection.exec('head -c 2000000 /dev/zero | tr "\\0" b >&2; echo >&2; echo fine >&2', { onStderr: (l) => err.push(l) });
    assert.deepStrictEqual(err, ['fine']);
    const added = logs.slice(before);
    assert.strictEqual(added.length, 1);
    assert.match(added[0], /Dropped line 1 of the stderr of .* on board "tx1": 2,000,000 characters/);
  });

  it('stops a command that floods runCollect past its bound, with an error naming it, and stays usable', async () => {
    const start = Date.now();
    await assert.rejects(runCollect(connection, 'yes flood', undefined, { maxStdoutBytes: 4 * 1024 * 1024 }), (err: unknown) => {
      assert.ok(err instanceof BoardConnectionError);
      assert.strictEqual(err.code, 'remote-failed');
      assert.match(err.message, /^"yes flood" on board "tx1" printed more than 4 MiB; stopped it/);
      return true;
    });
    assert.ok(Date.now() - start < 30000);
    // Within the bound, the output is whole.
    const ok = await runCollect(connection, 'head -c 1000000 /dev/zero', undefined, { maxStdoutBytes: 1000000 });
    assert.strictEqual(ok.code, 0);
    assert.strictEqual(ok.stdout.length, 1000000);
  });

  it('refuses to read a remote file over the bound (SFTP and cat), naming its size', async () => {
    const file = path.join(board.home, 'big.bin');
    fs.writeFileSync(file, Buffer.alloc(3 * 1024 * 1024, 7));
    await assert.rejects(
      connection.readFile(file, 1024 * 1024),
      new RegExp(`^BoardConnectionError: ${file} on board "tx1" is 3,145,728 bytes, over the 1,048,576-byte limit`),
    );
    assert.equal((await connection.readFile(file)).length, 3 * 1024 * 1024);
    await assert.rejects(
      readBoardFile({ ...connectionHost(connection), sftp: async () => undefined }, file, 1024 * 1024),
      /printed more than 1 MiB; stopped it/,
    );
  });

  it('keeps only the first bytes of a flood on stderr, and the command finishes', async () => {
    const r = await runCollect(connection, 'head -c 3000000 /dev/zero | tr "\\0" e >&2; echo done', undefined, { maxStderrBytes: 1000 });
    assert.strictEqual(r.code, 0);
    assert.strictEqual(r.stdout.toString(), 'done\n');
    assert.strictEqual(r.stderr, 'e'.repeat(1000));
  });
});
