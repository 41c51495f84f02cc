// Where the project's read-only real data lives: `../shared/` beside the repo (never copied into it).
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const SHARED = process.env.ENERGY_LENS_SHARED ?? path.resolve(REPO_ROOT, '..', 'shared');
export const CORPUS_PROTOTXT = path.join(SHARED, 'corpus', 'prototxt');
export const CORPUS_CAFFEMODEL = path.join(SHARED, 'corpus', 'caffemodel');
export const REFERENCE_SHAPES = path.join(SHARED, 'corpus', 'reference_shapes');
export const DATA = path.join(SHARED, 'data');
