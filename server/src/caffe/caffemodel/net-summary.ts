// Figures derived from the decoded layers: blob element counts, the file's format version and
// the declared network inputs.
import type { BlobStructure, CaffemodelStructure, LayerFormat, LayerStructure, NetInput, PlainMessage } from './types';

/** Elements the blob's shape calls for: product of dims (a shape with no dims is a scalar; no shape at all, 0). */
export function blobShapeCount(blob: BlobStructure): number {
  if (blob.shape === undefined && blob.legacyShape === undefined) return 0;
  return blob.dims.reduce((a, b) => a * b, 1);
}

/** Blob counts over all layers; `skippedBytes` is what the reader skipped. */
export function blobTotals(layers: LayerStructure[], skippedBytes: number): CaffemodelStructure['totals'] {
  let blobs = 0;
  let storedValues = 0;
  let shapeValues = 0;
  for (const layer of layers) {
    for (const blob of layer.blobs) {
      blobs++;
      storedValues += blob.dataCount + blob.doubleDataCount;
      shapeValues += blobShapeCount(blob);
    }
  }
  return { blobs, storedValues, shapeValues, skippedBytes };
}

/** The file's layer format; 'mixed' when V2 and V1 entries are both present. */
export function netFormat(layers: LayerStructure[]): LayerFormat | 'mixed' {
  const hasV2 = layers.some((l) => l.format === 'V2');
  const hasV1 = layers.some((l) => l.format !== 'V2');
  if (hasV2 && hasV1) return 'mixed';
  if (hasV2) return 'V2';
  return layers.some((l) => l.format === 'V0') ? 'V0' : 'V1';
}

/** Inputs declared in the header (input + input_shape / input_dim) and by Input layers. */
export function netInputs(header: PlainMessage, layers: LayerStructure[]): NetInput[] {
  const inputs: NetInput[] = [];
  const names = stringList(header.input);
  const shapes = (header.input_shape as Array<{ dim?: number[] }> | undefined) ?? [];
  const dims = (header.input_dim as number[] | undefined) ?? [];
  names.forEach((name, i) => {
    if (shapes.length > 0) {
      const shape = shapes[Math.min(i, shapes.length - 1)];
      inputs.push({ name, shape: shape.dim ?? [], source: 'input_shape' });
    } else if (dims.length >= 4 * (i + 1)) {
      inputs.push({ name, shape: dims.slice(4 * i, 4 * i + 4), source: 'input_dim' });
    } else {
      inputs.push({ name, source: 'input' });
    }
  });
  for (const layer of layers) {
    if (layer.type !== 'Input') continue;
    const param = layer.message.input_param as { shape?: Array<{ dim?: number[] }> } | undefined;
    const layerShapes = param?.shape ?? [];
    layer.tops.forEach((name, i) => {
      const shape = layerShapes.length === 1 ? layerShapes[0] : layerShapes[i];
      inputs.push({ name, ...(shape ? { shape: shape.dim ?? [] } : {}), source: 'Input layer' });
    });
  }
  return inputs;
}

export function stringField(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
