// Reads the structure of a .caffemodel (binary NetParameter) without its weights: layers and
// their parameters are decoded with protobufjs, blob payloads are skipped by their length
// prefixes. Memory stays constant in the file size (a 64 KiB window plus the small parameter
// messages), so a 500 MB VGG-16 takes milliseconds.
import { CaffemodelError } from './errors';
import { BufferedFileReader } from './file-reader';
import { ModelWalker } from './model-walker';
import { caffeTypes } from './schema-types';
import { describeNonCaffeFile, SNIFF_BYTES } from './sniff';
import type { CaffemodelStructure, ReadCaffemodelOptions } from './types';

export {
  MAX_BLOBS,
  MAX_DEFINITION_BYTES,
  MAX_DEFINITION_FIELDS,
  MAX_LAYERS,
  MAX_PARAMETER_FIELD_BYTES,
  MAX_UNKNOWN_FIELDS,
} from './model-walker';
export { blobShapeCount, netInputs } from './net-summary';

/**
 * Reads the network structure of the .caffemodel at `path`. Rejects with a CaffemodelError
 * naming the byte offset when the file is not a well-formed Caffe model, with the signal's reason
 * when aborted, and with the fs error when the file cannot be opened.
 */
export async function readCaffemodelStructure(path: string, options: ReadCaffemodelOptions = {}): Promise<CaffemodelStructure> {
  options.signal?.throwIfAborted();
  const reader = await BufferedFileReader.open(path);
  try {
    if (reader.size === 0) throw new CaffemodelError(0, 'not a Caffe model: the file is empty');
    const head = await reader.readBytes(Math.min(SNIFF_BYTES, reader.size));
    reader.seek(0);
    try {
      return await new ModelWalker(reader, caffeTypes(), path, options).readNet();
    } catch (err) {
      if (options.signal?.aborted && err === options.signal.reason) throw err;
      const error = asCaffemodelError(err, reader.position);
      const looksLike = describeNonCaffeFile(head);
      if (looksLike) throw new CaffemodelError(0, `not a Caffe model: the file looks like ${looksLike} (${error.message})`);
      throw error;
    }
  } finally {
    await reader.close();
  }
}

function asCaffemodelError(err: unknown, position: number): CaffemodelError {
  if (err instanceof CaffemodelError) return err;
  // Validation precedes every protobufjs decode, so this is a safety net, e.g. a stack overflow.
  const message = err instanceof Error ? err.message : String(err);
  return new CaffemodelError(position, `could not decode the model: ${message}`);
}
