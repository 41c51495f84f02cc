// The network a CLI command works on: a prototxt's text, or the net stored in a .caffemodel decoded
// structurally (weights skipped) into prototxt text. A model that does not store its input shape
// (a training snapshot reading a database) gets the shape its weights imply, unless --input-shape
// gives one.
import * as fs from 'fs';
import * as path from 'path';
import type { CliIo } from './io';
import { CaffemodelError, readCaffemodelStructure } from '../caffe/caffemodel';
import { caffemodelNetwork } from '../weights/caffemodel-network';

export interface NetworkInput {
  /** Prototxt text to parse and analyse. */
  text: string;
  kind: 'prototxt' | 'caffemodel';
  /**
   * Phase to analyse in when the user gave none: a caffemodel stores the net it was trained with
   * (TRAIN-only data layers), a prototxt leaves it to the default.
   */
  phase?: 'TRAIN' | 'TEST';
  /** One line for the user about what was assumed (e.g. the input shape implied by the weights). */
  note?: string;
}

export interface LoadOptions {
  /** The --input-shape the user gave: no shape is inferred from the weights then. */
  inputShape?: number[];
  signal?: AbortSignal;
}

/** Bytes that never occur in prototxt text: a file holding them is read as a binary model. */
// eslint-disable-next-line no-control-regex -- control bytes are exactly what marks a binary file
const BINARY = /[\u0000-\u0008\u000e-\u001a]/;

/**
 * Loads `file` (relative to `io.cwd`) as a network: `.caffemodel` files (or any binary file) through the
 * structural reader, everything else as prototxt text. Fails with `{ error }`, a message naming the file.
 */
export async function loadNetworkInput(
  file: string,
  io: Pick<CliIo, 'cwd'>,
  options: LoadOptions = {},
): Promise<NetworkInput | { error: string }> {
  const absolute = path.resolve(io.cwd, file);
  let text: string | undefined;
  if (!/\.caffemodel$/i.test(file)) {
    try {
      text = fs.readFileSync(absolute, 'utf8');
    } catch (err) {
      return { error: `${file}: error: cannot read file: ${readErrorDetail(err)}` };
    }
    if (!BINARY.test(text.slice(0, 4096))) return { text, kind: 'prototxt' };
  }
  try {
    const structure = await readCaffemodelStructure(absolute, { signal: options.signal });
    const network = caffemodelNetwork(
      structure,
      path.basename(file),
      options.inputShape ? { shape: options.inputShape, reason: 'from --input-shape' } : undefined,
    );
    const note =
      network.input && !options.inputShape
        ? `${file}: note: input shape ${network.input.shape.join('x')} assumed: ${network.input.reason}; give --input-shape to change it`
        : undefined;
    return { text: network.text, kind: 'caffemodel', phase: network.phase, ...(note ? { note } : {}) };
  } catch (err) {
    if (err instanceof CaffemodelError) return { error: `${file}: error: not a readable Caffe model: ${err.message}` };
    return { error: `${file}: error: cannot read file: ${readErrorDetail(err)}` };
  }
}

function readErrorDetail(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  return code ?? (err instanceof Error ? err.message : String(err));
}
