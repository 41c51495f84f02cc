// The campaign runner against a REAL OpenSSH server whose login is an emulated Jetson TX1 (fast time
// scale): a full campaign, then the faults a user meets: Cancel, the SSH server dying, the agent
// killed, a board without power sensor, a network Caffe rejects. Each fault keeps the layers already
// measured, says what to do next, and a resume finishes with no layer duplicated or lost.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { measurementsFolder, networkTextSha256, readCampaignFile, type CampaignRead } from '../../../server/src/measurements';
import { runCampaign, type CampaignOutcome } from '../../../client/src/campaigns/campaign-runner';
import { RESUME_STEP } from '../../../client/src/campaigns/failures';
import type { ProgressState } from '../../../client/src/campaigns/progress';
import { CORPUS_PROTOTXT } from '../shared-paths';
import { addNetwork, AGENT, startLab, type Lab } from './helpers';

const LENET = path.join(CORPUS_PROTOTXT, 'lenet.prototxt');
const LENET_LAYERS = ['conv1', 'pool1', 'conv2', 'pool2', 'ip1', 'relu1', 'ip2', 'prob'];

/** Processes on this machine (the "board") running the agent from this sshd's home: pid and argv. */
function agentProcesses(home: string, command = 'run'): Array<{ pid: number; argv: string[] }> {
  const agent = `${home}/.energy-lens/agent/energy_lens_agent.py`;
  const found: Array<{ pid: number; argv: string[] }> = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const i = argv.indexOf(agent);
      if (i >= 0 && argv[i + 1] === command) found.push({ pid: Number(name), argv });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** True while a process whose command line is exactly `command` runs on this machine (the board). */
function processRunning(command: string): boolean {
  return fs.readdirSync('/proc').some((name) => {
    try {
      return /^\d+$/.test(name) && fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ') === command;
    } catch {
      return false;
    }
  });
}

/** Every layer recorded exactly once, in the net's order, and the file reads without errors. */
function assertAllLayersOnce(read: CampaignRead, expected: string[]): void {
  assert.deepEqual(
    read.problems.filter((p) => p.severity === 'error'),
    [],
  );
  assert.ok(!read.problems.some((p) => /measured again/.test(p.message)), 'no layer measured twice');
  assert.deepEqual([...read.layers.map((l) => l.name)].sort(), [...expected].sort());
  assert.deepEqual(read.planned, expected);
}

describe('campaign runner: real sshd serving an emulated Jetson TX1', function () {
  this.timeout(120000);
  let lab: Lab;
  let net: string;
  // The fault tests skip the whole-net check (the first test covers it) to keep the suite short.
  const newCampaign = (signal?: AbortSignal, onProgress?: (s: ProgressState) => void, netCheck = false): Promise<CampaignOutcome> =>
    runCampaign({
      target: lab.target({ netCheck }),
      connect: lab.connect,
      agentLocalPath: AGENT,
      signal,
      request: { kind: 'new', workspaceRoot: lab.workspace, networkFile: net },
      hooks: { ...lab.hooks, onProgress },
    });
  const resume = (file: string): Promise<CampaignOutcome> =>
    runCampaign({
      target: lab.target({ netCheck: false }),
      connect: lab.connect,
      agentLocalPath: AGENT,
      request: { kind: 'resume', workspaceRoot: lab.workspace, recordsFile: file },
      hooks: lab.hooks,
    });

  before(async () => {
    lab = await startLab('jetson-tx1');
    net = addNetwork(lab, LENET);
  });
  after(async () => {
    await lab?.dispose();
  });

  it('a full campaign on LeNet: header, a record per layer, idle, whole-net check, end; values match the board', async () => {
    const progress: ProgressState[] = [];
    const out = await newCampaign(undefined, (s) => progress.push(s), true);
    assert.equal(out.status, 'complete', out.error?.message);
    assert.deepEqual([out.measured, out.planned, out.added], [8, 8, 8]);
    const read = readCampaignFile(out.file!);
    assertAllLayersOnce(read, LENET_LAYERS);
    assert.equal(path.dirname(out.file!), measurementsFolder(lab.workspace));
    assert.match(path.basename(out.file!), /^lenet-tx1-\d{8}T\d{6}Z\.jsonl$/);
    assert.equal(read.status, 'complete');

    const c = read.campaign!;
    assert.equal(c.network.path, 'nets/lenet.prototxt');
    assert.equal(c.network.sha256, networkTextSha256(fs.readFileSync(net, 'utf8')));
    assert.equal(c.network.layers.find((l) => l.name === 'conv1')?.features.macs, 288000);
    assert.equal(c.emulated, true);
    assert.deepEqual([c.target.name, c.target.kind, c.target.threads, c.method.repetitions], ['tx1', 'jetson-tx1', 1, 1]);
    assert.equal((c.probe.board as { model: string }).model, 'jetson_tx1');
    assert.deepEqual(
      read.sessions.map((s) => [s.session, s.method, s.resumed]),
      [[1, 'steady-state', false]],
    );
    // idle brackets: before the layers (with the sensor and harness calibration) and after them
    assert.deepEqual(
      read.idle.map((i) => i.bracket?.index),
      [0, 1],
    );
    assert.ok(read.idle[0].calibration?.harness && read.idle[0].calibration.harness.time_ms > 0, 'harness calibration recorded');
    assert.equal(read.idle[0].calibration?.window?.source, 'measured');
    assert.ok(read.net && read.net.energy_mJ > 0, 'whole-net record');
    assert.deepEqual(
      read.ends.map((e) => [e.status, e.layersMeasured]),
      [['complete', 8]],
    );

    const idle = read.idle[0].power_mW;
    const truth = await lab.board.truth(net, { threads: 1 });
    assert.ok(Math.abs(idle - truth.idle_power_mw) / truth.idle_power_mw < 0.03, `idle ${idle} mW vs ${truth.idle_power_mw}`);
    for (const l of read.layers) {
      assert.ok(Math.abs(l.energy_mJ - (l.power_mW * l.time_ms) / 1000) <= 1e-3 * l.energy_mJ, `${l.name}: energy = power x time`);
      // As recorded: against the opening bracket; as read: against the idle interpolated between the
      // opening and the closing bracket at the layer's time.
      // A layer below the harness's resolution (time 0 once the harness is subtracted; the emulated
      // pycaffe's own cost varies with the host's load) has no time to take an idle against.
      const between = l.idleInterpolated;
      const when = `at ${l.at}, brackets at ${read.idle.map((i) => i.at).join(', ')}, ${l.time_ms} ms`;
      if (!(l.time_ms > 0)) assert.equal(between, undefined, `${l.name}: nothing to interpolate (${when})`);
      else {
        assert.ok(between, `${l.name}: between two brackets, so its idle is interpolated (${when})`);
        assert.ok(
          Math.abs(between.recordedDynamic_mJ - ((l.power_mW - idle) * l.time_ms) / 1000) <= 1e-3 * l.energy_mJ + 1e-9,
          `${l.name}: dynamic as recorded`,
        );
        const [lo, hi] = [Math.min(idle, read.idle[1].power_mW), Math.max(idle, read.idle[1].power_mW)];
        assert.ok(between.idle_mW >= lo - 1e-9 && between.idle_mW <= hi + 1e-9, `${l.name}: ${between.idle_mW} mW within the brackets`);
        assert.ok(
          Math.abs(l.dynamic_energy_mJ - ((l.power_mW - between.idle_mW) * l.time_ms) / 1000) <= 1e-3 * l.energy_mJ + 1e-9,
          `${l.name}: dynamic`,
        );
      }
      assert.equal(l.idle_power_mW, idle);
      assert.deepEqual(Object.keys(l.rails_mW).sort(), ['VDD_CPU', 'VDD_GPU', 'VDD_IN']);
      const t = truth.layers.find((x) => x.name === l.name)!;
      assert.equal(l.layerType, t.type);
      // At this time scale a call of a small layer is mostly the emulated pycaffe's own overhead
      // (a few microseconds); the two big layers (conv2, ip1) are what the board itself takes.
      // Layers under 0.1 ms get the bound issue 17 sets for them (20 % at p90), with room for one layer's scatter.
      if (t.time_ms >= 0.03) {
        const bound = t.time_ms >= 0.1 ? 0.2 : 0.3;
        assert.ok(Math.abs(l.time_ms - t.time_ms) / t.time_ms < bound, `${l.name}: ${l.time_ms} ms vs board ${t.time_ms} ms`);
        assert.ok(Math.abs(l.energy_mJ - t.energy_mj) / t.energy_mj < bound, `${l.name}: ${l.energy_mJ} mJ vs board ${t.energy_mj} mJ`);
      }
    }

    const layerSteps = progress.filter((p) => p.position !== undefined);
    assert.deepEqual([...new Set(layerSteps.map((p) => p.position))], [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.ok(layerSteps.every((p) => p.of === 8));
    assert.ok(
      progress.some((p) => p.remainingMs !== undefined && p.remainingMs > 0),
      'an estimate is given',
    );
    assert.ok(
      lab.logs.some((l) => /rails VDD_IN, VDD_GPU, VDD_CPU; pycaffe/.test(l)),
      'probe logged',
    );
  });

  it('Cancel stops the remote agent within a second, keeps the layers measured; resume adds exactly the rest', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const out = await newCampaign(controller.signal, (s) => {
      if (s.done >= 2 && !abortedAt) {
        abortedAt = Date.now();
        controller.abort();
      }
    });
    const stoppedIn = Date.now() - abortedAt;
    assert.ok(abortedAt > 0);
    assert.equal(out.status, 'cancelled');
    assert.equal(out.error?.code, 'cancelled');
    assert.equal(out.error?.nextStep, RESUME_STEP);
    assert.ok(stoppedIn < 1500, `cancel took ${stoppedIn} ms`);
    assert.deepEqual(agentProcesses(lab.sshd.home), [], 'no agent left running on the board');
    const partial = readCampaignFile(out.file!);
    assert.equal(partial.status, 'partial');
    assert.ok(partial.layers.length >= 2 && partial.layers.length < 8, `${partial.layers.length} layers`);
    assert.deepEqual(
      partial.ends.map((e) => e.status),
      ['cancelled'],
    );
    const before = partial.layers.map((l) => JSON.stringify(l));

    lab.logs.length = 0;
    const resumed = await resume(out.file!);
    assert.equal(resumed.status, 'complete', resumed.error?.message);
    assert.equal(resumed.added, 8 - partial.layers.length);
    const read = readCampaignFile(out.file!);
    assertAllLayersOnce(read, LENET_LAYERS);
    assert.deepEqual(
      read.layers.slice(0, before.length).map((l) => JSON.stringify(l)),
      before,
      'earlier records untouched',
    );
    assert.deepEqual(
      read.sessions.map((s) => [s.session, s.resumed, s.skipped.length]),
      [
        [1, false, 0],
        [2, true, partial.layers.length],
      ],
    );
    assert.deepEqual(
      read.ends.map((e) => e.status),
      ['cancelled', 'complete'],
    );
    assert.ok(
      lab.logs.some((l) => /agent on board "tx1" is up to date/.test(l)),
      'the agent was not uploaded again',
    );
  });

  it('the SSH server killed mid-campaign: a clear error, partial records kept, resume on the restarted server completes', async () => {
    let killed: Promise<void> | undefined;
    const out = await newCampaign(undefined, (s) => {
      if (s.done >= 3 && !killed) killed = lab.sshd.kill();
    });
    await killed;
    assert.equal(out.status, 'interrupted');
    assert.equal(out.error?.code, 'connection-lost');
    assert.match(out.error!.message, /Lost the connection to board "tx1"/);
    assert.equal(out.error?.nextStep, RESUME_STEP);
    const partial = readCampaignFile(out.file!);
    assert.ok(partial.layers.length >= 3 && partial.layers.length < 8, `${partial.layers.length} layers kept`);
    assert.deepEqual(
      partial.problems.filter((p) => p.severity === 'error'),
      [],
    );
    assert.deepEqual(
      partial.ends.map((e) => e.status),
      ['interrupted'],
    );

    await lab.restartSshd();
    const resumed = await resume(out.file!);
    assert.equal(resumed.status, 'complete', resumed.error?.message);
    assertAllLayersOnce(readCampaignFile(out.file!), LENET_LAYERS);
  });

  it('the agent killed on the board: says it stopped without finishing; resume completes', async () => {
    let killedPid = 0;
    const out = await newCampaign(undefined, (s) => {
      if (s.done >= 2 && !killedPid) {
        const [agent] = agentProcesses(lab.sshd.home);
        if (agent) {
          killedPid = agent.pid;
          process.kill(agent.pid, 'SIGKILL');
        }
      }
    });
    assert.ok(killedPid > 0, 'found the agent process');
    assert.equal(out.status, 'failed');
    assert.equal(out.error?.code, 'agent-died');
    assert.match(out.error!.message, /stopped without finishing \(killed by signal 9\)/);
    assert.equal(out.error?.nextStep, RESUME_STEP);
    const partial = readCampaignFile(out.file!);
    assert.ok(partial.layers.length >= 2 && partial.layers.length < 8);
    const resumed = await resume(out.file!);
    assert.equal(resumed.status, 'complete', resumed.error?.message);
    assertAllLayersOnce(readCampaignFile(out.file!), LENET_LAYERS);
  });

  it('a board that goes silent mid-run: stopped after progressTimeoutSeconds, naming board and last layer; records kept, resume completes', async () => {
    // A "python" for the board that passes the agent's lines up to its second layer record and then
    // holds the output open and says nothing: a hung board, alive but silent.
    const token = `600.${Date.now() % 100000}`;
    const shim = path.join(lab.home, 'silent-python');
    fs.writeFileSync(
      shim,
      `#!/bin/sh\ncase "$2" in run) python3 "$@" | { n=0; while [ $n -lt 2 ] && IFS= read -r l; do printf "%s\\n" "$l"; case "$l" in *'"event":"layer",'*|*'"event": "layer",'*) n=$((n+1)) ;; esac; done; exec sleep ${token}; } ;; *) exec python3 "$@" ;; esac\n`,
      { mode: 0o755 },
    );
    const started = Date.now();
    const recordedAt: number[] = [];
    const out = await runCampaign({
      target: lab.target({ netCheck: false, progressTimeoutSeconds: 6, python: shim }),
      connect: lab.connect,
      agentLocalPath: AGENT,
      request: { kind: 'new', workspaceRoot: lab.workspace, networkFile: net },
      hooks: { ...lab.hooks, onRecord: () => recordedAt.push(Date.now()) },
    });
    // From the last layer record to the end record the runner wrote after stopping the run.
    const waited = recordedAt[recordedAt.length - 1] - recordedAt[recordedAt.length - 2];
    assert.equal(out.status, 'interrupted', out.error?.message);
    assert.equal(out.error?.code, 'agent-died');
    assert.match(
      out.error!.message,
      /^The agent on board "tx1" reported no progress for 6 s; last layer pool1 \(measured\); stopped it\. 2 layer\(s\) measured in this run are saved\.$/,
    );
    assert.match(out.error!.nextStep ?? '', /progressTimeoutSeconds/);
    assert.ok(waited >= 5900 && waited < 15000, `stopped ${waited} ms after the last record (run ${Date.now() - started} ms)`);
    assert.ok(!processRunning(`sleep ${token}`), 'the silent command was stopped on the board');
    const partial = readCampaignFile(out.file!);
    assert.deepEqual(
      partial.layers.map((l) => l.name),
      ['conv1', 'pool1'],
    );
    assert.deepEqual(
      partial.ends.map((e) => [e.status, e.message]),
      [['interrupted', out.error!.message]],
    );
    const resumed = await resume(out.file!);
    assert.equal(resumed.status, 'complete', resumed.error?.message);
    assertAllLayersOnce(readCampaignFile(out.file!), LENET_LAYERS);
  });

  it('a probe that never answers is stopped after progressTimeoutSeconds with what to check; nothing recorded', async () => {
    const token = `600.${(Date.now() + 1) % 100000}`;
    const shim = path.join(lab.home, 'hung-probe-python');
    fs.writeFileSync(shim, `#!/bin/sh\ncase "$2" in probe) exec sleep ${token} ;; *) exec python3 "$@" ;; esac\n`, { mode: 0o755 });
    const started = Date.now();
    const out = await runCampaign({
      target: lab.target({ progressTimeoutSeconds: 1, python: shim }),
      connect: lab.connect,
      agentLocalPath: AGENT,
      request: { kind: 'new', workspaceRoot: lab.workspace, networkFile: net },
      hooks: lab.hooks,
    });
    assert.equal(out.status, 'failed');
    assert.equal(out.error?.code, 'probe-failed');
    assert.equal(out.error!.message, 'The agent\'s probe on board "tx1" gave no answer in 1 s; stopped it.');
    assert.match(out.error!.nextStep ?? '', /progressTimeoutSeconds/);
    assert.equal(out.file, undefined);
    assert.ok(Date.now() - started < 20000);
    assert.ok(!processRunning(`sleep ${token}`), 'the hung probe was stopped on the board');
  });

  it('a board without Caffe (no pycaffe, no caffe binary): stops after the probe with how to point at Caffe', async () => {
    const out = await runCampaign({
      target: lab.target({ env: { PYTHONPATH: '', PATH: '/usr/bin:/bin' } }),
      connect: lab.connect,
      agentLocalPath: AGENT,
      request: { kind: 'new', workspaceRoot: lab.workspace, networkFile: net },
      hooks: lab.hooks,
    });
    assert.equal(out.status, 'failed');
    assert.equal(out.error?.code, 'no-caffe');
    assert.match(out.error!.message, /board "tx1" has no Caffe the agent can use .*No module named 'caffe'/);
    assert.match(out.error!.nextStep ?? '', /"env": \{"PYTHONPATH"/);
    assert.equal(out.file, undefined);
  });

  it("a network Caffe rejects: the agent's reason and what to do, nothing recorded", async () => {
    const broken = path.join(lab.workspace, 'nets', 'broken.prototxt');
    fs.writeFileSync(broken, fs.readFileSync(LENET, 'utf8').replace('bottom: "pool1"', 'bottom: "pool9"'));
    const files = fs.readdirSync(measurementsFolder(lab.workspace)).length;
    const out = await runCampaign({
      target: lab.target({ netCheck: false }),
      connect: lab.connect,
      agentLocalPath: AGENT,
      request: { kind: 'new', workspaceRoot: lab.workspace, networkFile: broken },
      hooks: lab.hooks,
    });
    assert.equal(out.status, 'failed');
    assert.equal(out.error?.code, 'bad-network');
    assert.match(out.error!.message, /Caffe on the board cannot build broken.prototxt: .*pool9/);
    assert.match(out.error!.nextStep ?? '', /Fix the problems the editor shows/);
    assert.equal(out.file, undefined);
    assert.equal(fs.readdirSync(measurementsFolder(lab.workspace)).length, files);
  });
});

describe('campaign runner: a board without power sensor', function () {
  this.timeout(60000);
  let lab: Lab;
  before(async () => {
    lab = await startLab('jetson-tx1-nosensor');
  });
  after(async () => {
    await lab?.dispose();
  });

  it('stops after the probe with the reason and the next step; nothing is recorded', async () => {
    const net = addNetwork(lab, LENET);
    const out = await runCampaign({
      target: lab.target(),
      connect: lab.connect,
      agentLocalPath: AGENT,
      request: { kind: 'new', workspaceRoot: lab.workspace, networkFile: net },
      hooks: lab.hooks,
    });
    assert.equal(out.status, 'failed');
    assert.equal(out.error?.code, 'no-sensor');
    assert.match(out.error!.message, /board "tx1" has no power sensor the agent can read/);
    assert.match(out.error!.nextStep ?? '', /CONFIG_SENSORS_INA3221/);
    assert.equal(out.file, undefined);
    assert.equal(fs.existsSync(measurementsFolder(lab.workspace)), false);
    assert.deepEqual(agentProcesses(lab.sshd.home, 'run'), []);
  });
});
