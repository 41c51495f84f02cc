// Custom LSP messages between the Energy Lens client and server, declared once as typed message objects
// and imported by both sides. Only the protocol package may be imported here: the client bundles this file,
// so anything else it pulls in would grow the extension bundle (the import rules check it).
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';

// The settings are part of the protocol; they live in a leaf of their own so the CLI gets them alone.
export { DEFAULT_SETTINGS, type EnergyLensSettings } from './settings-defaults';

export interface ReportParams {
  uri: string;
}

export interface ReportLayerEnergy {
  predicted_mJ: number;
  low_mJ: number;
  high_mJ: number;
  share: number;
  model: string;
  extrapolated: boolean;
}

export interface ReportLayer {
  name: string;
  type: string;
  /** 0-based line of the layer block, for navigation. */
  line: number;
  outputShapes: Array<number[] | null>;
  macs: number | null;
  params: number | null;
  features: Record<string, number>;
  energy: ReportLayerEnergy | null;
  /** Set when this layer's numbers rest on an assumed fix of a schema error. */
  provisional?: string;
  /** Why there is no energy number (e.g. "not modelled", "shape unknown"). */
  energyNote?: string;
  /** Measured on a board, when a campaign measured exactly this text. */
  measured?: ReportLayerMeasured;
}

export interface ReportTotals {
  macs: number;
  params: number;
  energy: {
    predicted_mJ: number;
    low_mJ: number;
    high_mJ: number;
    coveredTypes: string[];
    notModelledTypes: string[];
    /** True when layers add nothing to the total (not modelled, or no number): the total is a lower bound. */
    lowerBound: boolean;
    /** What the total leaves out, one phrase each ("ReLU, Concat not modelled"). */
    gaps: string[];
    /** Set when numbers rest on an assumed fix of a schema error ("provisional (assumes kernel_size for kernal_size)"). */
    provisional?: string;
    /** How much of the total comes from sub-models without data of their types ("2.1 % extrapolated (ReLU, Concat)"). */
    extrapolated?: string;
  } | null;
  /** Per sub-model subtotals; `measured_mJ` sums the measured layers of that sub-model, where measured. */
  byType: Array<{ type: string; predicted_mJ: number; share: number; measured_mJ?: number }>;
  /** Sum of the measured layers of the current campaign (same kind as `measured` per layer: gross). */
  measured_mJ?: number;
}

export interface EnergyReport {
  uri: string;
  version: number;
  network: string;
  platform: { id: string; label: string; calibration: string } | null;
  layers: ReportLayer[];
  totals: ReportTotals;
  /** The campaign whose values are in `layers[].measured` (or a stale one of an older text). */
  measuredSource?: ReportMeasuredSource;
}

export interface PlatformInfo {
  id: string;
  label: string;
  calibration: string;
  source: string;
  /** The Jetson power mode the model describes, when its board has models in more than one mode (`…/mode<N>`; 0 = MAXN). */
  powerMode?: number;
}

/** `initializationOptions` the client starts the server with. */
export interface EnergyLensInitializationOptions {
  /** VS Code's workspace trust; the server reads workspace models, `energyLens.modelFiles` and records only when true. */
  workspaceTrusted: boolean;
}

export interface WorkspaceTrustParams {
  trusted: boolean;
}

export interface MeasurementsChangedParams {
  /** Absolute paths of campaign files written or deleted. */
  files: string[];
}

export interface HotLayersParams {
  uri: string;
  version: number;
  /** 0-based lines of the hungriest layers, hungriest first. */
  lines: number[];
}

export interface CaffemodelTextParams {
  path: string;
}

export interface CaffemodelTextResult {
  text?: string;
  /** Why the file could not be shown, naming it (and the byte offset for a malformed model). */
  error?: string;
}

export interface PairWeightsParams {
  /** URI of the prototxt document. */
  prototxtUri: string;
  /** File system path of the .caffemodel, or null to drop the pairing (same-name pairing applies again). */
  caffemodelPath: string | null;
}

export interface WeightsChangedParams {
  path: string;
}

// ---- Measurements (campaign records) in the report -------------------------------------------------

/** Measured values of one layer, for the report and any client view (mirrors MeasuredLayer). */
export interface ReportLayerMeasured {
  energy_mJ: number;
  dynamic_mJ: number;
  spreadPct: number;
  timeMs: number;
}

/** Which campaign the measured values come from, and whether the file changed since. */
export interface ReportMeasuredSource {
  /** Absolute path of the campaign file. */
  file: string;
  target: string;
  /** ISO date the campaign started. */
  date: string;
  status: 'complete' | 'partial' | 'empty';
  emulated: boolean;
  measuredCount: number;
  plannedCount: number;
  /** True when the newest campaign of this file measured another text (shown as "stale"). */
  stale: boolean;
}

// ---- The messages ----------------------------------------------------------------------------------

/** Full per-layer table of a document (webview and commands use it); null when the document is not open. */
export const ReportRequest = new RequestType<ReportParams, EnergyReport | null, void>('energyLens/report');

/** Known platforms (built-in models and model files found). */
export const PlatformsRequest = new RequestType0<PlatformInfo[], void>('energyLens/platforms');

/** Prototxt text of a `.caffemodel` file, decoded structurally (blobs skipped). */
export const CaffemodelTextRequest = new RequestType<CaffemodelTextParams, CaffemodelTextResult, void>('energyLens/caffemodelText');

/**
 * Client → server: campaign records were written or deleted. The file watcher also reports them, but
 * watchers miss events in some workspace locations; the writer knows for sure.
 */
export const MeasurementsChangedNotification = new NotificationType<MeasurementsChangedParams>('energyLens/measurementsChanged');

/** Server → client: the five most energy-hungry layers of a document, for overview-ruler marks. */
export const HotLayersNotification = new NotificationType<HotLayersParams>('energyLens/hotLayers');

/** Client → server: a prototxt was paired with a weights file ("Pair with Weights File…"), or unpaired (null). */
export const PairWeightsNotification = new NotificationType<PairWeightsParams>('energyLens/pairWeights');

/** Client → server: a .caffemodel changed on disk; re-read it and re-check the prototxts paired with it. */
export const WeightsChangedNotification = new NotificationType<WeightsChangedParams>('energyLens/weightsChanged');

/** Client → server: the user trusted the workspace (VS Code's onDidGrantWorkspaceTrust); workspace models and records may be read. */
export const WorkspaceTrustNotification = new NotificationType<WorkspaceTrustParams>('energyLens/workspaceTrust');
