// Keeps the latest DocumentAnalysis per open document; a new version or new settings replace it.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentAnalysis } from './document-analysis';
import type { EnergyLensSettings } from '../protocol';
import { DEFAULT_SETTINGS } from '../protocol';
import { ModelService } from './model-service';
import { MeasurementService } from './measurement-service';
import { settingsForDocument } from '../lsp/caffemodel';

export class AnalysisStore {
  private readonly byUri = new Map<string, DocumentAnalysis>();
  private settings: EnergyLensSettings = DEFAULT_SETTINGS;
  private workspaceFolders: string[] = [];
  /** Fail closed: untrusted until the client says otherwise (initializationOptions, trust granted). */
  private trusted = false;
  readonly models = new ModelService();
  readonly measurements = new MeasurementService();

  get currentSettings(): EnergyLensSettings {
    return this.settings;
  }

  setSettings(settings: EnergyLensSettings): void {
    this.settings = settings;
    this.reloadModels();
  }

  setWorkspaceFolders(folders: string[]): void {
    this.workspaceFolders = folders;
    this.measurements.setWorkspaceFolders(folders);
    this.reloadModels();
  }

  get workspaceTrusted(): boolean {
    return this.trusted;
  }

  /**
   * VS Code's workspace trust. Untrusted: built-in models only (no `.energy-lens/models/`, no
   * `energyLens.modelFiles`) and no measured values from the workspace's records, since either could
   * replace the numbers shown.
   */
  setWorkspaceTrusted(trusted: boolean): void {
    if (trusted === this.trusted) return;
    this.trusted = trusted;
    this.reloadModels();
  }

  /** Re-reads model files (settings, workspace) and drops every analysis that used the old ones. */
  reloadModels(): void {
    this.models.rebuild(this.settings.modelFiles, this.workspaceFolders, this.trusted);
    this.byUri.clear();
  }

  get(document: TextDocument): DocumentAnalysis {
    const cached = this.byUri.get(document.uri);
    if (cached && cached.version === document.version) return cached;
    const text = document.getText();
    // A .caffemodel view is analysed in the phase its net was stored for (TRAIN snapshots).
    const settings = settingsForDocument(document.uri, text, this.settings);
    const measured = this.trusted ? () => this.measurements.lookup(document.uri, text) : undefined;
    const fresh = new DocumentAnalysis(document.uri, document.version, text, settings, this.models.get(settings.platform), measured, this.trusted);
    this.byUri.set(document.uri, fresh);
    return fresh;
  }

  /** A campaign records file changed: re-read it and redo analyses so they look measurements up again. */
  measurementsChanged(file: string): void {
    this.measurements.fileChanged(file);
    this.byUri.clear();
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }

}
