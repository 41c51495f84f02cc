// The transport (client/src/board/adb) through the real `adb` client against the emulated
// Snapdragon 820 adbd on 127.0.0.1.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AdbDevice, AdbError, shellCommand } from '../../../client/src/board/adb';
import { EmulatedPhone, startEmulatedPhone } from '../../../client/src/board/emulated-phone';
import { freePort, privateAdbServer } from './helpers';

async function rejectsWith(p: Promise<unknown>, code: string, message: RegExp): Promise<AdbError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AdbError, `expected an AdbError, got ${String(e)}`);
    assert.strictEqual(e.code, code, e.message);
    assert.match(e.message, message);
    return e;
  }
  assert.fail(`expected an AdbError ${code}`);
}

describe('adb transport against the emulated Snapdragon 820 (real adb client)', function () {
  this.timeout(60000);
  let server: Awaited<ReturnType<typeof privateAdbServer>>;
  let phone: EmulatedPhone;
  let device: AdbDevice;
  let tmp: string;

  before(async () => {
    server = await privateAdbServer();
    phone = await startEmulatedPhone();
    device = new AdbDevice(phone.serial, server);
    await device.ensureReady();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'el-adb-test-'));
  });
  after(async () => {
    server.kill();
    await phone.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('connects and lists the phone with the fields of its CNXN banner', async () => {
    const entry = await device.ensureReady();
    assert.strictEqual(entry.state, 'device');
    assert.strictEqual(entry.product, 'sd820_emu');
    assert.strictEqual(entry.device, 'msm8996');
    assert.strictEqual(entry.model, 'Snapdragon_820__emulated_'); // adb turns non-alphanumerics into '_'
    const raw = execFileSync('adb', ['-P', String(server.serverPort), 'devices', '-l']).toString();
    assert.match(raw, new RegExp(`^${phone.serial.replace(/\./g, '\\.')}\\s+device product:sd820_emu`, 'm'));
  });

  it('runs shell commands and passes their exit status and stderr through', async () => {
    await device.ensureReady();
    const props = await device.shell('getprop ro.board.platform; getprop ro.build.version.release');
    assert.deepStrictEqual(props.stdout.split('\n').filter(Boolean), ['msm8996', '7.0']);
    assert.strictEqual(props.code, 0);
    const cpu = await device.shell('cat /proc/cpuinfo');
    assert.match(cpu.stdout, /Hardware\t: Qualcomm Technologies, Inc MSM8996/);
    assert.strictEqual((cpu.stdout.match(/^processor\t: \d$/gm) ?? []).length, 4);
    const missing = await device.shell('ls /data/local/tmp/nope');
    assert.strictEqual(missing.code, 1);
    assert.match(missing.stderr, /ls: \/data\/local\/tmp\/nope: No such file or directory/);
    assert.strictEqual((await device.shell('exit 3')).code, 3);
    assert.strictEqual((await device.shell('nosuchtool')).code, 127);
  });

  it('quotes arguments so the device sh reads them back verbatim', async () => {
    const nasty = `it's "a" $HOME; rm -rf / && \\ \`x\``;
    const r = await device.shell(shellCommand(['echo', nasty]));
    assert.strictEqual(r.stdout, `${nasty}\n`);
    assert.ok(fs.existsSync(path.join(phone.root, 'device', 'system')), 'rm -rf / must not have run');
  });

  it('streams output lines before the command ends', async () => {
    const seen: Array<{ line: string; at: number }> = [];
    const start = Date.now();
    await device.shell('echo first; sleep 1; echo second', { onStdout: (line) => seen.push({ line, at: Date.now() - start }) });
    assert.deepStrictEqual(
      seen.map((s) => s.line),
      ['first', 'second'],
    );
    assert.ok(seen[1].at - seen[0].at >= 800, `second line ${seen[1].at - seen[0].at} ms after the first`);
  });

  it('pushes and pulls files byte for byte, across many sync DATA chunks', async () => {
    const local = path.join(tmp, 'blob.bin');
    const bytes = crypto.randomBytes(300 * 1024 + 17);
    fs.writeFileSync(local, bytes);
    await device.push(local, '/data/local/tmp/blob.bin');
    assert.ok(fs.readFileSync(path.join(phone.root, 'device', 'data', 'local', 'tmp', 'blob.bin')).equals(bytes));
    const ls = await device.shell('ls -l /data/local/tmp/blob.bin');
    assert.match(ls.stdout, new RegExp(`\\s${bytes.length}\\s`));
    const back = path.join(tmp, 'back.bin');
    await device.pull('/data/local/tmp/blob.bin', back);
    assert.ok(fs.readFileSync(back).equals(bytes));
  });

  it('reports failed transfers with the device reason', async () => {
    const local = path.join(tmp, 'small.txt');
    fs.writeFileSync(local, 'x');
    await rejectsWith(device.push(local, '/system/bin/small.txt'), 'transfer-failed', /push .* failed: .*Read-only file system/);
    await rejectsWith(
      device.pull('/data/local/tmp/none.bin', path.join(tmp, 'none')),
      'transfer-failed',
      /remote object '\/data\/local\/tmp\/none.bin' does not exist/,
    );
  });

  it('cancels a running command: adb is stopped and the device command ends', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const start = Date.now();
    await rejectsWith(
      device.shell('sleep 3; echo late > /data/local/tmp/late.txt', { signal: controller.signal }),
      'cancelled',
      /cancelled/,
    );
    assert.ok(Date.now() - start < 2500, `cancel took ${Date.now() - start} ms`);
    await new Promise((r) => setTimeout(r, 3500));
    assert.ok(!fs.existsSync(path.join(phone.root, 'device', 'data', 'local', 'tmp', 'late.txt')), 'the command went on after the cancel');
  });

  it('reports a link dropped in the middle of a command as a lost connection, then the device as offline', async () => {
    await device.ensureReady();
    setTimeout(() => phone.dropConnections(), 700);
    await rejectsWith(device.shell('sleep 5'), 'connection-lost', /Lost the adb connection to 127\.0\.0\.1:\d+/);
    const after = await device.shell('echo x').then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(after instanceof AdbError && ['offline', 'no-device', 'connection-lost'].includes(after.code), String(after));
    // adb connect brings it back.
    assert.strictEqual((await device.ensureReady()).state, 'device');
  });
});

