// The `energyLens` settings the server reads and their defaults, declared once: package.json's
// `contributes.configuration` defaults are checked against these (test/unit/manifest). A leaf with no
// imports, so the CLI and the client take the defaults without the protocol package.
/** Settings the server reads from the `energyLens` configuration section. */
export interface EnergyLensSettings {
  phase: 'TEST' | 'TRAIN';
  batchSize: number;
  /** Platform id of the energy model used for predictions. */
  platform: string;
  inlayHints: 'off' | 'energy' | 'energyAndShare';
  /** Extra model files or folders. */
  modelFiles: string[];
  overviewRulerMarks: boolean;
}

export const DEFAULT_SETTINGS: EnergyLensSettings = {
  phase: 'TEST',
  batchSize: 1,
  platform: 'jetson-tx1/caffe-openblas/cpu/1t',
  inlayHints: 'energyAndShare',
  modelFiles: [],
  overviewRulerMarks: true,
};
