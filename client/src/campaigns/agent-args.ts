// The agent's `run` arguments for a target (device, threads, repetitions, loop and idle times) and,
// on resume, the layers to leave out (a JSON list inline, or a file on the board when it is long).
import type { TargetConfig } from '../board/targets';

export interface RunArgsInput {
  target: TargetConfig;
  remoteModel: string;
  remoteWeights?: string;
  /** Layers measured by earlier sessions. */
  skip?: readonly string[];
  /** A file on the board holding `skip` as a JSON list (for lists too long for one argument). */
  skipFile?: string;
  /** False when an earlier session already ran the whole-net check. */
  netCheck?: boolean;
  /** Batch the editor analysed the net at: the agent reshapes the inputs to it, so energies are comparable. */
  batch?: number;
}

/** Everything after `run` except the paths (kept in the campaign header for reproducing by hand). */
export function measurementArgs(target: TargetConfig): string[] {
  const args: string[] = [];
  if (target.device === 'gpu') args.push('--gpu', String(target.gpuDevice));
  else args.push('--cpu');
  if (target.threads !== undefined) args.push('--threads', String(target.threads));
  args.push('--repetitions', String(target.repetitions), '--min-loop', String(target.minLoopSeconds));
  if (target.idleSeconds !== undefined) args.push('--idle-time', String(target.idleSeconds));
  if (target.settleWindows !== undefined) args.push('--settle-windows', String(target.settleWindows));
  if (target.minWindows !== undefined) args.push('--min-windows', String(target.minWindows));
  if (target.powerMode !== undefined) args.push('--power-mode', String(target.powerMode));
  return args;
}

/** Longest skip list passed inline; Linux caps one argument at 128 KiB (MAX_ARG_STRLEN). */
export const MAX_INLINE_SKIP_BYTES = 32 * 1024;

/** True when `skip` must go to the board as a file (`skipFile`) rather than inline. */
export function skipListNeedsFile(skip: readonly string[] | undefined): boolean {
  return skip !== undefined && Buffer.byteLength(JSON.stringify(skip)) > MAX_INLINE_SKIP_BYTES;
}

export function runArgs(i: RunArgsInput): string[] {
  const args = ['run', '--model', i.remoteModel];
  if (i.remoteWeights) args.push('--weights', i.remoteWeights);
  args.push(...measurementArgs(i.target));
  if (i.batch !== undefined) args.push('--batch', String(i.batch));
  // A JSON list, not commas: a layer name may contain a comma.
  if (i.skipFile) args.push('--skip-layers-file', i.skipFile);
  else if (i.skip && i.skip.length > 0) args.push('--skip-layers-json', JSON.stringify(i.skip));
  if (!(i.netCheck ?? i.target.netCheck)) args.push('--no-net-check');
  return args;
}
