// The extension's run of a plan over several boards (plan-run.ts) against two emulated Jetsons behind
// two real sshd: one Cancel stops every board's queue (the campaign in flight ends "cancelled", the
// next network is not started, the boards are free again and shown cancelled), and a board busy with
// another campaign refuses the plan without holding the other boards.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Connect } from '../../../client/src/campaigns/board-session';
import { runPlan, type PresentedPlan } from '../../../client/src/campaigns/plan-run';
import { summarizePlan } from '../../../client/src/campaigns/plan-summary';
import { RunningCampaigns } from '../../../client/src/campaigns/running-campaigns';
import { CORPUS_PROTOTXT } from '../shared-paths';
import { AGENT, startLab, tempDir, type Lab } from './helpers';

const NAMES = ['board-a', 'board-b'];

describe('campaign plan in the extension: two boards behind two real sshd', function () {
  this.timeout(240000);
  const labs: Lab[] = [];
  let workspace: string;
  before(async () => {
    for (let i = 0; i < 2; i++) labs.push(await startLab('jetson-tx1'));
    workspace = tempDir('plan-run');
  });
  after(async () => {
    await Promise.all(labs.map((l) => l.dispose()));
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  const targets = () => labs.map((l, i) => l.target({ name: NAMES[i], netCheck: false }));
  const connect: Connect = (t, signal) => labs[NAMES.indexOf(t.name)]!.connect(t, signal);
  const networks = (): string[] =>
    ['lenet.prototxt', 'cifar10_quick.prototxt'].map((n) => {
      const dest = path.join(workspace, n);
      fs.copyFileSync(path.join(CORPUS_PROTOTXT, n), dest);
      return dest;
    });

  it('one cancel stops every queue: the campaigns in flight end cancelled, the next networks never start', async () => {
    const running = new RunningCampaigns();
    const files = networks();
    const events: string[] = [];
    let cancelledAt = 0;
    const run = await runPlan({
      targets: targets(),
      requests: files.map((networkFile) => ({ kind: 'new', workspaceRoot: workspace, networkFile })),
      running,
      connect,
      agentPath: AGENT,
      log: () => undefined,
      recordsChanged: () => undefined,
      plan: { started: () => events.push('started'), changed: () => undefined, ended: () => events.push('ended') },
      present: async (plan: PresentedPlan) => {
        assert.deepEqual(
          NAMES.map((n) => running.get(n)?.target),
          NAMES,
          'every board reserved while the plan runs',
        );
        plan.onChange(() => {
          const shown = plan.progress.targets();
          // Both boards in their first campaign, each with a layer measured: the user presses Cancel.
          if (!cancelledAt && shown.every((p) => p.state === 'running' && (p.shown?.done ?? 0) >= 1)) {
            cancelledAt = Date.now();
            plan.cancel();
          }
        });
        await plan.work();
      },
    });
    assert.ok(!('busy' in run));
    assert.ok(cancelledAt > 0, 'both boards were measuring at once before the cancel');
    assert.ok(Date.now() - cancelledAt < 20000, `every queue stopped soon after the cancel (${Date.now() - cancelledAt} ms)`);
    assert.deepEqual(run.results.map((r) => [r.target, path.basename(r.networkFile), r.outcome.status]).sort(), [
      ['board-a', 'lenet.prototxt', 'cancelled'],
      ['board-b', 'lenet.prototxt', 'cancelled'],
    ]);
    assert.deepEqual(
      run.progress.targets().map((p) => p.state),
      ['cancelled', 'cancelled'],
    );
    assert.deepEqual(
      summarizePlan(NAMES, files.length, run.results).map((s) => [s.cancelled, s.notRun]),
      [
        [1, 1],
        [1, 1],
      ],
    );
    assert.deepEqual(
      NAMES.map((n) => running.get(n)),
      [undefined, undefined],
      'the boards are free again',
    );
    assert.deepEqual(events, ['started', 'ended']);
  });

  it('a board busy with another campaign refuses the plan and holds none of the others', async () => {
    const running = new RunningCampaigns();
    const release = running.start({ target: 'board-b', network: '/elsewhere.prototxt', cancel: () => undefined })!;
    let presented = false;
    const run = await runPlan({
      targets: targets(),
      requests: networks().map((networkFile) => ({ kind: 'new', workspaceRoot: workspace, networkFile })),
      running,
      connect,
      agentPath: AGENT,
      log: () => undefined,
      recordsChanged: () => undefined,
      present: async () => {
        presented = true;
      },
    });
    assert.deepEqual(run, { busy: 'board-b' });
    assert.equal(presented, false, 'nothing shown, nothing run');
    assert.equal(running.get('board-a'), undefined, 'board-a is not left reserved');
    release();
  });
});
