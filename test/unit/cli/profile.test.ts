// `energy-lens profile` as a user runs it: the CLI as its own process (from the sources via tsx),
// a REAL OpenSSH server on 127.0.0.1 in front of an emulated Jetson TX1, a private HOME (so the
// user's known_hosts is the test's). Host keys (unknown refused with its fingerprint, --accept-new,
// changed refused), a full campaign, Ctrl-C (SIGINT to the CLI) keeping what was measured and
// stopping the agent on the board, --resume, and --emulated without SSH.
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fingerprintSha256 } from '../../../client/src/board/ssh';
import { generateKey } from '../../harness/sshd-fixture';
import { MeasurementIndex, measurementsFolder, readCampaignFile, type CampaignRead } from '../../../server/src/measurements';
import { measuredModes } from '../../../server/src/analysis/power-modes';
import { CORPUS_PROTOTXT } from '../shared-paths';
import { ANALYZE_COMMAND, REPO, startLab, tempDir, type Lab } from '../campaigns/helpers';

const TSX = path.join(REPO, 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs');
const PROTO_HOOK = path.join(REPO, 'test', 'unit', 'setup.js');
const CLI = path.join(REPO, 'server', 'src', 'cli', 'energy-lens.ts');
const LENET_LAYERS = ['conv1', 'pool1', 'conv2', 'pool2', 'ip1', 'relu1', 'ip2', 'prob'];
const FAST = ['--repetitions', '1', '--min-loop', '0.2', '--idle-time', '0.2', '--no-net-check'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

interface RunHandle {
  child: ReturnType<typeof spawn>;
  stdout: () => string;
  done: Promise<Run>;
}

function startCli(args: string[], cwd: string, env: Record<string, string>): RunHandle {
  const started = Date.now();
  const child = spawn(process.execPath, ['--require', TSX, '--require', PROTO_HOOK, CLI, ...args], {
    cwd,
    env: { ...process.env, ...env, SSH_AUTH_SOCK: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Run>((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 90000); // bounded: a hang fails the test
    child.once('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
  return { child, stdout: () => stdout, done };
}

/** Agent `run` processes under this sshd's login home (the "board"). */
function agentsRunning(home: string): number[] {
  const agent = `${home}/.energy-lens/agent/energy_lens_agent.py`;
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (argv.includes(agent) && argv.includes('run')) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function assertEveryLayerOnce(read: CampaignRead): void {
  assert.deepEqual(
    read.problems.filter((p) => p.severity === 'error'),
    [],
  );
  assert.ok(!read.problems.some((p) => /measured again/.test(p.message)), 'no layer measured twice');
  assert.deepEqual(read.layers.map((l) => l.name).sort(), [...LENET_LAYERS].sort());
}

describe('energy-lens profile: the CLI against a real sshd serving an emulated Jetson TX1', function () {
  this.timeout(180000);
  let lab: Lab;
  let home: string;
  let cwd: string;
  let targetsFile: string;
  const knownHosts = (): string => path.join(home, '.ssh', 'known_hosts');
  const profile = (extra: string[]): RunHandle =>
    startCli(['profile', 'nets/lenet.prototxt', '--targets', targetsFile, '--target', 'tx1', ...FAST, ...extra], cwd, { HOME: home });
  const campaigns = (): string[] => fs.readdirSync(measurementsFolder(cwd)).map((n) => path.join(measurementsFolder(cwd), n));

  before(async () => {
    lab = await startLab('jetson-tx1');
    home = tempDir('cli-home');
    cwd = lab.workspace;
    fs.mkdirSync(path.join(cwd, 'nets'));
    fs.copyFileSync(path.join(CORPUS_PROTOTXT, 'lenet.prototxt'), path.join(cwd, 'nets', 'lenet.prototxt'));
    targetsFile = path.join(cwd, 'targets.json');
    // No knownHostsFile: the host key must come from ~/.ssh/known_hosts, as for a real user.
    fs.writeFileSync(
      targetsFile,
      JSON.stringify([
        {
          name: 'tx1',
          host: lab.sshd.host,
          port: lab.sshd.port,
          user: lab.sshd.user,
          identityFile: lab.sshd.userKeyPath,
          kind: 'jetson-tx1',
          threads: 1,
          timeScale: lab.board.timeScale,
        },
      ]),
    );
  });
  after(async () => {
    await lab?.dispose();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('refuses an unknown host key with its SHA256 fingerprint (exit 7), and writes nothing', async () => {
    const r = await profile([]).done;
    assert.equal(r.code, 7, r.stderr);
    assert.ok(r.stderr.includes(fingerprintSha256(lab.sshd.hostKeyBlob)), `fingerprint in: ${r.stderr}`);
    assert.match(r.stderr, /--accept-new/);
    assert.ok(!fs.existsSync(knownHosts()), 'known_hosts untouched');
    assert.ok(!fs.existsSync(measurementsFolder(cwd)), 'no records');
  });

  it('--accept-new adds the key to ~/.ssh/known_hosts and runs a full campaign (exit 0, --json events)', async () => {
    const r = await profile(['--accept-new', '--json']).done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(fs.readFileSync(knownHosts(), 'utf8'), new RegExp(`^\\[127\\.0\\.0\\.1\\]:${lab.sshd.port} ssh-ed25519 `, 'm'));
    const files = campaigns();
    assert.equal(files.length, 1);
    const read = readCampaignFile(files[0]);
    assertEveryLayerOnce(read);
    assert.equal(read.status, 'complete');
    assert.equal(read.campaign!.target.name, 'tx1');
    assert.deepEqual(read.campaign!.emulator, { timeScale: 0.05 });
    assert.equal(read.campaign!.platform?.id, 'jetson-tx1/caffe-openblas/cpu/1t');
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; name?: string; status?: string });
    assert.deepEqual(
      events.filter((e) => e.event === 'layer').map((e) => e.name),
      LENET_LAYERS,
    );
    assert.deepEqual(events.at(-1), { ...events.at(-1), event: 'campaign-end', status: 'complete', file: files[0] });
    fs.rmSync(files[0]);
  });

  it('Ctrl-C (SIGINT to the CLI) stops the agent on the board within a second and keeps the layers; --resume adds exactly the rest', async () => {
    const run = profile(['--json', '--repetitions', '2']);
    const deadline = Date.now() + 60000;
    while ((run.stdout().match(/"event":"layer"/g) ?? []).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(agentsRunning(lab.sshd.home).length > 0, 'the agent runs on the board');
    const sentAt = Date.now();
    run.child.kill('SIGINT');
    let goneAfter = Infinity;
    while (Date.now() - sentAt < 5000) {
      if (agentsRunning(lab.sshd.home).length === 0) {
        goneAfter = Date.now() - sentAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const r = await run.done;
    assert.equal(r.code, 130, r.stderr);
    assert.ok(goneAfter <= 1000, `agent stopped ${goneAfter} ms after SIGINT`);
    const [file] = campaigns();
    const partial = readCampaignFile(file);
    assert.ok(partial.layers.length >= 2 && partial.layers.length < LENET_LAYERS.length, `${partial.layers.length} layers kept`);
    assert.equal(partial.ends.at(-1)?.status, 'cancelled');
    assert.match(r.stderr, /--resume/);

    const resumed = await profile(['--resume']).done;
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(campaigns(), [file], 'the same campaign file is finished, no new one');
    const read = readCampaignFile(file);
    assertEveryLayerOnce(read);
    assert.equal(read.status, 'complete');
    assert.match(resumed.stderr, new RegExp(`complete, 8/8 layers \\(${8 - partial.layers.length} this run\\)`));
  });

  it('refuses a changed host key even with --accept-new (exit 7), naming the offered and the known key', async () => {
    const other = path.join(tempDir('other-key'), 'k');
    const otherPublic = generateKey(other).split(/\s+/).slice(0, 2).join(' ');
    fs.writeFileSync(knownHosts(), `[127.0.0.1]:${lab.sshd.port} ${otherPublic}\n`);
    const before = campaigns().length;
    const r = await profile(['--accept-new']).done;
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /CHANGED/);
    assert.ok(r.stderr.includes(fingerprintSha256(lab.sshd.hostKeyBlob)), 'offered key named');
    assert.equal(fs.readFileSync(knownHosts(), 'utf8'), `[127.0.0.1]:${lab.sshd.port} ${otherPublic}\n`, 'known_hosts not rewritten');
    assert.equal(campaigns().length, before);
  });

  it('a target that does not answer exits 6 with the host in the message; a missing network exits 3', async () => {
    const down = await startCli(
      ['profile', 'nets/lenet.prototxt', '--target', `${lab.sshd.user}@127.0.0.1:1`, '--accept-new', '--retries', '0'],
      cwd,
      { HOME: home },
    ).done;
    assert.equal(down.code, 6, down.stderr);
    assert.match(down.stderr, /127\.0\.0\.1:1.*refused/);
    const missing = await profile(['nets/nope.prototxt']).done;
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /nets\/nope\.prototxt: error: no such network file/);
  });
});

describe('energy-lens profile --emulated: a dataset without a board or SSH', function () {
  this.timeout(120000);
  it('measures LeNet on a local emulated TX1 into --out, records say emulated and the time scale', async () => {
    const cwd = tempDir('cli-emulated');
    try {
      fs.copyFileSync(path.join(CORPUS_PROTOTXT, 'lenet.prototxt'), path.join(cwd, 'lenet.prototxt'));
      const r = await startCli(['profile', 'lenet.prototxt', '--emulated', 'tx1', '--time-scale', '0.05', '--out', 'data', ...FAST], cwd, {
        HOME: cwd,
        ENERGY_LENS_ANALYZE: ANALYZE_COMMAND,
      }).done;
      assert.equal(r.code, 0, r.stderr);
      const files = fs.readdirSync(path.join(cwd, 'data'));
      assert.equal(files.length, 1);
      const read = readCampaignFile(path.join(cwd, 'data', files[0]));
      assertEveryLayerOnce(read);
      assert.equal(read.status, 'complete');
      assert.equal(read.campaign!.emulated, true);
      assert.equal(read.campaign!.target.kind, 'jetson-tx1');
      assert.deepEqual(read.campaign!.emulator, { timeScale: 0.05 });
      assert.deepEqual(read.campaign!.platform, {
        id: 'jetson-tx1/caffe-openblas/cpu/1t',
        board: 'jetson-tx1',
        backend: 'caffe-openblas',
        device: 'cpu',
        threads: 1,
        batch: 1,
        mode: null,
      });
      assert.ok(!fs.existsSync(path.join(cwd, '.energy-lens')), 'nothing written outside --out');
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('--power-mode measures a TX2 in that nvpmodel mode (records say so); a mode it lacks fails, naming its modes', async function () {
    if (process.getuid?.() !== 0) this.skip(); // the emulated nvpmodel, like L4T's, switches as root
    const cwd = tempDir('cli-power-mode');
    try {
      fs.copyFileSync(path.join(CORPUS_PROTOTXT, 'lenet.prototxt'), path.join(cwd, 'lenet.prototxt'));
      const env = { HOME: cwd, ENERGY_LENS_ANALYZE: ANALYZE_COMMAND };
      const args = ['profile', 'lenet.prototxt', '--emulated', 'tx2', '--time-scale', '0.05', '--out', 'data', ...FAST];
      const r = await startCli([...args, '--power-mode', '1'], cwd, env).done;
      assert.equal(r.code, 0, r.stderr);
      const [file] = fs.readdirSync(path.join(cwd, 'data'));
      const read = readCampaignFile(path.join(cwd, 'data', file));
      assert.equal(read.status, 'complete');
      assert.equal(read.campaign!.platform?.mode, 1);
      // Another mode is another platform: a fit never mixes MAXQ with MAXN.
      assert.equal(read.campaign!.platform?.id, 'jetson-tx2/caffe-openblas/cpu/1t/mode1');
      assert.deepEqual(read.campaign!.method.agentArgs.slice(-2), ['--power-mode', '1']);
      const bad = await startCli([...args, '--power-mode', '9', '--retries', '0'], cwd, env).done;
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /power mode 9 is not in \/etc\/nvpmodel\.conf \(modes: 0 MAXN, 1 MAXQ/);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('--modes sweeps: one campaign per mode in one dataset, and the capped mode measures slower convolutions', async function () {
    if (process.getuid?.() !== 0) this.skip();
    const cwd = tempDir('cli-modes');
    try {
      fs.copyFileSync(path.join(CORPUS_PROTOTXT, 'lenet.prototxt'), path.join(cwd, 'lenet.prototxt'));
      const r = await startCli(
        ['profile', 'lenet.prototxt', '--emulated', 'tx2', '--time-scale', '0.05', '--out', 'data', '--modes', '0,1', ...FAST],
        cwd,
        { HOME: cwd, ENERGY_LENS_ANALYZE: ANALYZE_COMMAND },
      ).done;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /lenet\.prototxt on emulated-tx2 in power mode 1: complete/);
      const reads = fs.readdirSync(path.join(cwd, 'data')).map((f) => readCampaignFile(path.join(cwd, 'data', f)));
      const byMode = new Map(reads.map((read) => [read.campaign!.platform?.mode, read]));
      assert.deepEqual([...byMode.keys()].sort(), [0, 1]);
      for (const read of reads) assertEveryLayerOnce(read);
      const conv = (mode: number): number => byMode.get(mode)!.layers.find((l) => l.name === 'conv2')!.time_ms;
      // MAXQ caps the CPU at 1.11 of 2.04 GHz: a convolution is compute-bound.
      assert.ok(conv(1) > 1.4 * conv(0), `conv2: ${conv(0)} ms in MAXN, ${conv(1)} ms in MAXQ`);
      // The editor's best-mode choice reads the sweep as written: both modes of the one board, named by its probe.
      const index = MeasurementIndex.fromFolder(path.join(cwd, 'data'));
      const [choice, ...others] = measuredModes(index.allFor(reads[0].campaign!.network.sha256));
      assert.equal(others.length, 0);
      assert.deepEqual(
        choice.figures.map((f) => [f.mode, f.name]),
        [
          [0, 'MAXN'],
          [1, 'MAXQ'],
        ],
      );
      assert.ok(choice.best, choice.why);
      const slower = choice.figures[1].latency_ms! / choice.figures[0].latency_ms!;
      assert.ok(slower > 1.2, `the whole net is slower in MAXQ: x${slower}`);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});
