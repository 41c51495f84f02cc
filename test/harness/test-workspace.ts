// The folder VS Code opens for a run: the generated samples (ours) in samples/ and the real
// corpus networks (read from /work/shared at run time, never from the repo) in corpus/.
import * as fs from 'fs';
import * as path from 'path';
import { generateSamples } from '../../scripts/generate-samples';
import { CORPUS_CAFFEMODEL, CORPUS_PROTOTXT } from './harness-paths';
import { writeWorkspaceSettings } from './vscode-profile';

export interface WorkspaceOptions {
  /** Copy the corpus prototxt files into corpus/ (tests need them; the demo may skip them). */
  corpus?: boolean;
  /** Workspace settings (.vscode/settings.json). */
  settings?: Record<string, unknown>;
}

export function prepareWorkspace(folder: string, options: WorkspaceOptions = {}): string {
  fs.mkdirSync(folder, { recursive: true });
  generateSamples(path.join(folder, 'samples'));
  if (options.corpus) {
    if (!fs.existsSync(CORPUS_PROTOTXT)) {
      throw new Error(`corpus not found at ${CORPUS_PROTOTXT}: set ENERGY_LENS_SHARED to the shared data folder`);
    }
    const target = path.join(folder, 'corpus');
    fs.mkdirSync(target, { recursive: true });
    for (const file of fs.readdirSync(CORPUS_PROTOTXT)) {
      if (file.endsWith('.prototxt')) fs.copyFileSync(path.join(CORPUS_PROTOTXT, file), path.join(target, file));
    }
    // The trained models and the definitions shipped with them (caffemodel view and cross-check tests).
    const models = path.join(folder, 'caffemodel');
    fs.mkdirSync(models, { recursive: true });
    for (const file of fs.readdirSync(CORPUS_CAFFEMODEL)) fs.copyFileSync(path.join(CORPUS_CAFFEMODEL, file), path.join(models, file));
  }
  writeWorkspaceSettings(folder, options.settings ?? {});
  return folder;
}
