// The energy models the server predicts with: built-ins plus model files from the settings and the
// workspace's `.energy-lens/models/`; rebuilt when settings or those files change.
import { buildRegistry, type ModelRegistry, type RegisteredModel } from '../energy/registry';
import type { PlatformInfo } from '../protocol';
import { describeSource } from '../energy/registry';
import { modeModels } from './power-modes';

/** How a model's file is named to users (LSP features reach the energy models only through analysis/). */
export { describeSource };

export class ModelService {
  private registry: ModelRegistry = buildRegistry();

  /** With `trusted` false (an untrusted workspace) only the built-in models: no file is read. */
  rebuild(modelFiles: string[], workspaceFolders: string[], trusted = true): void {
    this.registry = trusted ? buildRegistry({ modelFiles, workspaceFolders }) : buildRegistry();
  }

  get(platformId: string): RegisteredModel | undefined {
    return this.registry.get(platformId);
  }

  /** The models of `platformId`'s board in every power mode it has a model for (itself included). */
  modeModels(platformId: string): RegisteredModel[] {
    return modeModels(this.registry.list(), platformId).map((m) => m.entry);
  }

  /** Model files that could not be used, each message naming the file and the field. */
  get problems(): ReadonlyArray<{ path: string; message: string }> {
    return this.registry.problems;
  }

  platforms(): PlatformInfo[] {
    const all = this.registry.list();
    return all.map((entry) => {
      const id = entry.model.platform.id;
      // The mode matters to the user only where the board has a model in another mode too.
      const modes = modeModels(all, id);
      return {
        id,
        label: entry.model.platform.label,
        calibration: entry.model.platform.calibration,
        source: describeSource(entry),
        ...(modes.length > 1 ? { powerMode: modes.find((m) => m.entry === entry)!.mode } : {}),
      };
    });
  }
}
