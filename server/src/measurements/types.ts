// The measurement records format: one JSON-lines file per campaign under
// `<workspace>/.energy-lens/measurements/`. The client's campaign runner writes it, the server (hover,
// CodeLens, refit) reads it. Line 1 is the campaign header; every later line is one record, appended
// and fsynced as it happens, so a crash keeps everything measured before it. Units are in the names:
// `_ms`, `_mW`, `_mJ`, `_s`. Times of day are ISO 8601 UTC strings.
import type { LayerFeatures } from '../net/types';

export const RECORDS_FORMAT = 'energy-lens-measurements';
/** Bumped on any change a reader of the previous version would misread. */
export const RECORDS_VERSION = 1;
/** Where campaign files live, relative to a workspace folder. */
export const MEASUREMENTS_FOLDER = '.energy-lens/measurements';

export type TargetKindName =
  'jetson-tx1' | 'jetson-tx2' | 'jetson-nano' | 'jetson-xavier' | 'jetson-orin' | 'generic-linux' | 'snapdragon-820';

export interface CampaignTargetInfo {
  /** The name of the target in `energyLens.targets` (used to reconnect on resume). */
  name: string;
  kind: TargetKindName;
  host: string;
  port?: number;
  user?: string;
  device: 'cpu' | 'gpu';
  threads?: number;
}

/** A layer as the editor's analysis saw it when the campaign started (features feed the refit). */
export interface PlannedLayerInfo {
  name: string;
  type: string;
  /** Inserted by Caffe (Split), not written in the file. */
  isSplit?: boolean;
  features: LayerFeatures;
}

export interface CampaignNetworkInfo {
  /** Path relative to the workspace folder, with `/` separators. */
  path: string;
  /** The net's `name:` (may be empty). */
  name: string;
  /** networkTextSha256 of the file's text when the campaign started. */
  sha256: string;
  weights?: { path: string; sha256: string };
  /** Options the features were analysed with. */
  analysis: { phase: 'TEST' | 'TRAIN'; batch: number };
  layers: PlannedLayerInfo[];
}

export interface CampaignMethodInfo {
  /** What was asked of the agent (`auto` lets it pick steady-state with pycaffe, else caffe-time). */
  requested: 'auto' | 'steady-state' | 'caffe-time' | 'boundary';
  repetitions: number;
  minLoop_s: number;
  idle_s?: number;
  iterations?: number;
  netCheck: boolean;
  /** The agent's full argument list after `run --model X` (for reproducing the campaign by hand). */
  agentArgs: string[];
}

/** Where the numbers come from, as the fitting and the editor's platform picker name it. Optional: older records derive it. */
export interface CampaignPlatformInfo {
  /** `jetson-tx1/caffe-openblas/cpu/1t`: the id of the built-in or saved model for this platform (see platform-id.ts). */
  id: string;
  board: TargetKindName;
  /** `caffe-openblas` (CPU) or `caffe-cudnn` (GPU). */
  backend: string;
  device: 'cpu' | 'gpu';
  threads?: number;
  batch: number;
  /** The nvpmodel power mode the board was in (null when it has none or did not say). */
  mode?: number | null;
}

/** An emulated board's speed: durations and energies are `timeScale` times the real board's. */
export interface EmulatorInfo {
  /** Null when the campaign could not know it (the target did not say): no comparison is made then. */
  timeScale: number | null;
}

/** An external probe in the battery line (samples from a host command) or the phone's own fuel gauge. */
export interface PowerSourceInfo {
  kind: 'external-probe' | 'fuel-gauge';
  /** external-probe: the capture command as configured. */
  command?: string;
  sampleRate_Hz?: number;
  /** fuel-gauge: the battery's sysfs folder, the detected update period and sign of current_now while discharging. */
  battery?: string;
  updatePeriod_ms?: number;
  dischargeSign?: 1 | -1;
}

