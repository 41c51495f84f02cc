// An emulated Jetson served by a real OpenSSH server on 127.0.0.1: what the demo and the end-to-end
// profiling test connect to. The login's environment (authorized_keys `environment=`) is the only
// thing that makes it "emulated"; the agent and the SSH link are the real ones.
import * as fs from 'fs';
import * as path from 'path';
import { startSshd, type SshdFixture } from './sshd-fixture';
import { createEmulatedBoard, type EmulatedBoard, type EmulatedBoardKind } from '../../client/src/board/emulator';
import { REPO_ROOT } from './harness-paths';

export interface EmulatedBoardHost {
  /** An `energyLens.targets` entry that reaches the board. */
  target: Record<string, unknown>;
  board: EmulatedBoard;
  sshd: SshdFixture;
  stop(): Promise<void>;
}

export interface EmulatedBoardHostOptions {
  kind?: EmulatedBoardKind;
  /** Emulated time scale (1 = real time; tests use less). */
  timeScale?: number;
  name?: string;
  /** Loop time per layer the target asks the agent for (seconds, before the time scale). */
  minLoopSeconds?: number;
  repetitions?: number;
}

export async function startEmulatedBoardHost(options: EmulatedBoardHostOptions = {}): Promise<EmulatedBoardHost> {
  const kind = options.kind ?? 'jetson-tx1';
  const cli = path.join(REPO_ROOT, 'out', 'cli', 'energy-lens.js');
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: build first (node esbuild.mjs)`);
  const board = await createEmulatedBoard({
    kind,
    timeScale: options.timeScale ?? 1,
    analyzeCommand: `${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} analyze --json`,
  });
  await board.start();
  let sshd: SshdFixture;
  try {
    sshd = await startSshd({ env: board.env });
  } catch (error) {
    await board.dispose();
    throw error;
  }
  const knownHostsFile = path.join(sshd.dir, 'known_hosts');
  fs.writeFileSync(knownHostsFile, `${sshd.knownHostsLine}\n`);
  const scale = options.timeScale ?? 1;
  const target: Record<string, unknown> = {
    name: options.name ?? `${kind}-emulator`,
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    identityFile: sshd.userKeyPath,
    knownHostsFile,
    kind: kind.startsWith('jetson-tx1') ? 'jetson-tx1' : kind,
    device: 'cpu',
    threads: 1,
    python: 'python3',
    repetitions: options.repetitions ?? 3,
    minLoopSeconds: (options.minLoopSeconds ?? 2) * scale,
    timeScale: scale,
  };
  return {
    target,
    board,
    sshd,
    stop: async () => {
      await sshd.stop().catch(() => undefined);
      await board.dispose().catch(() => undefined);
    },
  };
}
