// Reads and validates model files: JSON syntax, then the JSON schema (ajv), then what a schema
// cannot say (one coefficient per term, terms naming known layer features, no type claimed twice).
// Every error names the file and the field as a JSON pointer, so a user can fix a hand-edited model.
import * as fs from 'fs';
import Ajv, { type ErrorObject } from 'ajv';
import schema from './model.schema.json';
import { type EnergyModel, isLayerFeatureName, LAYER_FEATURE_NAMES } from './model';
import { parseTerm } from './terms';
import { versionErrors } from './format-version';

export interface ModelFieldError {
  /** JSON pointer of the offending field ('' for the whole document). */
  pointer: string;
  message: string;
}

export type ModelLoadResult =
  | { model: EnergyModel }
  | { error: string; errors: ModelFieldError[] };

let compiled: ReturnType<Ajv['compile']> | undefined;
function schemaValidator(): ReturnType<Ajv['compile']> {
  compiled ??= new Ajv({ allErrors: true, strict: true }).compile(schema);
  return compiled;
}

export function loadModelFile(path: string): ModelLoadResult {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    return fail(path, [{ pointer: '', message: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` }]);
  }
  return parseModelText(text, path);
}

export function parseModelText(text: string, source: string): ModelLoadResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return fail(source, [{ pointer: '', message: `not valid JSON: ${describeJsonError(text, e as Error)}` }]);
  }
  return validateModel(value, source);
}

export function validateModel(value: unknown, source: string): ModelLoadResult {
  const validate = schemaValidator();
  if (!validate(value)) {
    return fail(source, (validate.errors ?? []).map(describeSchemaError));
  }
  const model = value as EnergyModel;
  const errors = [...semanticErrors(model), ...versionErrors(model)];
  return errors.length > 0 ? fail(source, errors) : { model };
}

function fail(source: string, errors: ModelFieldError[]): ModelLoadResult {
  const lines = errors.map((e) => `${source}: ${e.pointer || '/'}: ${e.message}`);
  return { error: lines.join('\n'), errors };
}

function describeSchemaError(e: ErrorObject): ModelFieldError {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { pointer: `${e.instancePath}/${escapePointer(String(params.missingProperty))}`, message: 'required field is missing' };
    case 'additionalProperties':
      return { pointer: `${e.instancePath}/${escapePointer(String(params.additionalProperty))}`, message: 'unknown field (not in the model format)' };
    case 'enum':
      return { pointer: e.instancePath, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { pointer: e.instancePath, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'propertyNames':
      return { pointer: `${e.instancePath}/${escapePointer(String(params.propertyName))}`, message: 'not a valid layer type name' };
    default:
      return { pointer: e.instancePath, message: e.message ?? e.keyword };
  }
}

function semanticErrors(model: EnergyModel): ModelFieldError[] {
  const errors: ModelFieldError[] = [];
  const claimedBy = new Map<string, string>();
  for (const key of Object.keys(model.subModels)) claimedBy.set(key, key);
  for (const [key, sub] of Object.entries(model.subModels)) {
    const at = `/subModels/${escapePointer(key)}`;
    if (sub.coefficients.length !== sub.features.length) {
      errors.push({ pointer: `${at}/coefficients`, message: `has ${sub.coefficients.length} values but features has ${sub.features.length}: one coefficient per feature` });
    }
    sub.features.forEach((text, i) => {
      const term = parseTerm(text);
      if ('error' in term) {
        errors.push({ pointer: `${at}/features/${i}`, message: term.error });
        return;
      }
      for (const f of term.factors) {
        if (!isLayerFeatureName(f.name)) {
          errors.push({ pointer: `${at}/features/${i}`, message: `unknown layer feature '${f.name}' (known: ${LAYER_FEATURE_NAMES.join(', ')})` });
        }
      }
    });
    (sub.appliesTo ?? []).forEach((type, i) => {
      const owner = claimedBy.get(type);
      if (owner !== undefined && owner !== key) {
        errors.push({ pointer: `${at}/appliesTo/${i}`, message: `layer type '${type}' is already predicted by sub-model '${owner}'` });
      } else {
        claimedBy.set(type, key);
      }
    });
  }
  return errors;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function describeJsonError(text: string, e: Error): string {
  // V8 quotes the text around the error in some messages (possibly at length): keep only the reason.
  const reason = e.message.replace(/,\s*"[\s\S]*" is not valid JSON$/, '').replace(/ in JSON at position \d+.*$/s, '');
  const m = /position (\d+)/.exec(e.message);
  if (!m) return reason;
  const offset = Number(m[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${reason} at line ${line}, column ${column}`;
}
