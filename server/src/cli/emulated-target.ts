// `profile --emulated`: an emulated Jetson on this machine, reached through a local link (no SSH),
// so a user without a board, or CI, gets a real campaign dataset from one command. Its Caffe learns
// the layers of a net from this same CLI's `analyze --json`.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createEmulatedBoard, type EmulatedBoard } from '../../../client/src/board/emulator';
import { LocalBoardLink } from '../../../client/src/board/local-board-link';
import { shellQuote } from '../../../client/src/board/ssh';
import { parseTarget, type TargetConfig } from '../../../client/src/board/targets';
import type { Connect } from '../../../client/src/campaigns/board-session';
import { EMULATED_KINDS, type EmulatedKindName } from './profile-args';

/** The emulator takes its analysis command from here when set (tests run the CLI from sources). */
const ANALYZE_ENV = 'ENERGY_LENS_ANALYZE';

export interface EmulatedTarget {
  target: TargetConfig;
  connect: Connect;
  agentPath: string;
  dispose(): Promise<void>;
}

/** `node [its flags] <this CLI> analyze --json`, quoted for the emulator's shlex split. */
function selfAnalyzeCommand(): string {
  return [process.execPath, ...process.execArgv, process.argv[1], 'analyze', '--json'].map(shellQuote).join(' ');
}

export async function startEmulatedTarget(
  kind: EmulatedKindName,
  timeScale: number,
  overrides: Record<string, unknown>,
  name = `emulated-${kind}`,
): Promise<EmulatedTarget | string> {
  const target = parseTarget({ name, host: 'localhost', kind: EMULATED_KINDS[kind], threads: 1, timeScale, ...overrides });
  if (typeof target === 'string') return `--emulated ${kind}: ${target}`;
  let board: EmulatedBoard;
  try {
    board = await createEmulatedBoard({
      kind: EMULATED_KINDS[kind],
      timeScale,
      analyzeCommand: process.env[ANALYZE_ENV] ?? selfAnalyzeCommand(),
    });
    await board.start();
  } catch (e) {
    return `could not start the emulated ${kind}: ${(e as Error).message}`;
  }
  // The board login's home stays inside the board's folder (the agent and uploads go there).
  const home = path.join(board.root, 'home');
  fs.mkdirSync(home, { recursive: true });
  const env = { ...board.env, HOME: home, TMPDIR: os.tmpdir() };
  return {
    target,
    agentPath: board.agentPath,
    connect: async (t) => new LocalBoardLink({ name: t.name }, env),
    dispose: () => board.dispose(),
  };
}
