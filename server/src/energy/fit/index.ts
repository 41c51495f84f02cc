// The fitting engine: datasets (CSV import), families, methods, validation, metrics, and the
// conversion of a fit into a model file.
export { type Dataset, type DataRow, FitError, datasetFromLayers } from './dataset';
export { importCsv, concatDatasets, splitCsvLine } from './csv';
export type { CsvColumn, CsvImportOptions, CsvImport, BadRow } from './csv';
export { FAMILIES, METHODS, resolveSpec, methodLabel } from './spec';
export type { Family, Method, FitSpec, ResolvedSpec, Weighting } from './spec';
export { fitDataset, parseCvScheme, describeCv } from './engine';
export type { CvScheme, FitReport, FittedTypeModel, CvReport, FitOptions } from './engine';
export { layerMetrics, networkMetrics } from './metrics';
export type { LayerMetrics, NetworkMetrics, NetworkError } from './metrics';
export { toEnergyModel, fittedSubModel, extrapolatedCopy, datasetDomains, finishModel, DEFAULT_APPLIES_TO } from './to-model';
export type { ToModelOptions } from './to-model';
export { mergeFittedModel } from './merge-fitted';
export type { ExistingModel, MergedModel } from './merge-fitted';
export { comparisonTable } from './table';
