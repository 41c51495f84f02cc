// What each model format version may contain, checked where a schema cannot (a version-1 file must not
// use version-2 features, nor an older file a latency section; a smooth-max sub-model needs its
// exponent), and the lowest version that expresses a model, which writers use so that older readers
// keep reading models without new features.
import type { EnergyModel, FormatVersion, SubModel } from './model';
import { parseTerm, usesTiles } from './terms';

export interface VersionError {
  pointer: string;
  message: string;
}

/** The version-2 features a sub-model uses, named for messages. */
function versionTwoFeatures(sub: SubModel): string[] {
  const used: string[] = [];
  if (sub.form !== undefined && sub.form !== 'linear') used.push(`form '${sub.form}'`);
  if (sub.exponent !== undefined) used.push('exponent');
  if (sub.biasCorrection !== undefined) used.push('biasCorrection');
  if (sub.provenance.family === 'search') used.push("provenance family 'search'");
  for (const text of sub.features) {
    const term = parseTerm(text);
    if (!('error' in term) && usesTiles(term)) used.push(`tiled term '${text}'`);
  }
  return used;
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Every sub-model of the file with its JSON pointer: energy ones, then latency ones. */
export function pointedSubModels(model: EnergyModel): Array<{ at: string; key: string; sub: SubModel; section: 'subModels' | 'latency' }> {
  const energy = Object.entries(model.subModels).map(([key, sub]) => ({
    at: `/subModels/${escapePointer(key)}`,
    key,
    sub,
    section: 'subModels' as const,
  }));
  const latency = Object.entries(model.latency?.subModels ?? {}).map(([key, sub]) => ({
    at: `/latency/subModels/${escapePointer(key)}`,
    key,
    sub,
    section: 'latency' as const,
  }));
  return [...energy, ...latency];
}

export function formatVersionFor(model: EnergyModel): FormatVersion {
  if (model.latency !== undefined) return 3;
  return pointedSubModels(model).some(({ sub }) => versionTwoFeatures(sub).length > 0) ? 2 : 1;
}

export function versionErrors(model: EnergyModel): VersionError[] {
  const errors: VersionError[] = [];
  if (model.latency !== undefined && model.formatVersion < 3) {
    errors.push({ pointer: '/latency', message: 'latency sub-models need "formatVersion": 3' });
  }
  for (const { at, sub } of pointedSubModels(model)) {
    const v2 = versionTwoFeatures(sub);
    if (model.formatVersion === 1 && v2.length > 0) {
      errors.push({ pointer: at, message: `uses ${v2.join(', ')}, which need "formatVersion": 2` });
    }
    if (sub.form === 'smooth-max') {
      if (sub.exponent === undefined) errors.push({ pointer: `${at}/exponent`, message: 'a smooth-max sub-model needs its exponent' });
      if (sub.link === 'log')
        errors.push({
          pointer: `${at}/link`,
          message: "a smooth-max sub-model adds costs in the file's unit (mJ or ms): its link must be identity",
        });
      sub.coefficients.forEach((c, i) => {
        if (!(c > 0)) errors.push({ pointer: `${at}/coefficients/${i}`, message: `a smooth-max cost must be > 0 (got ${c})` });
      });
    } else if (sub.exponent !== undefined) {
      errors.push({ pointer: `${at}/exponent`, message: 'only a smooth-max sub-model has an exponent' });
    }
  }
  return errors;
}
