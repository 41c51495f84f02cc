// "Profile Workspace Networks on Target..." on two boards at once, in a real VS Code: two emulated
// TX1s, each behind its own real sshd, two small networks. The command (scripted argument
// `{ targets, networks }`) runs one queue per board in parallel: afterwards every network has one
// complete campaign file per board, each layer recorded once, a board's campaigns one after the
// other (never two at once on one board) while the two boards overlapped, and the Campaigns view
// showed a progress node per board while it ran and each board's summary at the end.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { measurementsFolder, readCampaignFile } from '../../server/src/measurements';
import { analyzeText } from '../../server/src/net';
import { createEmulatedBoard, type EmulatedBoard } from '../../client/src/board/emulator';
import { CAMPAIGN_TREE_SNAPSHOT_COMMAND } from '../../client/src/campaigns/campaign-ids';
import type { PlanResult } from '../../client/src/campaigns/plan-summary';
import type { CampaignTreeSnapshotItem } from '../../client/src/campaigns/register';
import { startSshd, type SshdFixture } from '../harness/sshd-fixture';
import { activeExtension, analyzeCommand, emulatedTx1Target, openDocument, repoRoot, workspaceFile } from './helpers';

const TIME_SCALE = 0.05;
const BOARDS = ['board-a', 'board-b'];

interface Board {
  board: EmulatedBoard;
  sshd: SshdFixture;
  target: Record<string, unknown>;
}

/** An sshd whose login is `board`, and the `energyLens.targets` entry that reaches it. */
async function serve(board: EmulatedBoard, name: string): Promise<Board> {
  const sshd = await startSshd({ env: board.env });
  const knownHostsFile = path.join(board.root, `known_hosts-${sshd.port}`);
  fs.writeFileSync(knownHostsFile, sshd.knownHostsLine + '\n');
  return {
    board,
    sshd,
    target: emulatedTx1Target(name, sshd, knownHostsFile, TIME_SCALE),
  };
}

async function startBoard(name: string, seed: number): Promise<Board> {
  const board = await createEmulatedBoard({ kind: 'jetson-tx1', timeScale: TIME_SCALE, seed, analyzeCommand: analyzeCommand(repoRoot()) });
  await board.start();
  return serve(board, name);
}

/** The layer records of a campaign file as written (readCampaignFile folds a layer measured again into one). */
function layerLines(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { type?: string; name?: string })
    .filter((r) => r.type === 'layer')
    .map((r) => r.name!);
}

/** When a campaign file's first and last records were written (ms). */
function spanOf(file: string): [number, number] {
  const ats = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => Date.parse((JSON.parse(l) as { at?: string }).at ?? ''))
    .filter((t) => !Number.isNaN(t));
  return [Math.min(...ats), Math.max(...ats)];
}

