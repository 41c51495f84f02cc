// Why a campaign could not run or stopped, as a message for the user plus the next step to take.
// The runner throws or returns these; the UI shows `message` and `nextStep` as they are.

export type CampaignFailureCode =
  | 'untrusted'
  | 'connect'
  | 'no-python'
  | 'probe-failed'
  | 'no-sensor'
  | 'no-caffe'
  | 'bad-network'
  | 'network-changed'
  | 'connection-lost'
  | 'agent-died'
  | 'agent-error'
  | 'records'
  | 'busy'
  | 'cancelled';

export class CampaignError extends Error {
  override name = 'CampaignError';
  /** Where in the network file the board's Caffe could not parse it (1-based line and column). */
  location?: { line: number; column: number; message: string };
  constructor(
    message: string,
    readonly code: CampaignFailureCode,
    readonly nextStep?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const RESUME_STEP =
  'Run "Energy Lens: Resume Campaign" (or Resume in the Campaigns view) to measure the remaining layers; the layers measured so far are kept.';

export function noSensor(board: string, hint: string | null | undefined): CampaignError {
  return new CampaignError(
    `${board} has no power sensor the agent can read (no INA3221 under /sys/bus/i2c/devices), so there is nothing to measure energy with.`,
    'no-sensor',
    hint ?? "Enable the INA3221 power monitor in the board's kernel/device tree, or measure with an external meter.",
  );
}

export function noCaffe(board: string, detail: string | undefined, hint: string | null | undefined): CampaignError {
  return new CampaignError(
    `${board} has no Caffe the agent can use (neither "import caffe" in its Python nor a caffe binary on PATH)${detail ? `: ${detail}` : ''}.`,
    'no-caffe',
    hint ?? 'Set "env": {"PYTHONPATH": "/home/<user>/caffe/python"} (and PATH for the caffe binary) on this target in energyLens.targets.',
  );
}

export function badNetwork(network: string, detail: string, location?: CampaignError['location']): CampaignError {
  const e = new CampaignError(
    `Caffe on the board cannot build ${network}: ${detail}`,
    'bad-network',
    "Fix the problems the editor shows in this file, or check that the board's Caffe knows every layer type it uses (layers from Caffe forks need that fork on the board).",
  );
  const ok = location && Number.isInteger(location.line) && location.line >= 1 && Number.isInteger(location.column) && location.column >= 1;
  if (ok) e.location = { line: location.line, column: location.column, message: String(location.message ?? '') };
  return e;
}
