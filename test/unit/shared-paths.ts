// Where the project's read-only real data lives: `../shared/` beside the repo (never copied into it).
// The repo root is found by walking up to the manifest, so this works from sources (tsx) and from
// bundles in out/ alike.
import * as fs from 'fs';
import * as path from 'path';

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && /"name":\s*"energy-lens"/.test(fs.readFileSync(manifest, 'utf8'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start, '..', '..');
  }
}

export const REPO_ROOT = findRepoRoot(__dirname);
export const SHARED = process.env.ENERGY_LENS_SHARED ?? path.resolve(REPO_ROOT, '..', 'shared');
export const CORPUS_PROTOTXT = path.join(SHARED, 'corpus', 'prototxt');
export const CORPUS_CAFFEMODEL = path.join(SHARED, 'corpus', 'caffemodel');
export const REFERENCE_SHAPES = path.join(SHARED, 'corpus', 'reference_shapes');
export const DATA = path.join(SHARED, 'data');
