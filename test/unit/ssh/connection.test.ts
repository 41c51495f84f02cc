// BoardConnection against real OpenSSH servers on 127.0.0.1 (see test/harness/sshd-fixture.ts).
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import {
  BoardConnection,
  BoardConnectionError,
  buildCommand,
  passphraseSecretKey,
  passwordSecretKey,
  type BoardTarget,
} from '../../../client/src/board/ssh';
import { freePort, generateKey, startSshAgent, startSshd, type SshdFixture } from '../../harness/sshd-fixture';
import { makeTestEnv, MemorySecretStore } from './helpers';

const PASSPHRASE = 'correct horse battery';

function fingerprintOf(pubLine: string, dir: string): string {
  const f = path.join(dir, `fp-${crypto.randomBytes(4).toString('hex')}.pub`);
  fs.writeFileSync(f, pubLine + '\n');
  const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', f], { encoding: 'utf8' });
  fs.rmSync(f);
  return out.split(' ')[1];
}

async function expectBoardError(p: Promise<unknown>, code: string, message: RegExp): Promise<BoardConnectionError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof BoardConnectionError, `expected BoardConnectionError, got ${String(err)}`);
    assert.strictEqual(err.code, code, err.message);
    assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected a ${code} error`);
}

/**
 * True while a process whose command line starts with `command` exists (the "board" is this
 * machine). Anchored: the cancel wrapper's own command line contains the command text too.
 */
function processRunning(command: string): boolean {
  return spawnSync('pgrep', ['-f', `^${command.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`]).status === 0;
}

async function waitUntil(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return cond();
}

describe('BoardConnection against a real sshd', function () {
  this.timeout(30000);
  let board: SshdFixture;
  let keysDir: string;
  let encryptedKey: string;
  const cleanups: (() => void)[] = [];
  const open: BoardConnection[] = [];

  const target = (extra: Partial<BoardTarget> = {}): BoardTarget => ({
    name: 'tx1',
    host: board.host,
    port: board.port,
    user: board.user,
    identityFile: board.userKeyPath,
    ...extra,
  });
  const testEnv = (o: Parameters<typeof makeTestEnv>[0] = {}) => {
    const t = makeTestEnv(o);
    cleanups.push(t.cleanup);
    return t;
  };
  const connect = async (...args: Parameters<typeof BoardConnection.connect>): Promise<BoardConnection> => {
    const c = await BoardConnection.connect(...args);
    open.push(c);
    return c;
  };

  before(async () => {
    const scratch = testEnv();
    keysDir = scratch.home;
    encryptedKey = path.join(keysDir, 'encrypted_key');
    const encryptedPub = generateKey(encryptedKey, PASSPHRASE, { kdfRounds: 2 }); // few rounds: fast decryption in tests
    board = await startSshd({ env: { ENERGY_LENS_BOARD_ROOT: '/opt/board root' }, password: true, extraAuthorizedKeys: [encryptedPub] });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await board?.stop();
    cleanups.forEach((c) => c());
  });

  describe('exec', () => {
    it('streams stdout and stderr line by line and returns the exit code', async () => {
      const { env } = testEnv({ knownHosts: board.knownHostsLine + '\n' });
      const c = await connect(target(), env);
      const out: string[] = [];
      const err: string[] = [];
      const r = await c.exec('echo "root=$ENERGY_LENS_BOARD_ROOT"; echo warn >&2; printf "é\\r\\nlast"; exit 3', {
        onStdout: (l) => out.push(l),
        onStderr: (l) => err.push(l),
      });
      assert.deepStrictEqual(r, { code: 3, signal: null, cancelled: false });
      assert.deepStrictEqual(out, ['root=/opt/board root', 'é', 'last']);
      assert.deepStrictEqual(err, ['warn']);
    });

    it('reports a command that dies of a signal as 128+n (shell convention)', async () => {
      const { env } = testEnv({ knownHosts: board.knownHostsLine + '\n' });
      const c = await connect(target(), env);
      assert.deepStrictEqual(await c.exec(`sh -c 'kill -ABRT $$'`), { code: 134, signal: null, cancelled: false });
    });

    it('delivers lines as they are printed, not at the end', async () => {
      const { env } = testEnv({ knownHosts: board.knownHostsLine + '\n' });
      const c = await connect(target(), env);
      const seen: { line: string; at: number }[] = [];
      const t0 = Date.now();
      await c.exec('echo first; sleep 0.6; echo second', { onStdout: (line) => seen.push({ line, at: Date.now() - t0 }) });
      const done = Date.now() - t0;
      assert.deepStrictEqual(
        seen.map((s) => s.line),
        ['first', 'second'],
      );
      assert.ok(done - seen[0].at >= 400, `first line came ${done - seen[0].at} ms before the end`);
    });

    it('passes env vars and arguments through quoting unchanged', async () => {
      const { env } = testEnv({ knownHosts: board.knownHostsLine + '\n' });
      const c = await connect(target(), env);
      const out: string[] = [];
      const weird = `it's "$HOME" \`x\` ; rm -rf / *`;
      const r = await c.exec(buildCommand(['printf', '%s|%s\\n', weird, 'b c']), { env: { EL_X: weird }, onStdout: (l) => out.push(l) });
      await c.exec('printf "%s\\n" "$EL_X"', { env: { EL_X: weird }, onStdout: (l) => out.push(l) });
      assert.strictEqual(r.code, 0);
      assert.deepStrictEqual(out, [`${weird}|b c`, weird]);
      await assert.rejects(c.exec('true', { env: { 'BAD-NAME': 'x' } }), /Invalid environment variable name/);
    });

    it('cancel stops a remote sleep 30 within a second', async () => {
      const { env } = testEnv({ knownHosts: board.knownHostsLine + '\n' });
      const c = await connect(target(), env);
      const token = `30.${crypto.randomInt(100000, 999999)}`;
      const ac = new AbortController();
      let abortedAt = 0;
      const result = c.exec(`echo started; sleep ${token}; echo not-reached`, {
        signal: ac.signal,
        onStdout: (line) => {
          if (line === 'started') {
            abortedAt = Date.now();
            ac.abort();
          }
        },
      });
      assert.ok(await waitUntil(() => abortedAt > 0, 5000), 'the command started');
      const r = await result;
      // The result arrives when the session's process group is dead (one kill for the group).
      const elapsed = Date.now() - abortedAt;
      assert.ok(await waitUntil(() => !processRunning(`sleep ${token}`), 300), 'the remote sleep is gone');
      assert.ok(elapsed < 1000, `stopped in ${elapsed} ms`);
      assert.deepStrictEqual(r, { code: null, signal: 'SIGTERM', cancelled: true });
      // The connection is still usable afterwards.
      assert.strictEqual((await c.exec('true')).code, 0);
    });
    it('cancel KILLs a command that ignores TERM, about 2 s later', async () => {
      const { env } = testEnv({ knownHosts: board.knownHostsLine + '\n' });
      const c = await connect(target(), env);
      const token = `30.${crypto.randomInt(100000, 999999)}`;
      const ac = new AbortController();
      let abortedAt = 0;
      const r = await c.exec(`trap "" TERM; echo started; sleep ${token}`, {
        signal: ac.signal,
        onStdout: (line) => {
          if (line === 'started') {
            abortedAt = Date.now();
            ac.abort();
          }
        },
      });
      assert.ok(await waitUntil(() => !processRunning(`sleep ${token}`), 1000), 'the remote sleep is gone');
      const elapsed = Date.now() - abortedAt;
      assert.ok(elapsed >= 1500 && elapsed < 4000, `stopped after ${elapsed} ms`);
      assert.strictEqual(r.cancelled, true);
    });
  });

  describe('host keys', () => {
    it('asks about an unknown host and remembers it on accept-and-remember', async () => {
      const t = testEnv({ hostDecision: 'accept-and-remember' });
      const c = await connect(target(), t.env);
      assert.deepStrictEqual(t.ui.hostPrompts, [
        {
          host: '127.0.0.1',
          port: board.port,
          keyType: 'ssh-ed25519',
          fingerprint: fingerprintOf(board.hostKeyPublic, keysDir),
          knownKeyTypes: [],
        },
      ]);
      assert.strictEqual(c.hostKeyFingerprint, t.ui.hostPrompts[0].fingerprint);
      assert.strictEqual(fs.readFileSync(t.env.extensionKnownHostsPath, 'utf8'), board.knownHostsLine + '\n');
      await c.close();
      // Second time: silent.
      await connect(target(), t.env);
      assert.strictEqual(t.ui.hostPrompts.length, 1);
    });

    it('connects once without writing anything on accept-once', async () => {
      const t = testEnv({ hostDecision: 'accept-once' });
      await connect(target(), t.env);
      assert.strictEqual(t.ui.hostPrompts.length, 1);
      assert.ok(!fs.existsSync(t.env.extensionKnownHostsPath));
    });

    it('fails with a clear error when the user rejects the key', async () => {
      const t = testEnv({ hostDecision: 'reject' });
      const fp = fingerprintOf(board.hostKeyPublic, keysDir);
      await expectBoardError(
        connect(target(), t.env),
        'host-key-rejected',
        new RegExp(
          `^Could not connect to board "tx1" \\(127\\.0\\.0\\.1:${board.port}\\): the host key ssh-ed25519 ${fp.replace(/[+/]/g, '\\$&')} was not accepted$`,
        ),
      );
      assert.ok(!fs.existsSync(t.env.extensionKnownHostsPath));
    });

    it('is silent for a known host (plain and hashed known_hosts entries)', async () => {
      const plain = testEnv({ knownHosts: `# mine\n${board.knownHostsLine}\n` });
      await connect(target(), plain.env);
      assert.strictEqual(plain.ui.hostPrompts.length, 0);

      const hashed = testEnv({ knownHosts: `${board.knownHostsLine}\n` });
      const file = path.join(hashed.home, '.ssh', 'known_hosts');
      execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
      assert.match(fs.readFileSync(file, 'utf8'), /^\|1\|/);
      await connect(target(), hashed.env);
      assert.strictEqual(hashed.ui.hostPrompts.length, 0);
    });

    it('refuses a changed key without asking, naming host, both fingerprints, file and line', async () => {
      const otherPub = generateKey(path.join(keysDir, `other-${crypto.randomBytes(3).toString('hex')}`))
        .split(' ')
        .slice(0, 2)
        .join(' ');
      const t = testEnv({ knownHosts: `# line 1\n[127.0.0.1]:${board.port} ${otherPub}\n`, hostDecision: 'accept-and-remember' });
      const err = await expectBoardError(connect(target(), t.env), 'host-key-changed', /has CHANGED/);
      assert.strictEqual(t.ui.hostPrompts.length, 0, 'never a prompt');
      assert.ok(err.message.includes(`Could not connect to board "tx1" (127.0.0.1:${board.port})`), err.message);
      assert.ok(err.message.includes(`offered: ssh-ed25519 ${fingerprintOf(board.hostKeyPublic, keysDir)}`), err.message);
      assert.ok(err.message.includes(`known:   ssh-ed25519 ${fingerprintOf(otherPub, keysDir)}`), err.message);
      assert.ok(err.message.includes('(~/.ssh/known_hosts:2)'), err.message);
      assert.ok(!fs.existsSync(t.env.extensionKnownHostsPath));
    });

    it('refuses a key marked @revoked, and an unknown key under StrictHostKeyChecking yes', async () => {
      const revoked = testEnv({ knownHosts: `@revoked * ${board.hostKeyPublic}\n${board.knownHostsLine}\n`, hostDecision: 'accept-once' });
      await expectBoardError(connect(target(), revoked.env), 'host-key-revoked', /marked @revoked in .*known_hosts:1/);
      const strict = testEnv({ sshConfig: 'Host *\n  StrictHostKeyChecking yes\n', hostDecision: 'accept-once' });
      await expectBoardError(connect(target(), strict.env), 'host-key-unknown', /StrictHostKeyChecking is yes/);
      assert.strictEqual(revoked.ui.hostPrompts.length + strict.ui.hostPrompts.length, 0);
    });
  });

  describe('prompts and the connect timeout', () => {
    it('does not count the time the user takes to answer against the connect timeout', async () => {
      const t = testEnv();
      t.env.ui.confirmUnknownHost = () => new Promise((r) => setTimeout(() => r('accept-once'), 900));
      const c = await connect(target({ connectTimeoutSec: 0.5 }), t.env);
      assert.strictEqual((await c.exec('true')).code, 0);
    });

    it('can be cancelled while a prompt is open, with a clear error', async () => {
      const t = testEnv();
      const ac = new AbortController();
      t.env.ui.confirmUnknownHost = () => {
        setTimeout(() => ac.abort(), 100);
        return new Promise(() => undefined); // the user never answers
      };
      const t0 = Date.now();
      await expectBoardError(
        connect(target(), t.env, { signal: ac.signal }),
        'cancelled',
        /^Could not connect to board "tx1" \(127\.0\.0\.1:\d+\): cancelled$/,
      );
      assert.ok(Date.now() - t0 < 2000);
    });

    it('reports a bad config as a config error', async () => {
      const t = testEnv({ sshConfig: 'Host tx1\n  Port 0\n' });
      await expectBoardError(
        connect({ name: 'tx1', host: 'tx1' }, t.env),
        'config',
        /^Could not connect to board "tx1": Invalid port "0" for host "tx1"$/,
      );
    });
  });

  describe('authentication', () => {
    it('uses ssh-agent (no identity file configured)', async () => {
      const agent = await startSshAgent([board.userKeyPath]);
      try {
        const t = testEnv({ knownHosts: board.knownHostsLine + '\n', agentSocket: agent.socket });
        const c = await connect(target({ identityFile: undefined }), t.env);
        assert.strictEqual((await c.exec('true')).code, 0);
        assert.strictEqual(t.ui.passwordPrompts.length + t.ui.passphrasePrompts.length, 0);
      } finally {
        await agent.stop();
      }
    });

    it('asks for a passphrase, retries once after a wrong one, and stores it only when asked to', async () => {
      const store = new MemorySecretStore();
      const t = testEnv({
        knownHosts: board.knownHostsLine + '\n',
        secretStore: store,
        passphrases: [
          { value: 'wrong', remember: true },
          { value: PASSPHRASE, remember: true },
        ],
      });
      await connect(target({ identityFile: encryptedKey }), t.env);
      assert.deepStrictEqual(t.ui.passphrasePrompts, [
        { keyPath: encryptedKey, attempt: 1, previousWasWrong: false },
        { keyPath: encryptedKey, attempt: 2, previousWasWrong: true },
      ]);
      assert.deepStrictEqual([...store.values], [[passphraseSecretKey(encryptedKey), PASSPHRASE]]);
      // Next time the stored passphrase is used: no prompt.
      await connect(target({ identityFile: encryptedKey }), t.env);
      assert.strictEqual(t.ui.passphrasePrompts.length, 2);

      const noRemember = testEnv({
        knownHosts: board.knownHostsLine + '\n',
        secretStore: new MemorySecretStore(),
        passphrases: [{ value: PASSPHRASE, remember: false }],
      });
      await connect(target({ identityFile: encryptedKey }), noRemember.env);
      assert.strictEqual((noRemember.env.secretStore as MemorySecretStore).values.size, 0);
    });

    it('fails clearly after two wrong passphrases and a rejected password, storing nothing', async () => {
      const store = new MemorySecretStore();
      const t = testEnv({
        knownHosts: board.knownHostsLine + '\n',
        secretStore: store,
        passphrases: [
          { value: 'no', remember: true },
          { value: 'still no', remember: true },
        ],
        passwords: [
          { value: 'not-the-password', remember: true },
          { value: 'nor-this', remember: true },
        ],
      });
      const err = await expectBoardError(
        connect(target({ identityFile: encryptedKey }), t.env),
        'auth-failed',
        new RegExp(
          `^Could not connect to board "tx1" \\(127\\.0\\.0\\.1:${board.port}\\): authentication failed for user "${board.user}" \\(tried: password; the server accepts: publickey, password\\)$`,
        ),
      );
      assert.ok(err);
      assert.strictEqual(t.ui.passphrasePrompts.length, 2);
      assert.deepStrictEqual(
        t.ui.passwordPrompts.map((p) => [p.attempt, p.previousWasWrong, p.host, p.port]),
        [
          [1, false, '127.0.0.1', board.port],
          [2, true, '127.0.0.1', board.port],
        ],
      );
      assert.strictEqual(store.values.size, 0);
    });

    it('forgets a stored password the server rejects', async () => {
      const store = new MemorySecretStore();
      await store.store(passwordSecretKey(board.user, '127.0.0.1', board.port), 'stale');
      const t = testEnv({ knownHosts: board.knownHostsLine + '\n', secretStore: store });
      await expectBoardError(connect(target({ identityFile: path.join(keysDir, 'missing') }), t.env), 'auth-failed', /tried: password/);
      assert.strictEqual(store.values.size, 0);
      assert.strictEqual(t.ui.passwordPrompts.length, 1, 'then asked the user');
    });
  });

  describe('connection errors', () => {
    it('says "connection refused" with the board name and address', async () => {
      const port = await freePort();
      const { env } = testEnv();
      await expectBoardError(
        connect(target({ port }), env),
        'refused',
        new RegExp(`^Could not connect to board "tx1" \\(127\\.0\\.0\\.1:${port}\\): connection refused$`),
      );
    });

    it('times out on a server that never speaks, within the connect timeout', async () => {
      const silent = net.createServer((s) => s.on('error', () => undefined));
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
      const port = (silent.address() as net.AddressInfo).port;
      try {
        const { env } = testEnv();
        const t0 = Date.now();
        await expectBoardError(connect(target({ port, connectTimeoutSec: 0.5 }), env), 'timeout', /timed out after 0\.5 s$/);
        assert.ok(Date.now() - t0 < 2000);
      } finally {
        silent.close();
      }
    });

    it('reports a server killed mid-exec as a lost connection, without hanging', async () => {
      const doomed = await startSshd();
      try {
        const t = testEnv({ knownHosts: doomed.knownHostsLine + '\n' });
        const c = await connect(target({ port: doomed.port, identityFile: doomed.userKeyPath }), t.env);
        const closed = new Promise<BoardConnectionError | undefined>((r) => c.onClose(r));
        let killedAt = 0;
        const running = c.exec('echo go; sleep 30', {
          onStdout: (l) => {
            if (l === 'go') {
              killedAt = Date.now();
              void doomed.kill();
            }
          },
        });
        await expectBoardError(
          running,
          'connection-lost',
          new RegExp(`^Lost the connection to board "tx1" \\(127\\.0\\.0\\.1:${doomed.port}\\) while running "echo go; sleep 30": `),
        );
        assert.ok(Date.now() - killedAt < 3000, 'noticed promptly');
        const closeError = await closed;
        assert.strictEqual(closeError?.code, 'connection-lost');
        assert.strictEqual(c.isOpen, false);
        await expectBoardError(c.exec('true'), 'connection-lost', /Lost the connection/);
      } finally {
        await doomed.stop();
      }
    });
    it('notices a board that stops answering through keepalives', async () => {
      const frozen = await startSshd();
      try {
        const t = testEnv({ knownHosts: frozen.knownHostsLine + '\n' });
        const c = await connect(target({ port: frozen.port, identityFile: frozen.userKeyPath, serverAliveIntervalSec: 0.2 }), t.env);
        let frozenAt = 0;
        const running = c.exec('echo go; sleep 30', {
          onStdout: (l) => {
            if (l === 'go') {
              frozenAt = Date.now();
              frozen.freeze();
            }
          },
        });
        await expectBoardError(running, 'connection-lost', /: the board stopped answering keepalives/);
        // 3 unanswered keepalives at 0.2 s: well under 2 s.
        assert.ok(Date.now() - frozenAt < 2000, `noticed after ${Date.now() - frozenAt} ms`);
      } finally {
        await frozen.stop();
      }
    });

    it('closes cleanly: listeners told without an error, later calls refused', async () => {
      const { env } = testEnv({ knownHosts: board.knownHostsLine + '\n' });
      const c = await connect(target(), env);
      const closed = new Promise<BoardConnectionError | undefined>((r) => c.onClose(r));
      await c.close();
      assert.strictEqual(await closed, undefined);
      assert.strictEqual(c.isOpen, false);
      await expectBoardError(c.exec('true'), 'connection-lost', /^The connection to board "tx1" is closed$/);
      await c.close(); // idempotent
    });
  });

  describe('files', () => {
    let noSftp: SshdFixture;
    before(async () => {
      noSftp = await startSshd({ sftp: false });
    });
    after(async () => {
      await noSftp?.stop();
    });

    for (const kind of ['sftp', 'cat'] as const) {
      it(`uploads via ${kind}, checks sha256, reads back, creates folders`, async () => {
        const server = kind === 'sftp' ? board : noSftp;
        const t = testEnv({ knownHosts: server.knownHostsLine + '\n' });
        const c = await connect(target({ port: server.port, identityFile: server.userKeyPath }), t.env);
        const folder = path.join(server.home, 'up load', `it's`, 'deep');
        await c.mkdirp(folder);
        assert.ok(fs.statSync(folder).isDirectory());

        const data = crypto.randomBytes(300_000);
        const fromBuffer = await c.upload(data, path.join(folder, 'blob.bin'));
        assert.deepStrictEqual(fromBuffer, { method: kind, bytes: data.length });
        assert.strictEqual(await c.sha256(path.join(folder, 'blob.bin')), crypto.createHash('sha256').update(data).digest('hex'));
        assert.ok((await c.readFile(path.join(folder, 'blob.bin'))).equals(data));

        const local = path.join(t.home, 'agent.py');
        fs.writeFileSync(local, '#!/usr/bin/env python3\nprint("hi")\n');
        const fromFile = await c.upload(local, path.join(folder, 'agent.py'), { mode: 0o755 });
        assert.strictEqual(fromFile.method, kind);
        assert.strictEqual(fs.statSync(path.join(folder, 'agent.py')).mode & 0o777, 0o755);
        assert.strictEqual(
          await c.sha256(path.join(folder, 'agent.py')),
          crypto.createHash('sha256').update(fs.readFileSync(local)).digest('hex'),
        );

        await expectBoardError(
          c.sha256(path.join(folder, 'missing')),
          'remote-failed',
          /^Hashing .*missing failed on board "tx1" \(exit 1\): .*(No such file|nonexistent|can't open)/,
        );
      });
    }

    it('says so when SFTP is required but not offered', async () => {
      const t = testEnv({ knownHosts: noSftp.knownHostsLine + '\n' });
      const c = await connect(target({ port: noSftp.port, identityFile: noSftp.userKeyPath }), t.env);
      await expectBoardError(
        c.upload(Buffer.from('x'), path.join(noSftp.home, 'x'), { method: 'sftp' }),
        'remote-failed',
        /the server offers no SFTP/,
      );
    });
  });

  describe('ssh config with Include and ProxyJump', () => {
    let jump: SshdFixture;
    let closedJump: SshdFixture;
    before(async () => {
      [jump, closedJump] = await Promise.all([startSshd({ allowTcpForwarding: true }), startSshd({ allowTcpForwarding: false })]);
    });
    after(async () => {
      await Promise.all([jump?.stop(), closedJump?.stop()]);
    });

    const configFor = (jumpBox: SshdFixture, home: string): void => {
      fs.mkdirSync(path.join(home, '.ssh', 'config.d'), { recursive: true });
      fs.writeFileSync(path.join(home, '.ssh', 'config'), 'Include config.d/*.conf\n');
      fs.writeFileSync(
        path.join(home, '.ssh', 'config.d', 'boards.conf'),
        [
          'Host jumpbox',
          '  HostName 127.0.0.1',
          `  Port ${jumpBox.port}`,
          `  IdentityFile ${jumpBox.userKeyPath}`,
          'Host tx1-via-jump',
          '  HostName 127.0.0.1',
          `  Port ${board.port}`,
          `  IdentityFile ${board.userKeyPath}`,
          '  ProxyJump jumpbox',
          '',
        ].join('\n'),
      );
    };

    // A short command's whole reply arrives in one read through the tunnel: its exit status must not be lost
    // before the caller listens (exit-status.ts); this failed as "closed unexpectedly" before.
    it('reaches the board through the jump host, verifying host keys at every hop', async () => {
      const t = testEnv({ hostDecision: 'accept-and-remember' });
      configFor(jump, t.home);
      const c = await connect({ name: 'tx1', host: 'tx1-via-jump' }, t.env);
      assert.deepStrictEqual(
        t.ui.hostPrompts.map((p) => [p.port, p.fingerprint]),
        [
          [jump.port, fingerprintOf(jump.hostKeyPublic, keysDir)],
          [board.port, fingerprintOf(board.hostKeyPublic, keysDir)],
        ],
      );
      assert.deepStrictEqual(
        c.target.jumps.map((j) => j.port),
        [jump.port],
      );
      const out: string[] = [];
      await c.exec('echo "$ENERGY_LENS_BOARD_ROOT"', { onStdout: (l) => out.push(l) });
      assert.deepStrictEqual(out, ['/opt/board root'], 'the command ran on the board, not on the jump host');
      assert.strictEqual(fs.readFileSync(t.env.extensionKnownHostsPath, 'utf8'), `${jump.knownHostsLine}\n${board.knownHostsLine}\n`);
    });

    it('names the jump host when it cannot forward', async () => {
      const t = testEnv({ knownHosts: `${closedJump.knownHostsLine}\n${board.knownHostsLine}\n` });
      configFor(closedJump, t.home);
      await expectBoardError(
        connect({ name: 'tx1', host: 'tx1-via-jump' }, t.env),
        'tunnel-failed',
        new RegExp(
          `^Could not connect to board "tx1" \\(127\\.0\\.0\\.1:${board.port} via 127\\.0\\.0\\.1:${closedJump.port}\\): jump host "jumpbox" \\(127\\.0\\.0\\.1:${closedJump.port}\\) could not open a tunnel to 127\\.0\\.0\\.1:${board.port}: administratively prohibited \\(is AllowTcpForwarding off on the jump host\\?\\)$`,
        ),
      );
    });

    it('refuses a changed key on the jump host, naming it', async () => {
      const otherPub = generateKey(path.join(keysDir, `jump-other-${crypto.randomBytes(3).toString('hex')}`))
        .split(' ')
        .slice(0, 2)
        .join(' ');
      const t = testEnv({ knownHosts: `[127.0.0.1]:${jump.port} ${otherPub}\n${board.knownHostsLine}\n` });
      configFor(jump, t.home);
      await expectBoardError(
        connect({ name: 'tx1', host: 'tx1-via-jump' }, t.env),
        'host-key-changed',
        /: jump host "jumpbox" \(127\.0\.0\.1:\d+\): WARNING: the host key of 127\.0\.0\.1:\d+ has CHANGED/,
      );
    });
  });
});
