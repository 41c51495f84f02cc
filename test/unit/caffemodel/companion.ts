// Reads a companion net definition with the project's parser and works out, independently of the
// caffemodel reader, the blob shapes its learnable layers must have (a small C,H,W walk with
// Caffe's conv/pool output formulas), so the tests compare the binary file with its prototxt.
import { caffeSchema } from '../../../server/src/caffe/schema';
import { lastField, numberOf, numberValues, stringValues, subMessage, subMessages } from '../../../server/src/net/fields';
import type { MessageValue } from '../../../server/src/text/ast';
import { parse } from '../../../server/src/text/parser';

export interface CompanionLayer {
  name: string;
  /** Canonical V2 type (V1 enum names upgraded). */
  type: string;
  /** Expected blob shapes (weights, bias) for Convolution / InnerProduct layers. */
  blobs: number[][];
}

/** C, H, W of a blob. */
type Chw = [number, number, number];

export function companionLayers(text: string): CompanionLayer[] {
  const doc = parse(text);
  if (doc.errors.length > 0) throw new Error(`companion prototxt does not parse: ${doc.errors[0].message}`);
  const schema = caffeSchema();
  const messages = [...subMessages(doc.root, 'layer'), ...subMessages(doc.root, 'layers')];
  const shapes = new Map<string, Chw>();
  return messages.map((m) => {
    const name = stringValues(m, 'name')[0]?.value ?? '';
    const typeValue = lastField(m, 'type')?.value;
    const raw = typeValue?.kind === 'string' || typeValue?.kind === 'identifier' ? typeValue.value : '';
    const type = typeValue?.kind === 'identifier' ? (schema.v1ToV2LayerType(raw) ?? raw) : raw;
    const bottom = stringValues(m, 'bottom')[0]?.value;
    const tops = stringValues(m, 'top').map((s) => s.value);
    const input = bottom !== undefined ? shapes.get(bottom) : undefined;
    const { output, blobs } = propagate(type, m, input);
    if (output) for (const top of tops) shapes.set(top, output);
    return { name, type, blobs };
  });
}

function propagate(type: string, m: MessageValue, input: Chw | undefined): { output?: Chw; blobs: number[][] } {
  switch (type) {
    case 'Input': {
      const dims = numberValues(subMessage(subMessage(m, 'input_param')!, 'shape')!, 'dim').map((d) => d.value);
      return { output: [dims[1], dims[2], dims[3]], blobs: [] };
    }
    case 'ImageData': {
      const p = subMessage(m, 'image_data_param')!;
      return { output: [3, numberOf(p, 'new_height')!, numberOf(p, 'new_width')!], blobs: [] }; // is_color defaults to true
    }
    case 'Convolution': {
      const p = subMessage(m, 'convolution_param')!;
      const [c, h, w] = input!;
      const k = numberOf(p, 'kernel_size')!;
      const pad = numberOf(p, 'pad') ?? 0;
      const stride = numberOf(p, 'stride') ?? 1;
      const n = numberOf(p, 'num_output')!;
      const out = (x: number) => Math.floor((x + 2 * pad - k) / stride) + 1;
      return { output: [n, out(h), out(w)], blobs: [[n, c, k, k], [n]] };
    }
    case 'Pooling': {
      const p = subMessage(m, 'pooling_param')!;
      const [c, h, w] = input!;
      const k = numberOf(p, 'kernel_size')!;
      const pad = numberOf(p, 'pad') ?? 0;
      const stride = numberOf(p, 'stride') ?? 1;
      const out = (x: number) => Math.ceil((x + 2 * pad - k) / stride) + 1;
      return { output: [c, out(h), out(w)], blobs: [] };
    }
    case 'InnerProduct': {
      const n = numberOf(subMessage(m, 'inner_product_param')!, 'num_output')!;
      const [c, h, w] = input!;
      return { output: [n, 1, 1], blobs: [[n, c * h * w], [n]] };
    }
    default:
      return { output: input, blobs: [] };
  }
}
