// The energy models the server predicts with: built-ins plus model files from the settings and the
// workspace's `.energy-lens/models/`; rebuilt when settings or those files change.
import { buildRegistry, type ModelRegistry, type RegisteredModel } from '../energy/registry';
import type { PlatformInfo } from '../protocol';
import { describeSource } from '../energy/registry';

export class ModelService {
  private registry: ModelRegistry = buildRegistry();

  /** With `trusted` false (an untrusted workspace) only the built-in models: no file is read. */
  rebuild(modelFiles: string[], workspaceFolders: string[], trusted = true): void {
    this.registry = trusted ? buildRegistry({ modelFiles, workspaceFolders }) : buildRegistry();
  }

  get(platformId: string): RegisteredModel | undefined {
    return this.registry.get(platformId);
  }

  /** Model files that could not be used, each message naming the file and the field. */
  get problems(): ReadonlyArray<{ path: string; message: string }> {
    return this.registry.problems;
  }

  platforms(): PlatformInfo[] {
    return this.registry.list().map((entry) => ({
      id: entry.model.platform.id,
      label: entry.model.platform.label,
      calibration: entry.model.platform.calibration,
      source: describeSource(entry),
    }));
  }
}
