// Energy models: the file format, loading and the registry, and per-layer/whole-net prediction.
// The fitting engine lives in ./fit (it is only needed by the CLI, the script and the refit panel).
export * from './model';
export { loadModelFile, parseModelText, validateModel } from './load-model';
export type { ModelFieldError, ModelLoadResult } from './load-model';
export { ModelRegistry, buildRegistry, describeSource, WORKSPACE_MODEL_DIR } from './registry';
export type { ModelOrigin, ModelSource, RegisteredModel, RegistryOptions, RegistryProblem } from './registry';
export { BUILTIN_MODELS, DEFAULT_PLATFORM_ID } from './builtin';
export { predictNet, predictLayer, PredictionCache, combineIndependent, INTERVAL_LEVEL, INTERVAL_ASSUMPTION, Z_90 } from './predict';
export type { LayerPrediction, LayerStatus, NetPrediction, TypeTotal, Interval, PredictOptions } from './predict';
export { formatFormula, formatEnergyCoefficient } from './formula';
export { evaluateSubModel } from './evaluate';
