// The power-mode sweep from one command, as a user runs it, with a board dropping out on the way:
// the project's six sample networks × an emulated TX2 and an emulated Orin, each behind its own real
// sshd on 127.0.0.1 × modes 0, 1, 2, through `energy-lens profile --modes 0,1,2` (the built CLI,
// out/cli/energy-lens.js). Mid-run the Orin's sshd session processes are SIGKILLed (the connection
// drops as when a board's network goes); the CLI retries with back-off and resumes. Afterwards it
// checks every campaign is complete with every layer once, every board is back in the mode it was
// in, and prints per network, board and mode the measured energy and time (real-board units) and the
// best mode the editor's CodeLens would name. Needs root (the emulated nvpmodel switches only as root).
//
//   npm run build && node --require tsx/cjs --require ./test/unit/setup.js scripts/power-mode-sweep.ts [--nets lenet,alexnet] [--kill-after S] [--device cpu|gpu] [--time-scale F] [--net-check] [--keep DIR]
import { spawn, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { generateSamples } from './generate-samples';
import { ANALYZE_COMMAND, FAST, REPO, startLab, tempDir, type Lab } from '../test/unit/campaigns/helpers';
import { MeasurementIndex, readCampaignFile } from '../server/src/measurements';
import { measuredModes, modeLabel } from '../server/src/analysis/power-modes';
import { formatChange, formatEnergy, formatLatency } from '../server/src/units';

const CLI = path.join(REPO, 'out', 'cli', 'energy-lens.js');
const BOARDS = [
  { name: 'tx2', kind: 'jetson-tx2' as const },
  { name: 'orin', kind: 'jetson-orin' as const },
];

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** The per-connection sshd processes under the listener (killing them drops the sessions, not the server). */
function sessionPids(listener: number): number[] {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter(([, ppid]) => ppid === listener)
    .map(([pid]) => pid);
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('run as root: the emulated nvpmodel switches modes only as root, as L4T does');
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} missing: npm run build first`);
  const workspace = option('--keep') ?? tempDir('sweep');
  fs.mkdirSync(workspace, { recursive: true });
  const all = generateSamples(path.join(workspace, 'nets'));
  const wanted = option('--nets')?.split(',');
  const nets = all.filter((f) => !wanted || wanted.some((w) => path.basename(f).startsWith(w)));
  const labs: Lab[] = [];
  try {
    const timeScale = Number(option('--time-scale') ?? 0.05);
    for (const b of BOARDS) labs.push(await startLab(b.kind, timeScale));
    const status = (lab: Lab) => fs.readFileSync(path.join(lab.board.root, 'var', 'lib', 'nvpmodel', 'status'), 'utf8').trim();
    const before = labs.map(status);
    const targets = labs.map((lab, i) => {
      const t = lab.target({ name: BOARDS[i].name, kind: BOARDS[i].kind, netCheck: false, timeScale: lab.board.timeScale });
      return { ...t, knownHostsFile: t.knownHostsFile };
    });
    const targetsFile = path.join(workspace, 'targets.json');
    fs.writeFileSync(targetsFile, JSON.stringify(targets, null, 2));
    const args = [
      CLI,
      'profile',
      ...nets.map((n) => path.relative(workspace, n)),
      '--targets',
      targetsFile,
      '--target',
      BOARDS.map((b) => b.name).join(','),
      '--modes',
      '0,1,2',
      '--out',
      'records',
      '--retries',
      '6',
      '--retry-delay',
      '1',
      '--repetitions',
      String(FAST.repetitions),
      '--min-loop',
      String(FAST.minLoopSeconds),
      '--idle-time',
      String(FAST.idleSeconds),
      '--device',
      option('--device') ?? 'cpu',
      // The whole-net cross-check makes the comparison whole-net energy; without it, the sum of layers.
      ...(process.argv.includes('--net-check') ? [] : ['--no-net-check']),
    ];
    console.log(`$ energy-lens ${args.slice(1).join(' ')}`);
    const started = Date.now();
    const child = spawn(process.execPath, args, {
      cwd: workspace,
      env: { ...process.env, HOME: labs[0].home, ENERGY_LENS_ANALYZE: ANALYZE_COMMAND },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-200_000);
    });
    child.stdout.on('data', (d: Buffer) => process.stdout.write(d));
    // Drop the Orin's connection once it has measured a while.
    const killer = setTimeout(
      () => {
        const pids = sessionPids(labs[1].sshd.pid);
        for (const pid of pids) process.kill(pid, 'SIGKILL');
        console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] killed ${pids.length} sshd session process(es) of the orin board`);
      },
      Number(option('--kill-after') ?? 40) * 1000,
    );
    const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
    clearTimeout(killer);
    const wall = (Date.now() - started) / 1000;
    console.log(
      stderr
        .split('\n')
        .filter((l) => /complete|failed|retry|retrying|Power mode|power mode/i.test(l))
        .slice(-60)
        .join('\n'),
    );
    console.log(`exit ${code}, wall time ${wall.toFixed(0)} s for ${nets.length} networks × ${labs.length} boards × 3 modes`);

    const folder = path.join(workspace, 'records');
    const files = fs.readdirSync(folder).filter((f) => f.endsWith('.jsonl'));
    let problems = 0;
    for (const f of files) {
      const read = readCampaignFile(path.join(folder, f));
      const names = read.layers.map((l) => l.name);
      const dup = names.length - new Set(names).size;
      const lost = read.planned.filter((p) => !names.includes(p)).length;
      if (read.status !== 'complete' || dup || lost) {
        problems++;
        console.log(`  ${f}: ${read.status}, ${lost} lost, ${dup} duplicated`);
      }
    }
    console.log(`${files.length} campaign files, ${problems} with lost/duplicated layers or not complete`);
    const after = labs.map(status);
    console.log(`nvpmodel status before ${before.join(', ')}; after ${after.join(', ')}`);

    const index = MeasurementIndex.fromFolder(folder);
    const shas = new Set(
      index
        .campaigns()
        .map((c) => c.campaign?.network.sha256)
        .filter((s): s is string => !!s),
    );
    for (const sha of shas) {
      const runs = index.allFor(sha);
      console.log(`\n${runs[0].networkPath}`);
      for (const choice of measuredModes(runs)) {
        const figures = choice.figures
          .map(
            (f) =>
              `${modeLabel(f)} ${formatEnergy(f.energy_mJ)} / ${formatLatency(f.latency_ms ?? NaN)}${f.energyGap ? ' (incomplete)' : ''}`,
          )
          .join('; ');
        const best = choice.best
          ? `best ${modeLabel(choice.best)}${choice.energyChangePct !== undefined && choice.best.mode !== 0 ? ` (${formatChange(choice.energyChangePct)} energy, ${formatChange(choice.latencyChangePct ?? NaN)} latency vs MAXN)` : ''}`
          : `none: ${choice.why}`;
        console.log(`  ${choice.target} (${choice.measure}): ${figures} → ${best}`);
      }
    }
    if (code !== 0 || problems > 0 || after.some((s, i) => s !== before[i])) process.exitCode = 1;
  } finally {
    await Promise.all(labs.map((l) => l.dispose()));
    if (!option('--keep')) fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
