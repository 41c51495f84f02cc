// Recognises common non-Caffe files by their first bytes, so that opening a PNG or a prototxt
// as a .caffemodel says so instead of reporting a wire-format error deep inside it. Used only
// after parsing failed: a protobuf file has no magic number to check up front.

/** How many leading bytes `describeNonCaffeFile` looks at. */
export const SNIFF_BYTES = 512;

const MAGIC: Array<[number[], string]> = [
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (a PyTorch or Keras model?)'],
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0x89, 0x48, 0x44, 0x46], 'an HDF5 file (a Keras model?)'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x7f, 0x45, 0x4c, 0x46], 'an ELF executable'],
  [[0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], 'a NumPy array file'],
  [[0x80, 0x02], 'a Python pickle'],
];

/** What the file looks like when it is recognisably not a Caffe model, else undefined. */
export function describeNonCaffeFile(head: Uint8Array): string | undefined {
  for (const [magic, what] of MAGIC) {
    if (head.length >= magic.length && magic.every((b, i) => head[i] === b)) return what;
  }
  if (looksLikeText(head)) {
    const text = Buffer.from(head).toString('latin1');
    return /\blayers?\s*\{|\bname\s*:/.test(text) ? 'text (a prototxt network definition?)' : 'text';
  }
  return undefined;
}

/**
 * All bytes printable ASCII or whitespace. A binary NetParameter never passes: its layer tags
 * (0xa2 0x06, 0x12) and length bytes fall outside that range within the first few bytes.
 */
function looksLikeText(head: Uint8Array): boolean {
  if (head.length < 4) return false;
  for (const b of head) {
    if (!(b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f))) return false;
  }
  return true;
}
