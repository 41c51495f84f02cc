// Shared by the board tests: fixture paths, and running the board agent as a login on an emulated board does.
import { spawn, ChildProcess } from 'child_process';
import * as path from 'path';
import type { EmulatedBoard } from '../../../client/src/board/emulator';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const FIXTURES = path.join(__dirname, 'fixtures');
export const FIXTURE_NET = path.join(FIXTURES, 'board_fixture_net.prototxt');
export const FIXTURE_ANALYSIS = path.join(FIXTURES, 'board_fixture_net.analysis.json');

export interface AgentEvent {
  v: number;
  event: string;
  [key: string]: unknown;
}

export interface AgentRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  events: AgentEvent[];
  stdout: string;
  stderr: string;
  /** When the process exited (Date.now()). */
  exitedAt: number;
}

export interface RunOptions {
  /** Replaces the board's environment (default: process env + board env). */
  env?: NodeJS.ProcessEnv;
  onEvent?: (e: AgentEvent, child: ChildProcess) => void;
  timeoutMs?: number;
}

export function boardEnv(board: EmulatedBoard, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...board.env, ...extra };
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
  return env;
}

export function runAgent(board: EmulatedBoard, args: string[], opts: RunOptions = {}): Promise<AgentRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [board.agentPath, ...args], { env: opts.env ?? boardEnv(board) });
    const events: AgentEvent[] = [];
    let stdout = '';
    let stderr = '';
    let pending = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`agent ${args[0]} did not finish in ${opts.timeoutMs ?? 60000} ms; stderr: ${stderr.slice(-2000)}`));
    }, opts.timeoutMs ?? 60000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      pending += d.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (!line.trim()) continue;
        const e = JSON.parse(line) as AgentEvent;
        events.push(e);
        opts.onEvent?.(e, child);
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, events, stdout, stderr, exitedAt: Date.now() });
    });
  });
}

export function only(events: AgentEvent[], name: string): AgentEvent[] {
  return events.filter((e) => e.event === name);
}

export function relErr(measured: number, truth: number): number {
  return (measured - truth) / truth;
}
