// What each model format version may contain, checked where a schema cannot (a version-1 file must not
// use version-2 features; a smooth-max sub-model needs its exponent), and the lowest version that
// expresses a model, which writers use so that older readers keep reading models without new features.
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

export function formatVersionFor(model: EnergyModel): FormatVersion {
  return Object.values(model.subModels).some((s) => versionTwoFeatures(s).length > 0) ? 2 : 1;
}

export function versionErrors(model: EnergyModel): VersionError[] {
  const errors: VersionError[] = [];
  for (const [key, sub] of Object.entries(model.subModels)) {
    const at = `/subModels/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const v2 = versionTwoFeatures(sub);
    if (model.formatVersion === 1 && v2.length > 0) {
      errors.push({ pointer: at, message: `uses ${v2.join(', ')}, which need "formatVersion": 2` });
    }
    if (sub.form === 'smooth-max') {
      if (sub.exponent === undefined) errors.push({ pointer: `${at}/exponent`, message: 'a smooth-max sub-model needs its exponent' });
      if (sub.link === 'log') errors.push({ pointer: `${at}/link`, message: 'a smooth-max sub-model is in mJ: its link must be identity' });
      sub.coefficients.forEach((c, i) => {
        if (!(c > 0)) errors.push({ pointer: `${at}/coefficients/${i}`, message: `a smooth-max cost must be > 0 (got ${c})` });
      });
    } else if (sub.exponent !== undefined) {
      errors.push({ pointer: `${at}/exponent`, message: 'only a smooth-max sub-model has an exponent' });
    }
  }
  return errors;
}
