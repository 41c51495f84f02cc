// Measured energies for the editor: the campaign records of every workspace folder, re-read file by
// file as the client reports changes, looked up by the hash of a document's current text. Records
// are read without blocking (a large file never stalls the language server): lookups answer from
// what is read so far, and the promises say when a read is done so the editors can be refreshed.
import * as path from 'path';
import { fileURLToPath } from 'url';
import { MeasurementIndex, measurementsFolder, networkTextSha256, type MeasuredNetwork } from '../measurements';

export interface MeasuredLookup {
  /** The campaign that measured exactly this text. */
  current?: MeasuredNetwork;
  /** A campaign of this file measured on an older text (shown as stale). */
  stale?: MeasuredNetwork;
  /** Every campaign of this text, on any board and power mode (a sweep's campaigns). */
  sameText?: MeasuredNetwork[];
}

export class MeasurementService {
  private folders: Array<{ root: string; index: MeasurementIndex }> = [];

  /** Starts reading every folder's records; resolves when all are read. */
  setWorkspaceFolders(roots: string[]): Promise<void> {
    this.folders = roots.map((root) => ({ root, index: new MeasurementIndex() }));
    return Promise.all(this.folders.map((f) => f.index.loadFolderAsync(measurementsFolder(f.root)))).then(() => undefined);
  }

  /** A records file was created, changed or deleted: resolves when it is read again. */
  fileChanged(file: string): Promise<void> {
    return Promise.all(this.folders.filter((f) => file.startsWith(f.root + path.sep)).map((f) => f.index.updateAsync(file))).then(
      () => undefined,
    );
  }

  /** Reads what changed in the records folders since they were read (see refreshFolderAsync); true when anything did. */
  async refresh(): Promise<boolean> {
    const changed = await Promise.all(this.folders.map((f) => f.index.refreshFolderAsync(measurementsFolder(f.root))));
    return changed.some(Boolean);
  }

  lookup(uri: string, text: string): MeasuredLookup {
    if (this.folders.length === 0) return {};
    const sha = networkTextSha256(text);
    const file = uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
    for (const f of this.folders) {
      const current = f.index.measuredFor(sha);
      if (current) return { current, sameText: this.folders.flatMap((g) => g.index.allFor(sha)) };
    }
    if (!file) return {};
    for (const f of this.folders) {
      if (!file.startsWith(f.root + path.sep)) continue;
      const latest = f.index.latestForPath(path.relative(f.root, file).split(path.sep).join('/'));
      if (latest && latest.textSha256 !== sha) return { stale: latest };
    }
    return {};
  }
}
