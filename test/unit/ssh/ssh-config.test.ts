import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expandFileGlob, loadSshConfig } from '../../../client/src/board/ssh/ssh-config-include';
import { parseJumpSpec, resolveTarget } from '../../../client/src/board/ssh/ssh-config-resolve';

/** `ssh -G`: OpenSSH's own resolution of the config, the reference we must agree with. */
function sshG(configPath: string, alias: string): Map<string, string> {
  const r = spawnSync('ssh', ['-G', '-F', configPath, alias], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  const map = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const i = line.indexOf(' ');
    if (i > 0 && !map.has(line.slice(0, i))) map.set(line.slice(0, i), line.slice(i + 1));
  }
  return map;
}

describe('SSH config resolution', function () {
  this.timeout(20000);
  let dir: string;
  const home = os.homedir(); // ssh -G expands ~ with the real home: use the same one here
  const write = (rel: string, text: string): string => {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    return p;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'energy-lens-sshcfg-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('agrees with ssh -G on a config with Include (glob, nested, inside a Host block)', () => {
    const config = write(
      'config',
      [
        `Include ${dir}/conf.d/*.conf`,
        'Host tx1',
        '  HostName 10.1.2.3',
        '  User nvidia',
        '  Port 2201',
        '  IdentityFile ~/keys/tx1_key',
        '  ProxyJump jump1,admin@jump2:2202',
        '  ConnectTimeout 7',
        '  ServerAliveInterval 11',
        '  UserKnownHostsFile ~/kh1 ~/kh2',
        '  StrictHostKeyChecking accept-new',
        'Host *',
        '  User fallback',
        '  IdentityFile ~/.ssh/id_common',
        '',
      ].join('\n'),
    );
    write('conf.d/10-jump.conf', `Host jump1\n  HostName 10.9.9.9\n  Port 2022\n  Include ${dir}/conf.d/nested.inc\n`);
    write('conf.d/20-jump2.conf', 'Host jump2\n  HostName 10.9.9.10\n');
    write('conf.d/nested.inc', 'IdentityFile %d/keys/%r-%h-%p\n');
    write('conf.d/ignored.txt', 'Host tx1\n  HostName 6.6.6.6\n'); // does not match *.conf

    const t = resolveTarget({ name: 'tx1', host: 'tx1' }, { homeDir: home, sshConfigPath: config, localUser: 'me' });
    const g = sshG(config, 'tx1');
    assert.strictEqual(t.hostName, g.get('hostname'));
    assert.strictEqual(String(t.port), g.get('port'));
    assert.strictEqual(t.user, g.get('user'));
    assert.strictEqual(String(t.connectTimeoutMs! / 1000), g.get('connecttimeout'));
    assert.strictEqual(String(t.serverAliveIntervalMs! / 1000), g.get('serveraliveinterval'));
    assert.strictEqual(t.userKnownHostsFiles.join(' '), g.get('userknownhostsfile'));
    assert.strictEqual(t.strictHostKeyChecking, g.get('stricthostkeychecking'));
    assert.deepStrictEqual(t.identityFiles, [path.join(home, 'keys/tx1_key'), path.join(home, '.ssh/id_common')]);

    assert.deepStrictEqual(
      t.jumps.map((j) => [j.alias, j.hostName, j.port, j.user]),
      [
        ['jump1', '10.9.9.9', 2022, 'fallback'],
        ['jump2', '10.9.9.10', 2202, 'admin'],
      ],
    );
    const gj = sshG(config, 'jump1');
    assert.strictEqual(t.jumps[0].hostName, gj.get('hostname'));
    assert.strictEqual(String(t.jumps[0].port), gj.get('port'));
    assert.strictEqual(t.jumps[0].user, gj.get('user'));
    // The Include inside "Host jump1" applies to jump1 only, with its % tokens expanded.
    assert.strictEqual(t.jumps[0].identityFiles[0], path.join(home, 'keys/fallback-10.9.9.9-2022'));
    assert.ok(!t.identityFiles.some((f) => f.includes('fallback-')), 'tx1 did not get jump1-only settings');
  });

  it('follows relative and ~ Include paths from the config folder, and skips missing files', () => {
    const fakeHome = path.join(dir, 'home');
    const config = write('home/.ssh/config', 'Include conf.d/*\nInclude ~/extra.conf\nInclude /nonexistent/*.conf\n');
    write('home/.ssh/conf.d/a', 'Host b1\n  Port 2001\n');
    write('home/.ssh/conf.d/.hidden', 'Host b1\n  Port 9999\n');
    write('home/extra.conf', 'Host b1\n  User fromextra\n  Port 3003\n');
    const loaded = loadSshConfig(config, fakeHome);
    assert.deepStrictEqual(
      loaded.files.map((f) => path.relative(dir, f)),
      ['home/.ssh/config', 'home/.ssh/conf.d/a', 'home/extra.conf'],
    );
    const t = resolveTarget({ name: 'b', host: 'b1' }, { homeDir: fakeHome, localUser: 'me' });
    assert.strictEqual(t.port, 2001, 'first value wins: conf.d/a before extra.conf, hidden file not matched');
    assert.strictEqual(t.user, 'fromextra');
    assert.deepStrictEqual(
      t.identityFiles,
      ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((n) => path.join(fakeHome, '.ssh', n)),
    );
    assert.strictEqual(t.identityFilesExplicit, false);
  });

  it('lets explicit target fields win over the config', () => {
    const config = write('config', 'Host tx1\n  HostName 10.0.0.1\n  User nvidia\n  Port 2222\n  IdentityFile /k1\n  ProxyJump j\n');
    const t = resolveTarget(
      { name: 'tx1', host: 'tx1', user: 'ubuntu', port: 22, identityFile: '~/mine', proxyJump: 'none', connectTimeoutSec: 3 },
      { homeDir: '/h', sshConfigPath: config },
    );
    assert.deepStrictEqual(
      [t.hostName, t.user, t.port, t.identityFiles, t.jumps, t.connectTimeoutMs],
      ['10.0.0.1', 'ubuntu', 22, ['/h/mine'], [], 3000],
    );
  });

  it("puts a jump host's own ProxyJump first, and stops a loop with a clear error", () => {
    const config = write(
      'config',
      'Host board\n  ProxyJump j1,j2\nHost j1\n  ProxyJump bastion:2200\nHost loop1\n  ProxyJump loop2\nHost loop2\n  ProxyJump loop1\n',
    );
    const t = resolveTarget({ name: 'b', host: 'board' }, { homeDir: '/h', sshConfigPath: config, localUser: 'me' });
    assert.deepStrictEqual(
      t.jumps.map((j) => `${j.hostName}:${j.port}`),
      ['bastion:2200', 'j1:22', 'j2:22'],
    );
    assert.throws(
      () => resolveTarget({ name: 'x', host: 'loop1' }, { homeDir: '/h', sshConfigPath: config }),
      /ProxyJump chain is longer than 8 hops/,
    );
  });

  it('parses ProxyJump elements and refuses bad ones', () => {
    assert.deepStrictEqual(parseJumpSpec('ssh://u@h.example:2022'), { alias: 'h.example', user: 'u', port: 2022 });
    assert.deepStrictEqual(parseJumpSpec('[::1]:2222'), { alias: '::1', user: undefined, port: 2222 });
    assert.deepStrictEqual(parseJumpSpec(' host '), { alias: 'host', user: undefined, port: undefined });
    assert.throws(() => parseJumpSpec('a:b:c'), /Invalid ProxyJump host "a:b:c"/);
    assert.throws(() => parseJumpSpec('h:70000'), /Invalid port "70000"/);
  });

  it('reports unsupported or invalid settings clearly', () => {
    const config = write('config', 'Host pc\n  ProxyCommand nc %h %p\nHost badport\n  Port 99999\n');
    assert.throws(
      () => resolveTarget({ name: 'p', host: 'pc' }, { homeDir: '/h', sshConfigPath: config }),
      /ProxyCommand, which is not supported: use ProxyJump/,
    );
    assert.throws(
      () => resolveTarget({ name: 'p', host: 'badport' }, { homeDir: '/h', sshConfigPath: config }),
      /Invalid port "99999" for host "badport"/,
    );
    assert.throws(() => resolveTarget({ name: 'p', host: ' ' }, { homeDir: '/h', sshConfigPath: null }), /Board "p" has no host/);
    const none = resolveTarget(
      { name: 'n', host: '127.0.0.1' },
      { homeDir: '/h', sshConfigPath: path.join(dir, 'missing'), localUser: 'me' },
    );
    assert.deepStrictEqual([none.hostName, none.port, none.user, none.strictHostKeyChecking], ['127.0.0.1', 22, 'me', 'ask']);
  });

  it('expands file globs segment by segment, sorted', () => {
    write('g/b/x.conf', '');
    write('g/a/y.conf', '');
    write('g/a/z.txt', '');
    assert.deepStrictEqual(
      expandFileGlob(path.join(dir, 'g/*/*.conf')).map((p) => path.relative(dir, p)),
      ['g/a/y.conf', 'g/b/x.conf'],
    );
    assert.deepStrictEqual(
      expandFileGlob(path.join(dir, 'g/[ab]/?.txt')).map((p) => path.relative(dir, p)),
      ['g/a/z.txt'],
    );
  });
});
