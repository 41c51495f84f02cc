// The emulated phone's sh, without adb: word splitting, quoting, connectors, redirections, exit codes.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DeviceShell } from '../../../client/src/board/emulator-android/device-shell';
import { SandboxFs } from '../../../client/src/board/emulator-android/sandbox-fs';
import { parseCommandLine, expandWord } from '../../../client/src/board/emulator-android/shell-words';

async function run(shell: DeviceShell, line: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await shell.run(line, {
    out: (d) => {
      out += d.toString();
    },
    err: (d) => {
      err += d.toString();
    },
    signal: new AbortController().signal,
  });
  return { code, out, err };
}

describe('emulated phone shell', () => {
  let root: string;
  let shell: DeviceShell;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'el-sh-'));
    shell = new DeviceShell(new SandboxFs(root), new Map([['ro.hardware', 'qcom']]), new Map());
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('splits words as sh does', () => {
    const words = parseCommandLine(`echo 'a b' "c \\"d\\" $X" e\\ f`)[0].words.map((w) => expandWord(w, (n) => (n === 'X' ? 'x' : '')));
    assert.deepStrictEqual(words, ['echo', 'a b', 'c "d" x', 'e f']);
  });

  it('runs ; && || with $? and keeps going after a failure', async () => {
    assert.deepStrictEqual(await run(shell, 'false; echo $?; false && echo no || echo yes; true && echo ok'), {
      code: 0,
      out: '1\nyes\nok\n',
      err: '',
    });
  });

  it('redirects into the writable places only, and appends', async () => {
    await run(shell, 'echo one > /data/local/tmp/f; echo two >> /data/local/tmp/f');
    assert.strictEqual((await run(shell, 'cat /data/local/tmp/f')).out, 'one\ntwo\n');
    const denied = await run(shell, 'echo x > /system/f');
    assert.strictEqual(denied.code, 1);
    assert.match(denied.err, /can't create \/system\/f: Read-only file system/);
    assert.strictEqual((await run(shell, 'ls /nope 2>&1')).out, 'ls: /nope: No such file or directory\n');
  });

  it('gives mksh exit codes for missing and non-executable programs, and exit N', async () => {
    assert.strictEqual((await run(shell, 'nosuch')).code, 127);
    await run(shell, 'echo x > /data/local/tmp/s');
    assert.strictEqual((await run(shell, '/data/local/tmp/s')).code, 126);
    assert.strictEqual((await run(shell, 'exit 7; echo not')).code, 7);
    assert.strictEqual((await run(shell, 'sh -c "exit 3"; echo $?')).out, '3\n');
  });

  it('refuses what it does not implement, with a message', async () => {
    const r = await run(shell, 'cat /proc/cpuinfo | head');
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /'\|' is not supported by the emulated shell/);
    assert.match((await run(shell, "echo 'open")).err, /unterminated quoted string/);
  });

  it('mkdir -p, chmod, rm -r, getprop', async () => {
    assert.strictEqual(
      (await run(shell, 'mkdir -p /data/local/tmp/a/b && chmod 755 /data/local/tmp/a && ls -l /data/local/tmp')).out.startsWith(
        'drwxr-xr-x',
      ),
      true,
    );
    assert.strictEqual((await run(shell, 'rm /data/local/tmp/a')).code, 1);
    assert.strictEqual((await run(shell, 'rm -r /data/local/tmp/a && test -e /data/local/tmp/a; echo $?')).out, '1\n');
    assert.strictEqual((await run(shell, 'getprop ro.hardware; getprop')).out, 'qcom\n[ro.hardware]: [qcom]\n');
  });
});
