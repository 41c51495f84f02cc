// A small handle on an emulated Jetson board (client/board/emulator/emulate.py) for tests and the demo:
// create its root, start/stop its power sensor, give the environment a login on it needs, and read the
// hidden ground truth (tests only: the agent never sees it).
import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export type EmulatedBoardKind = 'jetson-tx1' | 'jetson-tx1-nosensor' | 'jetson-tx2' | 'jetson-orin';

export interface EmulatedBoardOptions {
  kind: EmulatedBoardKind;
  /** Folder for the board's files (created; default: a new temporary folder, removed by dispose()). */
  root?: string;
  /** Multiplies every emulated duration and the sensor's averaging window (default 1: real time). */
  timeScale?: number;
  /** Fixes the board's hidden parameters (default 1). */
  seed?: number;
  /** Analysis command the emulated Caffe runs on a prototxt (its path appended), e.g. `node out/cli/energy-lens.js analyze --json`. */
  analyzeCommand?: string;
  /** A fixed analysis JSON file instead of a command (tests, before the CLI exists). */
  analyzeJson?: string;
  /** Python 3 interpreter (default `python3`). */
  python?: string;
}

export interface LayerTruth {
  index: number;
  name: string;
  type: string;
  in_place: boolean;
  /** One call in a steady-state loop, in the board's (scaled) time. */
  time_ms: number;
  /** The same without the time scale: what the real board would take. */
  board_time_ms: number;
  /** Mean power of the total rail (or sum of rails) while the layer runs. */
  power_mw: number;
  rails_mw: Record<string, number>;
  energy_mj: number;
  dynamic_energy_mj: number;
  board_energy_mj: number;
  /** One call inside a full forward (cold caches, after its predecessor), scaled: these add up to the net. */
  in_forward_time_ms: number;
  in_forward_power_mw: number;
  in_forward_energy_mj: number;
  in_forward_dynamic_energy_mj: number;
}

export interface BoardTruth {
  v: 1;
  network: string;
  kind: EmulatedBoardKind;
  mode: 'cpu' | 'gpu';
  threads: number;
  time_scale: number;
  idle_power_mw: number;
  layers: LayerTruth[];
  /** One full forward (layers in sequence, cold weights, plus the net's overhead). */
  net: { time_ms: number; board_time_ms: number; power_mw: number; energy_mj: number; dynamic_energy_mj: number; board_energy_mj: number };
}

export interface EmulatedBoard {
  readonly kind: EmulatedBoardKind;
  readonly root: string;
  readonly timeScale: number;
  /** ENERGY_LENS_BOARD_ROOT, PYTHONPATH (emulated pycaffe) and PATH (emulated `caffe` first). */
  readonly env: Record<string, string>;
  /** Path of the board agent a client uploads to the board (here: runs in place). */
  readonly agentPath: string;
  /** Starts the power sensor (resolves once its first values are published). Idempotent. */
  start(): Promise<void>;
  /** Stops the sensor process this handle started. Idempotent. */
  stop(): Promise<void>;
  truth(prototxtPath: string, opts?: { mode?: 'cpu' | 'gpu'; threads?: number }): Promise<BoardTruth>;
  /** stop(), then remove the root if it was a temporary folder. */
  dispose(): Promise<void>;
}

function findUp(start: string, rel: string): string | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const p = path.join(dir, rel);
    if (fs.existsSync(p)) return p;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Folder of emulate.py: beside the sources, or found upwards from a bundle in out/. */
export function emulatorDir(): string {
  const env = process.env.ENERGY_LENS_EMULATOR_DIR;
  if (env) return env;
  const found = findUp(__dirname, path.join('client', 'board', 'emulator', 'emulate.py'));
  if (!found) throw new Error(`cannot find client/board/emulator/emulate.py above ${__dirname}`);
  return path.dirname(found);
}

export function agentPath(): string {
  return path.join(path.dirname(emulatorDir()), 'agent', 'energy_lens_agent.py');
}

function run(python: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(python, args, { env: env ?? process.env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(args[0])} ${args[1]} failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

export async function createEmulatedBoard(opts: EmulatedBoardOptions): Promise<EmulatedBoard> {
  const python = opts.python ?? 'python3';
  const script = path.join(emulatorDir(), 'emulate.py');
  const temporary = opts.root === undefined;
  const root = opts.root ?? fs.mkdtempSync(path.join(os.tmpdir(), `energy-lens-${opts.kind}-`));
  const timeScale = opts.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error(`timeScale must be > 0, got ${timeScale}`);
  const args = [script, 'create', '--kind', opts.kind, '--root', root, '--time-scale', String(timeScale), '--seed', String(opts.seed ?? 1)];
  if (opts.analyzeCommand) args.push('--analyze', opts.analyzeCommand);
  if (opts.analyzeJson) args.push('--analyze-json', opts.analyzeJson);
  const created = JSON.parse(await run(python, args)) as { root: string; env: Record<string, string> };
  let sensor: ChildProcess | undefined;

  const board: EmulatedBoard = {
    kind: opts.kind,
    root: created.root,
    timeScale,
    env: created.env,
    agentPath: agentPath(),
    start() {
      if (sensor) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const child = spawn(python, [script, 'serve', '--root', created.root], { stdio: ['ignore', 'pipe', 'pipe'] });
        sensor = child;
        let err = '';
        let out = '';
        const timer = setTimeout(() => reject(new Error(`sensor did not start in 20 s: ${err}`)), 20000);
        child.stderr!.on('data', (d: Buffer) => {
          err += d.toString();
        });
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('ready')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', (code) => {
          clearTimeout(timer);
          if (sensor === child) sensor = undefined;
          reject(new Error(`sensor exited (code ${code}): ${err.trim()}`));
        });
      });
    },
    stop() {
      const child = sensor;
      sensor = undefined;
      if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      });
    },
    async truth(prototxtPath, truthOpts = {}) {
      const targs = [script, 'truth', '--root', created.root, '--model', path.resolve(prototxtPath), '--mode', truthOpts.mode ?? 'cpu'];
      if (truthOpts.threads) targs.push('--threads', String(truthOpts.threads));
      return JSON.parse(await run(python, targs, { ...process.env, ...created.env })) as BoardTruth;
    },
    async dispose() {
      await board.stop();
      if (temporary) fs.rmSync(created.root, { recursive: true, force: true });
    },
  };
  return board;
}
