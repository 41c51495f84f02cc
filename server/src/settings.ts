// Reads the `energyLens` configuration section defensively: a bad value falls back to its default.
import { DEFAULT_SETTINGS, type EnergyLensSettings } from './settings-defaults';

export function readSettings(raw: unknown): EnergyLensSettings {
  const section = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const oneOf = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T =>
    (allowed as readonly unknown[]).includes(value) ? (value as T) : fallback;
  const batch = Number(section.batchSize);
  return {
    phase: oneOf(section.phase, ['TEST', 'TRAIN'] as const, DEFAULT_SETTINGS.phase),
    batchSize: Number.isInteger(batch) && batch >= 1 ? batch : DEFAULT_SETTINGS.batchSize,
    platform: typeof section.platform === 'string' && section.platform ? section.platform : DEFAULT_SETTINGS.platform,
    inlayHints: oneOf(section.inlayHints, ['off', 'energy', 'energyAndShare'] as const, DEFAULT_SETTINGS.inlayHints),
    modelFiles: Array.isArray(section.modelFiles) ? section.modelFiles.filter((x): x is string => typeof x === 'string') : [],
    overviewRulerMarks: typeof section.overviewRulerMarks === 'boolean' ? section.overviewRulerMarks : DEFAULT_SETTINGS.overviewRulerMarks,
  };
}
