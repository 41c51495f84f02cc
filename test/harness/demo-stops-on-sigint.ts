// `npm run test:demo`: `npm start` comes up, and SIGINT to npm (what Ctrl-C reaches first) stops the
// demo and everything it started: code-server, the emulated board's sensor (python), sshd. Every
// process below npm is recorded while the demo runs; all must be gone within the grace period.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './harness-paths';

const READY_TIMEOUT_MS = 5 * 60_000;
const STOP_TIMEOUT_MS = 30_000;

/** Pids of every process below `root` (from /proc: ppid is the 4th field of /proc/<pid>/stat). */
function descendants(root: number): Map<number, string> {
  const children = new Map<number, number[]>();
  const names = new Map<number, string>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      (children.get(ppid) ?? children.set(ppid, []).get(ppid)!).push(Number(entry));
      names.set(Number(entry), fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim().slice(0, 120));
    } catch {
      /* gone meanwhile */
    }
  }
  const found = new Map<number, string>();
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      found.set(c, names.get(c) ?? '');
      walk(c);
    }
  };
  walk(root);
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<boolean> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'energy-lens-demo-ws-'));
  // detached: npm leads its own process group, so a failed check can end exactly what it started.
  const npm = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '0', ENERGY_LENS_DEMO_WORKSPACE: workspace },
  });
  let output = '';
  let started = new Map<number, string>();
  npm.stdout.on('data', (d: Buffer) => {
    output += d.toString();
  });
  npm.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  try {
    for (const deadline = Date.now() + READY_TIMEOUT_MS; !output.includes('Ctrl-C to stop.'); await sleep(500)) {
      if (npm.exitCode !== null || Date.now() > deadline) {
        console.error(`[demo] did not come up (${npm.exitCode !== null ? `exit ${npm.exitCode}` : 'timeout'}):\n${output.slice(-3000)}`);
        return false;
      }
    }
    started = descendants(npm.pid!);
    const kinds = ['code-server', 'sshd', 'emulate.py'];
    const missing = kinds.filter((k) => ![...started.values()].some((cmd) => cmd.includes(k)));
    if (missing.length > 0) {
      console.error(`[demo] expected ${missing.join(', ')} among the demo's processes: ${[...started.values()].join(' | ')}`);
      return false;
    }
    console.log(`[demo] up with ${started.size} processes below npm; SIGINT to npm (${npm.pid})`);
    process.kill(npm.pid!, 'SIGINT');
    const all = [npm.pid!, ...started.keys()];
    for (const deadline = Date.now() + STOP_TIMEOUT_MS; all.some(alive); await sleep(250)) {
      if (Date.now() > deadline) {
        const left = all.filter(alive).map((p) => `${p} ${started.get(p) ?? 'npm'}`);
        console.error(`[demo] still running ${STOP_TIMEOUT_MS / 1000} s after SIGINT: ${left.join(' | ')}`);
        return false;
      }
    }
    console.log('[demo] SIGINT to npm stopped the demo and everything it started');
    return true;
  } finally {
    // After a failed check: end exactly what this run started (npm's group, and the recorded pids,
    // some of which lead groups of their own).
    for (const pid of [-npm.pid!, ...started.keys()]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone: the normal case */
      }
    }
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().then(
  (ok) => {
    console.log(ok ? '1 passed, 0 failed' : '0 passed, 1 failed');
    process.exit(ok ? 0 : 1);
  },
  (err: unknown) => {
    console.error(`[demo] ${err instanceof Error ? err.message : String(err)}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
