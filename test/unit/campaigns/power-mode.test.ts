// Power modes over a real sshd in front of an emulated Jetson TX2 (which has nvpmodel.conf modes and
// an nvpmodel that, like L4T's, switches as root): a campaign with "powerMode" measures in that mode,
// says so in its records and leaves the board in the mode it found; a run killed mid-way (as a dropped
// link leaves it) is switched back on the next connect, before anything is measured.
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readCampaignFile } from '../../../server/src/measurements';
import { runCampaign } from '../../../client/src/campaigns/campaign-runner';
import { CORPUS_PROTOTXT } from '../shared-paths';
import { addNetwork, AGENT, startLab, type Lab } from './helpers';

const LENET = path.join(CORPUS_PROTOTXT, 'lenet.prototxt');
const asRoot = process.getuid?.() === 0;

describe('power modes: a campaign in another nvpmodel mode on an emulated TX2 behind sshd', function () {
  this.timeout(120000);
  let lab: Lab;
  let net: string;
  const status = (): string => fs.readFileSync(path.join(lab.board.root, 'var', 'lib', 'nvpmodel', 'status'), 'utf8').trim();
  const campaign = (extra: Record<string, unknown> = {}) =>
    runCampaign({
      target: lab.target({ name: 'tx2', kind: 'jetson-tx2', netCheck: false, ...extra }),
      connect: lab.connect,
      agentLocalPath: AGENT,
      request: { kind: 'new', workspaceRoot: lab.workspace, networkFile: net },
      hooks: lab.hooks,
    });

  before(async function () {
    if (!asRoot) this.skip(); // nvpmodel -m needs root, as on the board
    lab = await startLab('jetson-tx2');
    net = addNetwork(lab, LENET);
  });
  after(async () => {
    await lab?.dispose();
  });

  it('"powerMode": 1 measures in MAXQ, records the mode and switches the board back to MAXN', async () => {
    assert.equal(status(), 'pmode:0000');
    lab.logs.length = 0;
    const out = await campaign({ powerMode: 1 });
    assert.equal(out.status, 'complete', out.error?.message);
    const read = readCampaignFile(out.file!);
    assert.deepEqual(read.problems, []);
    const c = read.campaign!;
    assert.deepEqual(c.method.agentArgs.slice(-2), ['--power-mode', '1']);
    assert.equal(c.platform?.mode, 1, 'the platform is the mode measured in');
    assert.equal(c.platform?.id, 'jetson-tx2/caffe-openblas/cpu/1t/mode1');
    assert.equal(status(), 'pmode:0000', 'the board is back in the mode it was found in');
    const said = lab.logs.join('\n');
    assert.match(said, /Measuring in power mode 1 \(MAXQ\); the board was in 0 \(MAXN\)/);
    assert.match(said, /Power mode 0 \(MAXN\) restored after the run/);
  });

  it('a run killed in mode 2 is switched back on the next connect, and the campaign says mode 0', async () => {
    // The agent as a lost SSH session leaves it: killed with its sampler, mid-way through the layers.
    const child = spawn('python3', [AGENT, 'run', '--model', net, '--power-mode', '2', '--min-loop', '30', '--mode-settle', '0'], {
      env: { ...lab.board.env, HOME: lab.sshd.home },
      stdio: ['ignore', 'pipe', 'ignore'],
      detached: true,
    });
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      child.stdout!.on('data', (d: Buffer) => {
        seen += d.toString();
        if (seen.includes('"power-mode"')) resolve();
      });
      child.once('exit', () => reject(new Error(`the agent ended before switching: ${seen.slice(0, 500)}`)));
    });
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((r) => child.once('close', r));
    assert.equal(status(), 'pmode:0002', 'the killed run left mode 2');

    lab.logs.length = 0;
    const out = await campaign();
    assert.equal(out.status, 'complete', out.error?.message);
    assert.ok(
      lab.logs.some((l) => /power mode 0 restored \(an earlier run had left it in mode 2\)/.test(l)),
      `the restore is logged: ${lab.logs.join('\n')}`,
    );
    assert.equal(status(), 'pmode:0000');
    assert.equal(readCampaignFile(out.file!).campaign!.platform?.mode, 0);
  });
});
