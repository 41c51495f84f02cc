import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  appendKnownHostAtomically,
  checkHostKey,
  fingerprintSha256,
  formatKnownHostsLine,
  hostFieldMatches,
  keyTypeOfBlob,
  parseKnownHosts,
  readKnownHostsFile,
} from '../../../client/src/board/ssh/known-hosts';
import { generateKey } from '../../harness/sshd-fixture';

describe('known_hosts', function () {
  this.timeout(20000);
  let dir: string;
  let keyA: { line: string; blob: Buffer; path: string };
  let keyB: { line: string; blob: Buffer; path: string };

  const makeKey = (name: string) => {
    const p = path.join(dir, name);
    const line = generateKey(p).split(' ').slice(0, 2).join(' ');
    return { line, blob: Buffer.from(line.split(' ')[1], 'base64'), path: p };
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'energy-lens-kh-'));
    keyA = makeKey('a');
    keyB = makeKey('b');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('computes the same SHA256 fingerprint as ssh-keygen -l', () => {
    const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${keyA.path}.pub`], { encoding: 'utf8' });
    assert.strictEqual(fingerprintSha256(keyA.blob), out.split(' ')[1]);
    assert.strictEqual(keyTypeOfBlob(keyA.blob), 'ssh-ed25519');
  });

  it('matches host patterns exactly as ssh-keygen -F does', () => {
    const lines = [
      `plain.example ${keyA.line}`,
      `[10.0.0.5]:2222 ${keyA.line}`,
      `alias1,192.168.1.7 ${keyA.line}`,
      `*.lab.example,!secret.lab.example ${keyA.line}`,
      `board?? ${keyA.line}`,
      `[10.0.0.*]:2200 ${keyA.line}`,
    ];
    const file = path.join(dir, 'patterns');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const names = [
      'plain.example',
      'PLAIN.example',
      '[10.0.0.5]:2222',
      '10.0.0.5',
      '[10.0.0.5]:2223',
      'alias1',
      '192.168.1.7',
      'x.lab.example',
      'secret.lab.example',
      'board12',
      'board1',
      'board123',
      '[10.0.0.9]:2200',
      'other',
    ];
    for (const name of names) {
      const r = spawnSync('ssh-keygen', ['-F', name, '-f', file], { encoding: 'utf8' });
      const expected = [...r.stdout.matchAll(/found: line (\d+)/g)].map((m) => Number(m[1]));
      const ours = lines.map((l, i) => (hostFieldMatches(l.split(' ')[0], name.toLowerCase()) ? i + 1 : 0)).filter((n) => n > 0);
      assert.deepStrictEqual(ours, expected, `name ${name}`);
    }
  });

  it('matches hashed entries written by ssh-keygen -H, and only for the right port', () => {
    const file = path.join(dir, 'hashed');
    fs.writeFileSync(file, `[127.0.0.1]:2222 ${keyA.line}\nboard.example ${keyB.line}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
    const entries = readKnownHostsFile(file);
    assert.strictEqual(entries.length, 2);
    assert.ok(
      entries.every((e) => e.hosts.startsWith('|1|')),
      'ssh-keygen hashed both names',
    );
    assert.strictEqual(checkHostKey(entries, '127.0.0.1', 2222, keyA.blob).status, 'known');
    assert.strictEqual(checkHostKey(entries, '127.0.0.1', 2223, keyA.blob).status, 'unknown');
    assert.strictEqual(checkHostKey(entries, 'board.example', 22, keyB.blob).status, 'known');
    const changed = checkHostKey(entries, 'board.example', 22, keyA.blob);
    assert.strictEqual(changed.status, 'changed');
  });

  it('gives known / changed / unknown / revoked verdicts, ignoring @cert-authority', () => {
    const text = [
      '# comment',
      `@cert-authority * ${keyB.line}`,
      `[h]:2222 ${keyA.line}`,
      'garbage line',
      `@revoked [r]:2222 ${keyB.line}`,
      `[r]:2222 ${keyB.line}`,
      `[other-type]:2222 ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ==`,
    ].join('\n');
    const entries = parseKnownHosts(text, '/kh');
    assert.strictEqual(entries.length, 5, 'comment and garbage skipped');
    assert.deepStrictEqual(checkHostKey(entries, 'h', 2222, keyA.blob), { status: 'known', entry: entries[1] });
    const changed = checkHostKey(entries, 'h', 2222, keyB.blob);
    assert.strictEqual(changed.status, 'changed');
    assert.strictEqual(changed.status === 'changed' && changed.entries[0].line, 3);
    // Only the @cert-authority line names the key for an arbitrary host: it must not count.
    assert.strictEqual(checkHostKey(entries, 'new-host', 22, keyB.blob).status, 'unknown');
    const revoked = checkHostKey(entries, 'r', 2222, keyB.blob);
    assert.strictEqual(revoked.status, 'revoked', 'revoked wins over a plain entry for the same key');
    const otherType = checkHostKey(entries, 'other-type', 2222, keyA.blob);
    assert.strictEqual(otherType.status, 'unknown');
    assert.deepStrictEqual(otherType.status === 'unknown' && otherType.otherTypes.map((e) => e.keyType), ['ssh-rsa']);
  });

  it('appends atomically, creating the folder and keeping existing lines', () => {
    const file = path.join(dir, 'new', 'sub', 'known_hosts');
    appendKnownHostAtomically(file, formatKnownHostsLine('127.0.0.1', 2222, keyA.blob));
    fs.appendFileSync(file, `no-newline ${keyB.line}`); // a file that does not end with a newline
    appendKnownHostAtomically(file, formatKnownHostsLine('Board.Example', 22, keyB.blob));
    const text = fs.readFileSync(file, 'utf8');
    assert.strictEqual(text, `[127.0.0.1]:2222 ${keyA.line}\nno-newline ${keyB.line}\nboard.example ${keyB.line}\n`);
    assert.deepStrictEqual(fs.readdirSync(path.dirname(file)), ['known_hosts'], 'no temporary file left behind');
    // ssh-keygen agrees the written line is valid and findable.
    const r = spawnSync('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', file], { encoding: 'utf8' });
    assert.match(r.stdout, /found: line 1/);
  });
});
