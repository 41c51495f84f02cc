// Builds .caffemodel bytes for tests: hand-assembled wire format (to place fields in any order,
// unpacked, unknown or broken) and temporary files that are removed after the suite.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

type Part = number[] | Uint8Array | string;

export function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

export function tag(field: number, wireType: number): Buffer {
  return varint(field * 8 + wireType);
}

/** Concatenates byte arrays, plain byte lists and UTF-8 strings. */
export function bytes(...parts: Part[]): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
}

/** A length-delimited field. */
export function ld(field: number, ...parts: Part[]): Buffer {
  const body = bytes(...parts);
  return bytes(tag(field, 2), varint(body.length), body);
}

export function varintField(field: number, value: number): Buffer {
  return bytes(tag(field, 0), varint(value));
}

export function float32Field(field: number, value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeFloatLE(value);
  return bytes(tag(field, 5), b);
}

export function float64Field(field: number, value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value);
  return bytes(tag(field, 1), b);
}

/** Packed floats (zeros are enough: the reader never looks at them). */
export function packedFloats(field: number, count: number, elementBytes = 4): Buffer {
  return ld(field, new Uint8Array(count * elementBytes));
}

/** BlobShape message bytes (packed int64 dims). */
export function blobShape(...dims: number[]): Buffer {
  return ld(1, ...dims.map((d) => varint(d)));
}

/** Temporary directory whose files are deleted by `cleanup`. */
export class TempFiles {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caffemodel-test-'));
  private n = 0;

  write(content: Uint8Array, name = `m${this.n++}.caffemodel`): string {
    const file = path.join(this.dir, name);
    fs.writeFileSync(file, content);
    return file;
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
