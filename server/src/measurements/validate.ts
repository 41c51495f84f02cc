// Schema check of one parsed record line (ajv, records.schema.json). Messages name the field as a
// JSON pointer so a hand-edited or foreign file can be fixed.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import schema from './records.schema.json';

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: true, discriminator: true, allowUnionTypes: true }).compile(schema);
  return compiled;
}

const RECORD_TYPES = ['campaign', 'session', 'idle', 'layer', 'net', 'end'];

/** Undefined when `value` is a valid record; otherwise what is wrong, in one line. */
export function recordSchemaError(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return "no 'type' field";
  if (!RECORD_TYPES.includes(type)) return `unknown record type '${type}' (expected one of ${RECORD_TYPES.join(', ')})`;
  const validate = validator();
  if (validate(value)) return undefined;
  return describe(validate.errors ?? [], type);
}

function describe(errors: ErrorObject[], type: string): string {
  // oneOf/discriminator wrappers repeat what the branch said: keep the specific messages.
  const specific = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'discriminator');
  const shown = (specific.length > 0 ? specific : errors).slice(0, 3).map((e) => {
    const field = e.instancePath || '/';
    if (e.keyword === 'required') return `${type} record: missing '${(e.params as { missingProperty: string }).missingProperty}'`;
    if (e.keyword === 'enum')
      return `${type} record ${field}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    return `${type} record ${field}: ${e.message ?? 'invalid'}`;
  });
  const more = specific.length > 3 ? ` (and ${specific.length - 3} more)` : '';
  return shown.join('; ') + more;
}