export interface CampaignHeader {
  type: 'campaign';
  format: typeof RECORDS_FORMAT;
  version: number;
  id: string;
  created: string;
  target: CampaignTargetInfo;
  /** What the agent's `probe` said (board model, L4T, rails, governors, Caffe, Python), as is. */
  probe: Record<string, unknown>;
  emulated: boolean;
  /** Emulated boards: the time scale (absent in records written before it was recorded: unknown). */
  emulator?: EmulatorInfo;
  platform?: CampaignPlatformInfo;
  /** Phones (adb targets): what the power figures come from. Absent for boards with an on-board monitor. */
  powerSource?: PowerSourceInfo;
  network: CampaignNetworkInfo;
  method: CampaignMethodInfo;
}

/** One connection's run of the agent: the first, then one per resume. */
export interface SessionRecord {
  type: 'session';
  session: number;
  at: string;
  resumed: boolean;
  agent: string;
  /** The method the agent actually used. */
  method: string;
  board?: string | null;
  l4t?: string | null;
  rails: string[];
  totalRail?: string | null;
  cpuRail?: string | null;
  gpuRail?: string | null;
  /** Layers this session set out to measure, in order. */
  planned: string[];
  /** Layers left out because earlier sessions measured them. */
  skipped: string[];
}

export interface IdleRecord {
  type: 'idle';
  session: number;
  at: string;
  power_mW: number;
  window_s: number;
  duration_s?: number;
  /** First idle of a session: how the sensor period and the harness were calibrated (for audit). */
  calibration?: IdleCalibration;
  /** Which idle bracket this is (before the layers, every few minutes between them, after them). */
  bracket?: IdleBracket;
}

/** The sensor's update period: several estimates, their median (bounded by the configured period). */
export interface WindowCalibration {
  window_s: number;
  /** `measured`, `bounded` (the estimate exceeded the configured period, which was used) or `default`. */
  source: string;
  configured_s?: number;
  estimates_s: number[];
  /** Standard deviation of the estimates relative to their median. */
  spread?: number;
}

/** One call of the measuring loop without a layer (a no-op layer call): subtracted from every layer call. */
export interface HarnessCalibration {
  /** What was called, e.g. `layer input (Input)`. */
  noop: string;
  time_ms: number;
  power_mW: number;
  energy_mJ: number;
  spread: Spread;
  calls?: number;
}

export interface IdleCalibration {
  window?: WindowCalibration;
  harness?: HarnessCalibration;
}

export interface IdleBracket {
  /** 0 for the first idle of the session. */
  index: number;
  /** Seconds since the agent started. */
  at_s: number;
  /** This idle power minus the session's first (mW). */
  drift_mW: number;
  /** An empty loop of the measuring loop's shape: its power and time per iteration. */
  loopPower_mW?: number;
  loopTime_ms?: number;
}

/** Standard deviations over the repetitions. */
export interface Spread {
  time_ms?: number;
  energy_mJ?: number;
  dynamic_energy_mJ?: number;
  power_mW?: number;
}

export interface LayerRecord {
  type: 'layer';
  session: number;
  at: string;
  name: string;
  /** Caffe's type name (null when the method could not tell, e.g. caffe-time). */
  layerType: string | null;
  index: number;
  method: string;
  /** One call of the layer. */
  time_ms: number;
  /** Mean power of the total rail (or the sum of rails) while the layer ran. */
  power_mW: number;
  /** Mean power per rail, by the rail's name on the board. */
  rails_mW: Record<string, number>;
  idle_power_mW: number;
  /** Gross energy of one call (power x time). */
  energy_mJ: number;
  /** Above idle: (power - idle) x time. */
  dynamic_energy_mJ: number;
  spread: Spread;
  repetitions: number;
  calls: number;
  /** Every repetition had enough settled sensor windows. */
  settled: boolean;
  inPlace: boolean;
  /** What was subtracted from the loop's figures per call, and how many tries the layer took. */
  calibration?: LayerCalibration;
}

