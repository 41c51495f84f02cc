// The models the editor can predict with: built-ins, then files named by the `energyLens.modelFiles`
// setting (files or folders, in the order listed), then `<workspace>/.energy-lens/models/*.json`.
// A later model replaces an earlier one of the same platform id; each entry remembers where it came
// from and what it replaced, so the UI can say "workspace model (overrides built-in)".
import * as fs from 'fs';
import * as path from 'path';
import type { EnergyModel } from './model';
import { loadModelFile } from './load-model';
import { BUILTIN_MODELS } from './builtin';

export type ModelOrigin = 'builtin' | 'setting' | 'workspace';

export interface ModelSource {
  origin: ModelOrigin;
  /** File path (absolute) for files, the built-in file name for built-ins. */
  path: string;
}

export interface RegisteredModel {
  model: EnergyModel;
  source: ModelSource;
  /** Sources this entry replaced, oldest first. */
  overrides: ModelSource[];
}

export interface RegistryProblem {
  path: string;
  /** Already names the file and field (see load-model.ts). */
  message: string;
}

export const WORKSPACE_MODEL_DIR = path.join('.energy-lens', 'models');

export class ModelRegistry {
  private readonly entries = new Map<string, RegisteredModel>();
  private readonly loadProblems: RegistryProblem[] = [];

  constructor(builtins: ReadonlyArray<{ name: string; model: EnergyModel }> = BUILTIN_MODELS) {
    for (const b of builtins) this.addModel(b.model, { origin: 'builtin', path: b.name });
  }

  get problems(): readonly RegistryProblem[] {
    return this.loadProblems;
  }

  addModel(model: EnergyModel, source: ModelSource): RegisteredModel {
    const previous = this.entries.get(model.platform.id);
    const entry: RegisteredModel = {
      model,
      source,
      overrides: previous ? [...previous.overrides, previous.source] : [],
    };
    this.entries.set(model.platform.id, entry);
    return entry;
  }

  /** Loads one model file; a bad file is recorded in `problems` and changes nothing. */
  addFile(file: string, origin: ModelOrigin): RegisteredModel | undefined {
    const result = loadModelFile(file);
    if ('error' in result) {
      this.loadProblems.push({ path: file, message: result.error });
      return undefined;
    }
    return this.addModel(result.model, { origin, path: file });
  }

  /** A file, or every `*.json` in a folder (sorted by name, so the override order is stable). */
  addPath(fileOrFolder: string, origin: ModelOrigin): void {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(fileOrFolder);
    } catch {
      this.loadProblems.push({ path: fileOrFolder, message: `${fileOrFolder}: no such model file or folder` });
      return;
    }
    if (!stat.isDirectory()) {
      this.addFile(fileOrFolder, origin);
      return;
    }
    for (const name of fs
      .readdirSync(fileOrFolder)
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      this.addFile(path.join(fileOrFolder, name), origin);
    }
  }

  /** `<folder>/.energy-lens/models/*.json`; a workspace without that folder is normal. */
  addWorkspace(folder: string): void {
    const dir = path.join(folder, WORKSPACE_MODEL_DIR);
    if (fs.existsSync(dir)) this.addPath(dir, 'workspace');
  }

  get(platformId: string): RegisteredModel | undefined {
    return this.entries.get(platformId);
  }

  /** All models, sorted by platform id. */
  list(): RegisteredModel[] {
    return [...this.entries.values()].sort((a, b) => a.model.platform.id.localeCompare(b.model.platform.id));
  }
}

export interface RegistryOptions {
  /** Entries of the `energyLens.modelFiles` setting: files or folders. */
  modelFiles?: string[];
  /** Workspace folders (absolute); relative setting entries resolve against the first one. */
  workspaceFolders?: string[];
}

export function buildRegistry(options: RegistryOptions = {}): ModelRegistry {
  const registry = new ModelRegistry();
  const base = options.workspaceFolders?.[0] ?? process.cwd();
  for (const entry of options.modelFiles ?? []) registry.addPath(path.resolve(base, entry), 'setting');
  for (const folder of options.workspaceFolders ?? []) registry.addWorkspace(folder);
  return registry;
}

/** "built-in", "workspace file /w/.energy-lens/models/x.json (overrides built-in)", ... */
export function describeSource(entry: RegisteredModel): string {
  const what =
    entry.source.origin === 'builtin'
      ? 'built-in'
      : `${entry.source.origin === 'workspace' ? 'workspace' : 'setting'} file ${entry.source.path}`;
  if (entry.overrides.length === 0) return what;
  const last = entry.overrides[entry.overrides.length - 1];
  return `${what} (overrides ${last.origin === 'builtin' ? 'built-in' : last.path})`;
}
