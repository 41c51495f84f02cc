// Locating syntax nodes by offset: the field under the cursor and the chain of fields around it.
import type { Field, MessageValue } from './ast';

export interface FieldAtOffset {
  field: Field;
  /** Enclosing fields from the outermost to the direct parent of `field`. */
  ancestors: Field[];
}

/** The innermost field whose span contains `offset` (names, values and nested messages). */
export function fieldAt(root: MessageValue, offset: number): FieldAtOffset | undefined {
  const ancestors: Field[] = [];
  let message: MessageValue | undefined = root;
  let found: Field | undefined;
  while (message) {
    const field: Field | undefined = findContaining(message.fields, offset);
    if (!field) break;
    if (found) ancestors.push(found);
    found = field;
    const value = field.value;
    message = undefined;
    if (value?.kind === 'message') message = value;
    else if (value?.kind === 'list') {
      const item = value.items.find((i) => i.kind === 'message' && offset >= i.span.start && offset <= i.span.end);
      if (item?.kind === 'message') message = item;
    }
  }
  return found ? { field: found, ancestors } : undefined;
}

/** Binary search: fields are in source order and do not overlap. */
function findContaining(fields: Field[], offset: number): Field | undefined {
  let lo = 0;
  let hi = fields.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const f = fields[mid];
    if (offset < f.span.start) hi = mid - 1;
    else if (offset > f.span.end) lo = mid + 1;
    else return f;
  }
  return undefined;
}
