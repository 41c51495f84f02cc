// Host key algorithms ordered by known_hosts, as OpenSSH does: a board known by one key type is asked
// for that key even when it offers a stronger one. Against a real sshd offering ed25519 and ECDSA keys.
import * as assert from 'assert';
import { BoardConnection, fingerprintSha256, type BoardTarget } from '../../../client/src/board/ssh';
import {
  DEFAULT_HOST_KEY_ALGORITHMS,
  knownKeyTypes,
  orderHostKeyAlgorithms,
  parseKnownHosts,
} from '../../../client/src/board/ssh/known-hosts';
import { startSshd, type SshdFixture } from '../../harness/sshd-fixture';
import { makeTestEnv } from './helpers';

describe('ssh: host key algorithm order follows known_hosts', function () {
  this.timeout(30000);

  it('puts the known key types first, keeping the default order within each part', () => {
    assert.deepStrictEqual(orderHostKeyAlgorithms([]), [...DEFAULT_HOST_KEY_ALGORITHMS]);
    assert.deepStrictEqual(orderHostKeyAlgorithms(['ecdsa-sha2-nistp256']).slice(0, 2), ['ecdsa-sha2-nistp256', 'ssh-ed25519']);
    // An RSA key in known_hosts is `ssh-rsa`; it verifies all three RSA signature algorithms.
    assert.deepStrictEqual(orderHostKeyAlgorithms(['ssh-rsa']).slice(0, 4), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
    assert.strictEqual(orderHostKeyAlgorithms(['ssh-rsa', 'ecdsa-sha2-nistp384']).length, DEFAULT_HOST_KEY_ALGORITHMS.length);
  });

  it('counts only entries for this host and port, leaving out revoked keys and CA lines', () => {
    const entries = parseKnownHosts(
      [
        '[127.0.0.1]:2222 ecdsa-sha2-nistp256 AAAA',
        '@revoked [127.0.0.1]:2222 ssh-rsa AAAB',
        '@cert-authority [127.0.0.1]:2222 ssh-ed25519 AAAC',
        '127.0.0.1 ssh-ed25519 AAAD',
        '[127.0.0.1]:2222,other ecdsa-sha2-nistp256 AAAE',
      ].join('\n'),
      'kh',
    );
    assert.deepStrictEqual(knownKeyTypes(entries, '127.0.0.1', 2222), ['ecdsa-sha2-nistp256']);
    assert.deepStrictEqual(knownKeyTypes(entries, '127.0.0.1', 22), ['ssh-ed25519']);
  });

  describe('against a real sshd with an ed25519 and an ECDSA host key', () => {
    let board: SshdFixture;
    const cleanups: (() => void)[] = [];
    const open: BoardConnection[] = [];
    const target = (): BoardTarget => ({
      name: 'tx1',
      host: board.host,
      port: board.port,
      user: board.user,
      identityFile: board.userKeyPath,
    });
    const connect = async (knownHosts?: string, hostDecision: 'reject' | 'accept-once' = 'reject') => {
      const t = makeTestEnv({ knownHosts, hostDecision });
      cleanups.push(t.cleanup);
      const c = await BoardConnection.connect(target(), t.env);
      open.push(c);
      return { c, ui: t.ui };
    };

    before(async () => {
      board = await startSshd({ extraHostKeyTypes: ['ecdsa'] });
      assert.strictEqual(board.extraHostKeys[0].keyType, 'ecdsa-sha2-nistp256');
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((c) => c.close()));
    });
    after(async () => {
      await board?.stop();
      cleanups.forEach((c) => c());
    });

    it('a board known by its ECDSA key connects without a prompt, verified by that key', async () => {
      const ecdsa = board.extraHostKeys[0];
      const { c, ui } = await connect(ecdsa.knownHostsLine + '\n');
      assert.deepStrictEqual(ui.hostPrompts, []);
      assert.strictEqual(c.hostKeyFingerprint, fingerprintSha256(Buffer.from(ecdsa.knownHostsLine.split(' ')[2], 'base64')));
      assert.strictEqual((await c.exec('true')).code, 0);
    });

    it('an unknown board is asked about its ed25519 key (the default order)', async () => {
      const { ui } = await connect(undefined, 'accept-once');
      assert.deepStrictEqual(
        ui.hostPrompts.map((p) => [p.keyType, p.knownKeyTypes]),
        [['ssh-ed25519', []]],
      );
    });

    it('a board known by its ed25519 key is verified by that key', async () => {
      const { c, ui } = await connect(board.knownHostsLine + '\n');
      assert.deepStrictEqual(ui.hostPrompts, []);
      assert.strictEqual(c.hostKeyFingerprint, fingerprintSha256(board.hostKeyBlob));
    });
  });
});
