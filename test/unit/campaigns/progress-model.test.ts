// The shared progress computation: whole-campaign counts on a resume ("layer 8 of 23"), elapsed that
// never goes back, an ETA whose steps stay within a ratio, and per-target plan states.
import { strict as assert } from 'assert';
import { campaignCounts, EtaSmoother, formatShownProgress, ProgressView } from '../../../client/src/campaigns/progress-model';
import { ProgressTracker } from '../../../client/src/campaigns/progress';
import { describeTargetProgress, PlanProgress } from '../../../client/src/campaigns/target-progress';
import type { CampaignOutcome } from '../../../client/src/campaigns/campaign-runner';

describe('campaigns: progress model', () => {
  it('counts a resumed campaign as a whole: position 1 of the session after 7 earlier layers is "layer 8 of 23"', () => {
    const c = campaignCounts({ done: 0, position: 1, of: 16, layer: 'conv2', elapsedMs: 0, fraction: 0 }, 7, 23);
    assert.deepEqual(c, { done: 7, of: 23, position: 8 });
    let t = 0;
    const view = new ProgressView(() => t);
    t = 5000;
    const shown = view.show({ done: 0, position: 1, of: 16, layer: 'data_split', elapsedMs: 0, fraction: 0 }, (l) => `split of ${l}`);
    assert.match(formatShownProgress(shown), /^layer 1 of 16 \(split of data_split\) · 0:05 elapsed$/);
  });

  it('elapsed never goes back, even when the runner starts a new clock', () => {
    let t = 0;
    const view = new ProgressView(() => t);
    const seen: number[] = [];
    for (const [now, raw] of [
      [1000, 900],
      [2000, 100],
      [3000, 50],
      [2500, 3000],
    ]) {
      t = now;
      seen.push(view.show({ done: 0, elapsedMs: raw, fraction: 0 }, (l) => l).elapsedMs);
    }
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1], `elapsed ${seen.join(', ')}`);
  });

  it('the shown ETA never jumps by 2x between updates, whatever the raw estimate does', () => {
    const eta = new EtaSmoother();
    let prev: number | undefined;
    // Raw estimates that halve and double from one second to the next.
    const raws = [120000, 60000, 240000, 30000, 200000, 100000, 50000, 300000];
    raws.forEach((raw, i) => {
      const now = i * 1000;
      const shown = eta.update(raw, now)!;
      if (prev !== undefined) {
        const expected = prev - 1000;
        assert.ok(shown <= expected * 2 && shown >= expected / 2, `step ${i}: ${prev} -> ${shown}`);
      }
      prev = shown;
    });
    // It still follows a lasting change: 40 updates at a steady raw 20 s end near 20 s.
    let last = 0;
    for (let i = raws.length; i < raws.length + 40; i++) last = eta.update(20000, i * 1000)!;
    assert.ok(Math.abs(last - 20000) < 3000, `settled at ${last}`);
  });

  it('the tracker weights recent layers more, so one slow layer does not double the estimate', () => {
    let t = 0;
    const tr = new ProgressTracker(1, false, () => t);
    const layer = (i: number, ms: number): void => {
      tr.layerStarted(`l${i}`, i, 20, 1);
      t += ms;
      tr.layerFinished();
    };
    for (let i = 1; i <= 5; i++) layer(i, 1000);
    const before = tr.state().remainingMs!;
    layer(6, 4000);
    const after = tr.state().remainingMs!;
    assert.ok(after > before * 1.2 && after < before * 2, `remaining ${before} -> ${after}`);
  });

  it('a plan tracks each target: queued, running, retrying, then done or failed', () => {
    const t = 0;
    const plan = new PlanProgress(['tx1', 'tx2'], ['/w/a.prototxt', '/w/b.prototxt'], () => t);
    assert.deepEqual(
      plan.targets().map((p) => p.state),
      ['queued', 'queued'],
    );
    plan.progress('tx1', '/w/a.prototxt', { done: 2, position: 3, of: 9, layer: 'conv2', elapsedMs: 0, fraction: 0.2 }, undefined);
    assert.match(describeTargetProgress(plan.get('tx1')!), /^running · a\.prototxt \(1 of 2\) · layer 3 of 9 \(conv2\)/);
    const lost = {
      status: 'failed',
      error: { message: 'Lost the connection', code: 'connection-lost' },
      measured: 2,
      planned: 9,
      added: 2,
      elapsedMs: 1,
    };
    plan.retry('tx2', { attempt: 2, of: 4, waitMs: 2000, outcome: lost as unknown as CampaignOutcome });
    assert.match(
      describeTargetProgress(plan.get('tx2')!, t),
      /^retrying · 2 networks · next try in 0:02 · Lost the connection \(attempt 2 of 4 next\)/,
    );
    const complete = { status: 'complete', measured: 9, planned: 9, added: 9, elapsedMs: 1 } as CampaignOutcome;
    plan.result('tx1', complete, false);
    assert.equal(plan.get('tx1')!.state, 'queued');
    plan.result('tx1', complete, true);
    assert.equal(plan.get('tx1')!.state, 'done');
    plan.result('tx2', lost as unknown as CampaignOutcome, true);
    assert.equal(plan.get('tx2')!.state, 'failed');
    assert.match(describeTargetProgress(plan.get('tx2')!), /failed · .*0 of 1 complete · Lost the connection/);
  });
});
