// Keeps the latest DocumentAnalysis per open document; a new version or new settings replace it.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentAnalysis } from './document-analysis';
import type { EnergyLensSettings } from '../protocol';
import { DEFAULT_SETTINGS } from '../protocol';
import { ModelService } from './model-service';
import { settingsForDocument } from '../lsp/caffemodel';

export class AnalysisStore {
  private readonly byUri = new Map<string, DocumentAnalysis>();
  private settings: EnergyLensSettings = DEFAULT_SETTINGS;
  private workspaceFolders: string[] = [];
  readonly models = new ModelService();

  get currentSettings(): EnergyLensSettings {
    return this.settings;
  }

  setSettings(settings: EnergyLensSettings): void {
    this.settings = settings;
    this.reloadModels();
  }

  setWorkspaceFolders(folders: string[]): void {
    this.workspaceFolders = folders;
    this.reloadModels();
  }

  /** Re-reads model files (settings, workspace) and drops every analysis that used the old ones. */
  reloadModels(): void {
    this.models.rebuild(this.settings.modelFiles, this.workspaceFolders);
    this.byUri.clear();
  }

  get(document: TextDocument): DocumentAnalysis {
    const cached = this.byUri.get(document.uri);
    if (cached && cached.version === document.version) return cached;
    const text = document.getText();
    // A .caffemodel view is analysed in the phase its net was stored for (TRAIN snapshots).
    const settings = settingsForDocument(document.uri, text, this.settings);
    const fresh = new DocumentAnalysis(document.uri, document.version, text, settings, this.models.get(settings.platform));
    this.byUri.set(document.uri, fresh);
    return fresh;
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }

}
