// What "Profile Workspace Networks on Target..." says about a plan over several boards: the scripted
// argument, the notification line and fraction, the per-target summary and the results in plan order.
import { strict as assert } from 'assert';
import type { CampaignOutcome } from '../../../client/src/campaigns/campaign-runner';
import type { QueueResult } from '../../../client/src/campaigns/campaign-queues';
import {
  planArgument,
  planFraction,
  planMessage,
  planResults,
  summarizePlan,
  summaryText,
} from '../../../client/src/campaigns/plan-summary';
import { PlanProgress } from '../../../client/src/campaigns/target-progress';

const complete = (file: string): CampaignOutcome => ({ status: 'complete', file, measured: 9, planned: 9, added: 9, elapsedMs: 1 });
const lost = {
  status: 'failed',
  error: { message: 'Lost the connection', code: 'connection-lost' },
  measured: 2,
  planned: 9,
  added: 2,
  elapsedMs: 1,
} as unknown as CampaignOutcome;
const cancelled = { status: 'cancelled', measured: 1, planned: 9, added: 1, elapsedMs: 1 } as CampaignOutcome;

describe('campaigns: plan over several boards (extension)', () => {
  it('reads the scripted argument { targets, networks } with URIs or paths, and says what is wrong with a bad one', () => {
    assert.equal(planArgument(undefined), undefined);
    assert.equal(planArgument({ target: 'tx1' }), undefined, "profileOnTarget's form is not a plan");
    assert.deepEqual(planArgument({ targets: ['a', 'b'] }), { targets: ['a', 'b'] });
    assert.deepEqual(planArgument({ targets: ['a', 'b'], networks: [{ fsPath: '/w/x.prototxt' }, '/w/y.prototxt'] }), {
      targets: ['a', 'b'],
      networks: ['/w/x.prototxt', '/w/y.prototxt'],
    });
    assert.match(planArgument({ targets: [] }) as string, /non-empty list of board names/);
    assert.match(planArgument({ targets: ['a', 3] }) as string, /board names/);
    assert.match(planArgument({ targets: ['a', 'a'] }) as string, /twice/);
    assert.match(planArgument({ targets: ['a'], networks: [] }) as string, /non-empty list of network files/);
    assert.match(planArgument({ targets: ['a'], networks: [{}] }) as string, /URIs or paths/);
  });

  it('the notification names every board, running first, and the fraction is the mean over boards', () => {
    const plan = new PlanProgress(['tx1', 'tx2'], ['/w/a.prototxt', '/w/b.prototxt'], () => 0);
    assert.equal(planMessage(plan.targets()), 'tx1: waiting | tx2: waiting');
    assert.equal(planFraction(plan.targets()), 0);
    plan.progress('tx2', '/w/b.prototxt', { done: 4, position: 5, of: 8, layer: 'conv2', elapsedMs: 0, fraction: 0.5 }, undefined);
    assert.equal(planMessage(plan.targets()), 'tx2: b.prototxt 2 of 2, layer 5 of 8 | tx1: waiting');
    // tx2 has half of its second network: (0 + 0.5) / 2 of its share; tx1 nothing.
    assert.equal(planFraction(plan.targets()), 0.125);
    plan.result('tx1', complete('/r/a1.jsonl'), false);
    plan.result('tx1', complete('/r/b1.jsonl'), true);
    assert.equal(planFraction(plan.targets()), (1 + 0.25) / 2);
    plan.retry('tx2', { attempt: 2, of: 4, waitMs: 2000, outcome: lost });
    assert.equal(planMessage(plan.targets()), 'tx2: retrying b.prototxt 2 of 2 | tx1: done (2 of 2 complete)');
  });

  it('a cancelled plan leaves no board shown as queued, running or retrying', () => {
    const plan = new PlanProgress(['tx1', 'tx2', 'tx3'], ['/w/a.prototxt'], () => 0);
    plan.progress('tx1', '/w/a.prototxt', { done: 1, elapsedMs: 0, fraction: 0.1 }, undefined);
    plan.retry('tx2', { attempt: 2, of: 4, waitMs: 2000, outcome: lost });
    plan.result('tx3', complete('/r/a3.jsonl'), true);
    plan.finish();
    assert.deepEqual(
      plan.targets().map((p) => [p.target, p.state, p.retryAt]),
      [
        ['tx1', 'cancelled', undefined],
        ['tx2', 'cancelled', undefined],
        ['tx3', 'done', undefined],
      ],
    );
  });

  it('sums up each board: complete, failed, cancelled and not started, with what went wrong', () => {
    const results: QueueResult[] = [
      { target: 'tx2', networkFile: '/w/b.prototxt', outcome: lost, attempts: 4 },
      { target: 'tx1', networkFile: '/w/b.prototxt', outcome: complete('/r/b1.jsonl'), attempts: 1 },
      { target: 'tx1', networkFile: '/w/a.prototxt', outcome: complete('/r/a1.jsonl'), attempts: 2 },
      { target: 'tx2', networkFile: '/w/a.prototxt', outcome: complete('/r/a2.jsonl'), attempts: 1 },
      { target: 'tx3', networkFile: '/w/a.prototxt', outcome: cancelled, attempts: 1 },
    ];
    const s = summarizePlan(['tx1', 'tx2', 'tx3'], 2, results);
    assert.deepEqual(
      s.map((x) => [x.target, x.complete, x.failed, x.cancelled, x.notRun]),
      [
        ['tx1', 2, 0, 0, 0],
        ['tx2', 1, 1, 0, 0],
        ['tx3', 0, 0, 1, 1],
      ],
    );
    assert.equal(summaryText(s[0]!), 'tx1: 2 of 2 networks measured.');
    assert.equal(summaryText(s[1]!), 'tx2: 1 of 2 networks measured, 1 failed (b.prototxt: Lost the connection).');
    assert.equal(summaryText(s[2]!), 'tx3: 0 of 2 networks measured, 1 cancelled, 1 not started (a.prototxt: cancelled).');

    // Returned in plan order (board, then network), whatever order the boards finished in.
    const r = planResults(['tx1', 'tx2', 'tx3'], ['/w/a.prototxt', '/w/b.prototxt'], results);
    assert.deepEqual(
      r.map((x) => [x.target, x.network, x.status, x.file, x.attempts]),
      [
        ['tx1', '/w/a.prototxt', 'complete', '/r/a1.jsonl', 2],
        ['tx1', '/w/b.prototxt', 'complete', '/r/b1.jsonl', 1],
        ['tx2', '/w/a.prototxt', 'complete', '/r/a2.jsonl', 1],
        ['tx2', '/w/b.prototxt', 'failed', undefined, 4],
        ['tx3', '/w/a.prototxt', 'cancelled', undefined, 1],
      ],
    );
    assert.equal(r[3]!.message, 'Lost the connection');
  });
});
