// Measurement records (campaign files): the format, its writer (client) and reader (server).
export * from './types';
export { networkTextSha256, bytesSha256 } from './text-hash';
export { recordSchemaError } from './validate';
export { CampaignRecordWriter, RecordsWriteError, type ReopenResult } from './write';
export { parseCampaignText, readCampaignFile, readCampaignFileAsync, layersToMeasure } from './read';
export { MeasurementIndex, type MeasuredLayer, type MeasuredNetwork, type LookupOptions } from './measurement-index';
export { campaignFileName, compactTimestamp, measurementsFolder, newCampaignId, safeNamePart, workspaceRelative } from './file-names';
export { caffeBackend, campaignPlatform, platformId, platformIdOfCampaign, splitPowerMode, withPowerMode } from './platform-id';
export { describeRealUnits, realUnitsOf, type RealUnits } from './real-units';