describe('adb transport errors (real adb client)', function () {
  this.timeout(60000);
  let server: Awaited<ReturnType<typeof privateAdbServer>>;
  before(async () => {
    server = await privateAdbServer();
  });
  after(() => server.kill());

  it('says adb is not installed when the executable is missing', async () => {
    const d = new AdbDevice('127.0.0.1:5555', { adbPath: '/nonexistent/bin/adb', serverPort: server.serverPort });
    await rejectsWith(d.ensureReady(), 'adb-missing', /adb is not installed .*apt install adb/);
  });

  it('says a serial adb does not list is not connected', async () => {
    await rejectsWith(new AdbDevice('ZX1G22ABCD', server).ensureReady(), 'no-device', /ZX1G22ABCD is not connected/);
  });

  it('says an unauthorised phone must accept the host key', async () => {
    const phone = await startEmulatedPhone({ behaviour: 'unauthorized' });
    try {
      await rejectsWith(
        new AdbDevice(phone.serial, server).ensureReady(),
        'unauthorized',
        /unauthorised: unlock it and accept "Allow USB debugging"/,
      );
    } finally {
      await phone.close();
    }
  });

  it('says a phone that never answers is offline or could not be connected', async () => {
    const phone = await startEmulatedPhone({ behaviour: 'offline' });
    try {
      const e = await new AdbDevice(phone.serial, server).ensureReady().then(
        () => undefined,
        (err: unknown) => err,
      );
      assert.ok(e instanceof AdbError && ['offline', 'connect-failed'].includes(e.code), String(e));
      assert.match(e.message, new RegExp(phone.serial.replace(/\./g, '\\.')));
    } finally {
      await phone.close();
    }
  });

  it('says nothing listens on a host:port', async () => {
    const serial = `127.0.0.1:${await freePort()}`;
    await rejectsWith(new AdbDevice(serial, server).ensureReady(), 'connect-failed', /could not connect to 127\.0\.0\.1:\d+/);
  });
});