/** Per call of a layer's loop: the harness (a no-op call) and, for in-place layers, the restores. */
export interface LayerCalibration {
  harness_time_ms?: number;
  harness_energy_mJ?: number;
  restore_time_ms?: number;
  restore_energy_mJ?: number;
  /** Loops that gave no value are measured again: 1 when the first try worked. */
  tries?: number;
  /** The layer is shorter than the harness resolves: time and energy are 0, not a measurement. */
  belowResolution?: boolean;
}

/** A layer inside whole forwards (cold caches, after its predecessor), not looped alone. */
export interface InForwardLayer {
  time_ms: number;
  /** The layer's isolated power times its in-forward time (absent when it was not measured in this session). */
  energy_mJ?: number;
  dynamic_energy_mJ?: number;
}

export interface NetInForward {
  /** `callbacks`: pycaffe's before/after_forward timestamps, minus their cost on the no-op Input layer. */
  method: string;
  forwards: number;
  callback_ms?: number;
  layers: Record<string, InForwardLayer>;
  /** Sum of the layers' in-forward energies and its difference from the whole net (%). */
  sum_energy_mJ: number;
  residual_pct?: number;
}

export interface IdleDrift {
  brackets: number;
  /** Last idle minus the first (mW). */
  drift_mW: number;
  range_mW: number;
}

/** The whole-net cross-check: back-to-back full forwards. */
export interface NetRecord {
  type: 'net';
  session: number;
  at: string;
  method: string;
  time_ms: number;
  power_mW: number;
  energy_mJ: number;
  dynamic_energy_mJ: number;
  spread: Spread;
  iterations: number;
  /** Sum of the layers' isolated (looped) energies and its difference from the whole net (%). */
  isolated?: { sum_energy_mJ: number; residual_pct?: number; layers: number };
  inForward?: NetInForward;
  idleDrift?: IdleDrift;
}

export type EndStatus = 'complete' | 'cancelled' | 'failed' | 'interrupted';

export interface EndRecord {
  type: 'end';
  session: number;
  at: string;
  status: EndStatus;
  message?: string;
  layersMeasured: number;
}

export type CampaignRecord = SessionRecord | IdleRecord | LayerRecord | NetRecord | EndRecord;
export type AnyRecord = CampaignHeader | CampaignRecord;

/** A problem found while reading a records file: where, and what is wrong. */
export interface RecordProblem {
  file: string;
  /** 1-based line (0 for the file as a whole). */
  line: number;
  severity: 'error' | 'warning';
  message: string;
}

/** A layer record and the line it came from (the refit's data rows point there). */
export type LayerEntry = LayerRecord & {
  line: number;
  /**
   * Set on reading when idle brackets of the layer's session lie before and after it: the idle power
   * interpolated between them at the layer's time, and the dynamic energy as recorded (against the
   * latest bracket only). `dynamic_energy_mJ` is then against the interpolated idle.
   */
  idleInterpolated?: { idle_mW: number; between: [string, string]; recordedDynamic_mJ: number };
};

/**
 * complete: every planned layer measured and the last session ended normally; partial: some
 * layers missing (cancelled, failed, connection lost, or still running); empty: nothing measured.
 */
export type CampaignStatus = 'complete' | 'partial' | 'empty';

export interface CampaignRead {
  file: string;
  /** Undefined when the file is not a usable campaign (see problems). */
  campaign?: CampaignHeader;
  /** One entry per measured layer in measurement order; a layer measured twice keeps the later. */
  layers: LayerEntry[];
  sessions: SessionRecord[];
  idle: IdleRecord[];
  /** The latest whole-net cross-check. */
  net?: NetRecord & { line: number };
  ends: EndRecord[];
  /** Union of every session's plan (the first session plans the whole net). */
  planned: string[];
  status: CampaignStatus;
  /** `at` of the last record (the header's `created` when there is none). */
  updated?: string;
  problems: RecordProblem[];
  /** Byte length of the file's complete lines (a torn last line excluded). */
  validBytes: number;
}
