// Reads and validates model files: JSON syntax, then the JSON schema (ajv), then what a schema
// cannot say (one coefficient per term, terms naming known layer features, no type claimed twice).
// Every error names the file and the field as a JSON pointer, so a user can fix a hand-edited model.
import * as fs from 'fs';
import Ajv, { type ErrorObject } from 'ajv';
import schema from './model.schema.json';
import { type EnergyModel, isLayerFeatureName, LAYER_FEATURE_NAMES } from './model';
import { parseTerm } from './terms';
import { escapePointer, pointedSubModels, versionErrors } from './format-version';

export interface ModelFieldError {
  /** JSON pointer of the offending field ('' for the whole document). */
  pointer: string;
  message: string;
}

export type ModelLoadResult = { model: EnergyModel } | { error: string; errors: ModelFieldError[] };

let compiled: ReturnType<Ajv['compile']> | undefined;
function schemaValidator(): ReturnType<Ajv['compile']> {
  compiled ??= new Ajv({ allErrors: true, strict: true }).compile(schema);
  return compiled;
}

/** Largest model file read: built-in models are a few kB; anything this big is not a model. */
export const MAX_MODEL_FILE_BYTES = 16 * 1024 * 1024;

export function loadModelFile(path: string): ModelLoadResult {
  let text: string;
  try {
    // A setting may name any path (/dev/zero, a huge file): check before reading it whole.
    const stat = fs.statSync(path);
    if (!stat.isFile()) return fail(path, [{ pointer: '', message: 'not a regular file' }]);
    if (stat.size > MAX_MODEL_FILE_BYTES)
      return fail(path, [{ pointer: '', message: `${stat.size} bytes is too large for a model file (at most ${MAX_MODEL_FILE_BYTES})` }]);
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
      return {
        pointer: `${e.instancePath}/${escapePointer(String(params.additionalProperty))}`,
        message: 'unknown field (not in the model format)',
      };
    case 'enum':
      return {
        pointer: e.instancePath,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'const':
      return { pointer: e.instancePath, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'propertyNames':
      return { pointer: `${e.instancePath}/${escapePointer(String(params.propertyName))}`, message: 'not a valid layer type name' };
    default:
      return { pointer: e.instancePath, message: e.message ?? e.keyword };
  }
}

/** Largest spread of ln(measured/predicted) a model may claim (exp(±1.645·10) is no interval). */
export const MAX_SIGMA_LOG = 10;

/** An identity-link sub-model without log terms whose coefficients and intercept are all ≤ 0 predicts no positive energy at all. */
function neverPositive(sub: EnergyModel['subModels'][string]): boolean {
  // Only the plain linear form: other forms (a smooth max of powers) and log terms can turn signs around.
  const form = (sub as { form?: string }).form ?? 'linear';
  if (form !== 'linear' || (sub.link ?? 'identity') !== 'identity' || sub.features.some((f) => f.includes('log('))) return false;
  return sub.coefficients.every((c) => c <= 0) && sub.intercept <= 0;
}

function semanticErrors(model: EnergyModel): ModelFieldError[] {
  const errors: ModelFieldError[] = [];
  // A layer type is claimed once per section: energy and latency sub-models are looked up apart.
  const claimedBy = { subModels: new Map<string, string>(), latency: new Map<string, string>() };
  for (const { key, section } of pointedSubModels(model)) claimedBy[section].set(key, key);
  for (const { at, key, sub, section } of pointedSubModels(model)) {
    const what = section === 'latency' ? 'latency' : 'energy';
    if (sub.sigmaLog > MAX_SIGMA_LOG) {
      errors.push({
        pointer: `${at}/sigmaLog`,
        message: `must be at most ${MAX_SIGMA_LOG} (got ${sub.sigmaLog}): the 90 % interval would span a factor of more than 10^14`,
      });
    }
    if (sub.coefficients.length === sub.features.length && neverPositive(sub)) {
      errors.push({
        pointer: `${at}/coefficients`,
        message: `every coefficient and the intercept are ≤ 0, so this sub-model predicts no positive ${what} for any layer (${what === 'energy' ? 'energies' : 'latencies'} are positive)`,
      });
    }
    if (sub.coefficients.length !== sub.features.length) {
      errors.push({
        pointer: `${at}/coefficients`,
        message: `has ${sub.coefficients.length} values but features has ${sub.features.length}: one coefficient per feature`,
      });
    }
    sub.features.forEach((text, i) => {
      const term = parseTerm(text);
      if ('error' in term) {
        errors.push({ pointer: `${at}/features/${i}`, message: term.error });
        return;
      }
      for (const f of term.factors) {
        if (!isLayerFeatureName(f.name)) {
          errors.push({
            pointer: `${at}/features/${i}`,
            message: `unknown layer feature '${f.name}' (known: ${LAYER_FEATURE_NAMES.join(', ')})`,
          });
        }
      }
    });
    (sub.appliesTo ?? []).forEach((type, i) => {
      const owner = claimedBy[section].get(type);
      if (owner !== undefined && owner !== key) {
        errors.push({
          pointer: `${at}/appliesTo/${i}`,
          message: `layer type '${type}' is already predicted by ${section === 'latency' ? 'latency ' : ''}sub-model '${owner}'`,
        });
      } else {
        claimedBy[section].set(type, key);
      }
    });
  }
  return errors;
}

/**
 * What is wrong and where, in our own words: V8's messages quote the file's text (a setting may name
 * /etc/passwd), so nothing of the message but its kind and position is used.
 */
function describeJsonError(text: string, e: Error): string {
  const m = /position (\d+)/.exec(e.message);
  const offset = m ? Number(m[1]) : firstBadOffset(text);
  const reason = /Unexpected end/.test(e.message)
    ? 'unexpected end of the file'
    : /Unterminated string/.test(e.message)
      ? 'unterminated string'
      : /after JSON/.test(e.message)
        ? 'unexpected text after the JSON value'
        : /control character/i.test(e.message)
          ? 'control character in a string'
          : /escape/i.test(e.message)
            ? 'bad escape in a string'
            : 'unexpected character';
  if (offset === undefined) return reason;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${reason} at line ${line}, column ${column}`;
}

/**
 * Offset of the first character no JSON text can continue with: the longest prefix that still reads
 * as the start of a JSON value ends there (a prefix that is fine, or only ends too early, can continue).
 */
function firstBadOffset(text: string): number | undefined {
  const viable = (n: number): boolean => {
    try {
      JSON.parse(text.slice(0, n));
      return true;
    } catch (e) {
      const message = (e as Error).message;
      const at = /position (\d+)/.exec(message);
      return /Unexpected end|Unterminated string/.test(message) || (at !== null && Number(at[1]) >= n);
    }
  };
  if (viable(text.length)) return undefined;
  let lo = 0,
    hi = text.length; // viable(lo), !viable(hi)
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (viable(mid)) lo = mid;
    else hi = mid;
  }
  return hi - 1;
}
