// A real sshd serving an emulated Jetson, and the pieces the campaign runner needs around it, for
// the runner tests. Everything lives in temporary folders and is removed by `dispose()`.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createEmulatedBoard, type EmulatedBoard, type EmulatedBoardKind } from '../../../client/src/board/emulator';
import { BoardConnection, type SshEnvironment } from '../../../client/src/board/ssh';
import { parseTarget, toBoardTarget, type TargetConfig } from '../../../client/src/board/targets';
import type { CampaignHooks } from '../../../client/src/campaigns/campaign-runner';
import type { Connect } from '../../../client/src/campaigns/board-session';
import { startSshd, type SshdFixture } from '../../harness/sshd-fixture';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const AGENT = path.join(REPO, 'client', 'board', 'agent', 'energy_lens_agent.py');
const TSX = path.join(REPO, 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs');
const PROTO_HOOK = path.join(REPO, 'test', 'unit', 'setup.js');
/** What the emulated Caffe runs to learn a net's layers (the prototxt path is appended). */
export const ANALYZE_COMMAND = `node --require ${TSX} --require ${PROTO_HOOK} ${path.join(__dirname, 'fixtures', 'analyze-cli.ts')} --json`;

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `energy-lens-${prefix}-`));
}

/** An SshEnvironment that reads nothing from the real ~/.ssh and trusts only `knownHostsFile`. */
export function sshEnvironment(home: string, knownHostsFile: string | undefined, log: (l: string) => void): SshEnvironment {
  return {
    homeDir: home,
    sshConfigPath: null,
    extensionKnownHostsPath: path.join(home, 'extension-known_hosts'),
    globalKnownHostsFiles: knownHostsFile ? [knownHostsFile] : [],
    agentSocket: null,
    log,
    ui: { confirmUnknownHost: async () => 'reject' },
  };
}

export function connectWith(home: string, log: (l: string) => void): Connect {
  return (t: TargetConfig, signal?: AbortSignal) =>
    BoardConnection.connect(toBoardTarget(t), sshEnvironment(home, t.knownHostsFile, log), { signal });
}

export interface Lab {
  board: EmulatedBoard;
  sshd: SshdFixture;
  home: string;
  workspace: string;
  logs: string[];
  hooks: CampaignHooks;
  connect: Connect;
  /** The target for the current sshd (port and known_hosts change when it is restarted). */
  target(extra?: Record<string, unknown>): TargetConfig;
  /** A new sshd for the same board (after kill()). */
  restartSshd(): Promise<void>;
  dispose(): Promise<void>;
}

export const FAST = { repetitions: 1, minLoopSeconds: 0.2, idleSeconds: 0.2, threads: 1 };

export async function startLab(kind: EmulatedBoardKind, timeScale = 0.05): Promise<Lab> {
  const board = await createEmulatedBoard({ kind, timeScale, seed: 7, analyzeCommand: ANALYZE_COMMAND });
  await board.start();
  const home = tempDir('client-home');
  const workspace = tempDir('workspace');
  const logs: string[] = [];
  const log = (l: string): void => {
    logs.push(l);
  };
  const lab: Lab = {
    board,
    sshd: await startSshd({ env: board.env }),
    home,
    workspace,
    logs,
    hooks: { log },
    connect: connectWith(home, log),
    target(extra = {}) {
      const knownHosts = path.join(home, `known_hosts-${lab.sshd.port}`);
      fs.writeFileSync(knownHosts, lab.sshd.knownHostsLine + '\n');
      const t = parseTarget({
        name: 'tx1',
        host: lab.sshd.host,
        port: lab.sshd.port,
        user: lab.sshd.user,
        identityFile: lab.sshd.userKeyPath,
        kind: 'jetson-tx1',
        knownHostsFile: knownHosts,
        ...FAST,
        ...extra,
      });
      if (typeof t === 'string') throw new Error(t);
      return t;
    },
    async restartSshd() {
      await lab.sshd.stop().catch(() => undefined);
      lab.sshd = await startSshd({ env: board.env });
    },
    async dispose() {
      await lab.sshd.stop().catch(() => undefined);
      await board.dispose();
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(workspace, { recursive: true, force: true });
    },
  };
  return lab;
}

/** Copies a network into the lab's workspace (as a user's file) and returns its path. */
export function addNetwork(lab: Lab, source: string, name = path.basename(source)): string {
  const dest = path.join(lab.workspace, 'nets', name);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.copyFileSync(source, dest);
  return dest;
}