async function snapshot(): Promise<CampaignTreeSnapshotItem[]> {
  return (await vscode.commands.executeCommand<CampaignTreeSnapshotItem[]>(CAMPAIGN_TREE_SNAPSHOT_COMMAND)) ?? [];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

suite('profile workspace networks on two boards at once (real SSH, emulated boards)', () => {
  const boards: Board[] = [];
  const setTargets = (): Thenable<void> =>
    vscode.workspace.getConfiguration('energyLens').update(
      'targets',
      boards.map((b) => b.target),
      vscode.ConfigurationTarget.Workspace,
    );

  suiteSetup(async function () {
    this.timeout(120_000);
    for (const [i, name] of BOARDS.entries()) boards.push(await startBoard(name, 11 + i));
  });

  suiteTeardown(async function () {
    this.timeout(30_000);
    await vscode.workspace.getConfiguration('energyLens').update('targets', undefined, vscode.ConfigurationTarget.Workspace);
    for (const b of boards) {
      await b.sshd.stop().catch(() => undefined);
      await b.board.dispose().catch(() => undefined);
    }
  });

  test('one queue per board in parallel: every network complete on each board, each layer once, per-board nodes in the view', async function () {
    this.timeout(600_000);
    await setTargets();
    const networks = [workspaceFile('corpus', 'lenet.prototxt'), workspaceFile('corpus', 'cifar10_quick.prototxt')];
    await openDocument(networks[0]!);
    await activeExtension();

    // The view while the plan runs: a node per board with its state from the plan.
    let finished = false;
    const seen: string[][] = [];
    let bothRunning = false;
    const watch = (async () => {
      while (!finished) {
        const items = (await snapshot()).filter((i) => BOARDS.includes(i.label));
        const descriptions = BOARDS.map((b) => items.find((i) => i.label === b)?.description ?? '');
        seen.push(descriptions);
        if (descriptions.every((d) => d.startsWith('running'))) bothRunning = true;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    let results: PlanResult[] | undefined;
    try {
      results = await vscode.commands.executeCommand<PlanResult[] | undefined>('energyLens.profileWorkspace', {
        targets: BOARDS,
        networks: networks.map((f) => vscode.Uri.file(f)),
      });
    } finally {
      finished = true;
      await watch;
    }
    assert.ok(results, 'the command returned the results (it ran without prompting)');
    assert.deepStrictEqual(
      results.map((r) => [r.target, path.basename(r.network), r.status]),
      [
        ['board-a', 'lenet.prototxt', 'complete'],
        ['board-a', 'cifar10_quick.prototxt', 'complete'],
        ['board-b', 'lenet.prototxt', 'complete'],
        ['board-b', 'cifar10_quick.prototxt', 'complete'],
      ],
      results.map((r) => `${r.target} ${r.network}: ${r.status} ${r.message ?? ''}`).join('\n'),
    );

    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const files = results.map((r) => r.file!);
    assert.strictEqual(new Set(files).size, 4, 'one campaign file per network per board');
    for (const r of results) {
      assert.strictEqual(path.dirname(r.file!), measurementsFolder(root), 'all in the one records folder');
      const read = readCampaignFile(r.file!);
      assert.deepStrictEqual(read.problems, [], `${r.file}: no problem (a layer measured twice would be one)`);
      assert.strictEqual(read.status, 'complete');
      assert.strictEqual(read.campaign!.target.name, r.target);
      assert.strictEqual(read.campaign!.network.path, path.relative(root, r.network));
      const expected = analyzeText(fs.readFileSync(r.network, 'utf8'))
        .layers.filter((l) => l.type !== 'Input')
        .map((l) => l.name);
      const written = layerLines(r.file!);
      assert.deepStrictEqual([...written].sort(), [...expected].sort(), `${r.target} ${path.basename(r.network)}: every layer once`);
      assert.strictEqual(r.measured, expected.length);
    }

    // Never two campaigns at once on one board; the two boards at the same time.
    const spans = new Map(BOARDS.map((b) => [b, results!.filter((r) => r.target === b).map((r) => spanOf(r.file!))]));
    for (const [b, [first, second]] of spans) assert.ok(first![1] <= second![0], `${b}: its second campaign started after its first ended`);
    const [a, b] = [spans.get('board-a')!, spans.get('board-b')!];
    const aAll: [number, number] = [a[0]![0], a[1]![1]];
    const bAll: [number, number] = [b[0]![0], b[1]![1]];
    assert.ok(aAll[0] < bAll[1] && bAll[0] < aAll[1], 'the two boards measured at the same time');

    // The view showed both boards' progress nodes running at once, then each board's summary.
    assert.ok(
      bothRunning,
      `both boards' nodes were "running" at the same moment; seen:\n${seen
        .slice(-20)
        .map((d) => d.join(' / '))
        .join('\n')}`,
    );
    const items = await snapshot();
    for (const name of BOARDS) {
      const item = items.find((i) => i.label === name);
      assert.ok(item, `the view has a node for ${name}`);
      assert.strictEqual(item.id, `target:${name}`);
      assert.match(item.description ?? '', /^done · .*2 of 2 complete/, `${name}: ${item.description}`);
      assert.strictEqual(item.icon, 'pass');
      assert.match(item.tooltip ?? '', new RegExp(`^${name}: `));
    }
  });
  test('a board whose sshd dies mid-run is retried with back-off and resumes its campaign (the view says "retrying"); the other carries on', async function () {
    this.timeout(600_000);
    await setTargets();
    const lenet = workspaceFile('corpus', 'lenet.prototxt');
    await openDocument(lenet);
    await activeExtension();
    let finished = false;
    let killed = false;
    let back: Promise<void> | undefined;
    let retrying = '';
    const seen: string[] = [];
    const watch = (async () => {
      while (!finished) {
        const b = (await snapshot()).find((i) => i.label === 'board-b')?.description ?? '';
        if (seen[seen.length - 1] !== b) seen.push(b);
        if (!killed && /^running · lenet\.prototxt · layer [3-7] of 8/.test(b)) {
          killed = true;
          // The machine dies and comes back a second later as a new server (new port and keys): the
          // user edits the board's entry while its queue waits to retry.
          back = (async () => {
            await boards[1]!.sshd.kill();
            await sleep(1000);
            boards[1] = await serve(boards[1]!.board, 'board-b');
            await setTargets();
          })();
        }
        if (b.startsWith('retrying') && !retrying) retrying = b;
        await sleep(100);
      }
    })();
    let results: PlanResult[] | undefined;
    try {
      results = await vscode.commands.executeCommand<PlanResult[] | undefined>('energyLens.profileWorkspace', {
        targets: BOARDS,
        networks: [vscode.Uri.file(lenet)],
      });
    } finally {
      finished = true;
      await watch;
      await back;
    }
    assert.ok(killed, `board-b's sshd was killed mid-campaign; its node showed:\n${seen.join('\n')}`);
    assert.ok(results);
    assert.deepStrictEqual(
      results.map((r) => [r.target, r.status]),
      [
        ['board-a', 'complete'],
        ['board-b', 'complete'],
      ],
      results.map((r) => `${r.target}: ${r.status} ${r.message ?? ''}`).join('\n'),
    );
    assert.strictEqual(results[0]!.attempts, 1, 'board-a carried on');
    assert.ok(results[1]!.attempts >= 2, `board-b was retried (${results[1]!.attempts} attempts)`);
    assert.match(retrying, /^retrying · lenet\.prototxt · next try in \d:\d\d · .*\(attempt \d of \d next\)/, seen.join('\n'));
    const expected = analyzeText(fs.readFileSync(lenet, 'utf8'))
      .layers.filter((l) => l.type !== 'Input')
      .map((l) => l.name);
    for (const r of results) {
      const read = readCampaignFile(r.file!);
      assert.deepStrictEqual(read.problems, [], `${r.target}: no problem (a layer measured twice would be one)`);
      assert.deepStrictEqual([...layerLines(r.file!)].sort(), [...expected].sort(), `${r.target}: every layer once`);
    }
    const bRead = readCampaignFile(results[1]!.file!);
    assert.ok(bRead.sessions.length >= 2, `board-b's campaign file was resumed (${bRead.sessions.length} sessions)`);
    const item = (await snapshot()).find((i) => i.label === 'board-b');
    assert.match(item?.description ?? '', /^done · .*1 of 1 complete/);
  });
});
