// A plan over three boards at once: three emulated Jetsons, each behind its own REAL OpenSSH server
// on 127.0.0.1, one queue per board in parallel. One server is killed mid-campaign and started again
// a moment later; the retry with back-off resumes that board's campaign while the others carry on.
// Afterwards every board has every layer exactly once (0 lost, 0 duplicated), each board's sessions ran
// one after the other, and the boards did measure at the same time.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { backoffMs, isTransient, runCampaignPlan, type QueueResult } from '../../../client/src/campaigns/campaign-queues';
import { readCampaignFile } from '../../../server/src/measurements';
import { CORPUS_PROTOTXT } from '../shared-paths';
import { AGENT, startLab, tempDir, type Lab } from './helpers';

const LENET_LAYERS = ['conv1', 'pool1', 'conv2', 'pool2', 'ip1', 'relu1', 'ip2', 'prob'];

describe('campaign plan: three boards behind three real sshd instances at once', function () {
  this.timeout(240000);
  const labs: Lab[] = [];
  let workspace: string;
  after(async () => {
    await Promise.all(labs.map((l) => l.dispose()));
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('one sshd killed mid-run and restarted: retried with back-off and resumed; 0 lost, 0 duplicated layers', async () => {
    for (let i = 0; i < 3; i++) labs.push(await startLab('jetson-tx1'));
    workspace = tempDir('plan');
    const net = path.join(workspace, 'lenet.prototxt');
    fs.copyFileSync(path.join(CORPUS_PROTOTXT, 'lenet.prototxt'), net);
    const names = ['board-a', 'board-b', 'board-c'];
    const folder = path.join(workspace, 'records');
    let killedAt = 0;
    let restarted: Promise<void> | undefined;
    const results: QueueResult[] = await runCampaignPlan({
      boards: labs.map((lab, i) => ({
        target: () => lab.target({ name: names[i], netCheck: false, repetitions: 2 }),
        connect: lab.connect,
        agentPath: AGENT,
      })),
      networkFiles: [net],
      workspaceRoot: workspace,
      recordsFolder: folder,
      resume: false,
      retry: { retries: 12, baseDelayMs: 500, maxDelayMs: 4000 },
      hooksFor: (target) => ({
        log: (l) => labs[names.indexOf(target)].logs.push(l),
        onProgress: (s) => {
          if (target === 'board-b' && s.done >= 3 && !killedAt) {
            killedAt = Date.now();
            // The machine dies, then comes back (new server, same board) a second later.
            restarted = labs[1].sshd
              .kill()
              .then(() => new Promise((r) => setTimeout(r, 1000)))
              .then(() => labs[1].restartSshd());
          }
        },
      }),
    });
    await restarted;
    assert.ok(
      killedAt > 0,
      `board-b was killed mid-run: ${results.map((r) => `${r.target} ${r.outcome.status} x${r.attempts} ${r.outcome.error?.message}`).join('; ')}`,
    );
    assert.equal(results.length, 3);
    for (const r of results) {
      assert.equal(r.outcome.status, 'complete', `${r.target}: ${r.outcome.error?.message}`);
      const read = readCampaignFile(r.outcome.file!);
      assert.deepEqual(
        read.problems.filter((p) => p.severity === 'error'),
        [],
      );
      assert.ok(!read.problems.some((p) => /measured again/.test(p.message)), `${r.target}: no layer measured twice`);
      assert.deepEqual(read.layers.map((l) => l.name).sort(), [...LENET_LAYERS].sort(), `${r.target}: every layer once`);
      assert.equal(read.campaign!.target.name, r.target);
      assert.equal(path.dirname(r.outcome.file!), folder, 'one records folder: one dataset');
    }
    const b = results.find((r) => r.target === 'board-b')!;
    assert.ok(b.attempts >= 2, `board-b retried (${b.attempts} attempts)`);
    const bRead = readCampaignFile(b.outcome.file!);
    assert.ok(bRead.sessions.length >= 2 && bRead.ends.some((e) => e.status === 'interrupted'), 'the same campaign file was resumed');
    // From the records: each board's sessions one after the other; the boards' measuring overlapped.
    const spans = results.map((r) => {
      const read = readCampaignFile(r.outcome.file!);
      read.sessions.forEach((s, k) => {
        const end = read.ends.find((e) => e.session === s.session);
        const next = read.sessions[k + 1];
        if (next) assert.ok(end && end.at <= next.at, `${r.target}: session ${s.session} ended before session ${next.session} began`);
      });
      const times = read.layers.map((l) => l.at).sort();
      return { target: r.target, from: times[0], to: times[times.length - 1] };
    });
    const overlap = spans.some((x, i) => spans.some((y, j) => i < j && x.from <= y.to && y.from <= x.to));
    assert.ok(overlap, `two boards measured at the same time: ${spans.map((x) => `${x.target} ${x.from}..${x.to}`).join(', ')}`);
    assert.equal(fs.readdirSync(folder).length, 3, 'one campaign file per board');
  });

  it('retries only link failures, with exponential back-off capped', () => {
    const p = { retries: 3, baseDelayMs: 1000, maxDelayMs: 5000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((a) => backoffMs(a, p)),
      [1000, 2000, 4000, 5000, 5000],
    );
    const base = { measured: 0, planned: 0, added: 0, elapsedMs: 0 };
    assert.equal(isTransient({ ...base, status: 'interrupted' }), true);
    assert.equal(isTransient({ ...base, status: 'complete' }), false);
    assert.equal(isTransient({ ...base, status: 'cancelled' }), false);
  });
});
