// Keeps the latest DocumentAnalysis per open document; a new version or new settings replace it.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentAnalysis } from './document-analysis';
import type { EnergyLensSettings } from '../protocol';
import { DEFAULT_SETTINGS } from '../protocol';
import { ModelService } from './model-service';
import { MeasurementService } from './measurement-service';
import { settingsForDocument } from './caffemodel-view';
import { EditLog } from './edit-log';
import type { Span } from '../text/ast';

/** An earlier analysis of a document, with its offsets mapped to and from the current text. */
export interface EarlierAnalysis {
  analysis: DocumentAnalysis;
  /** An offset of the current text in the earlier one; undefined inside text edited since. */
  toEarlier(offset: number): number | undefined;
  /** A span of the earlier text in the current one; undefined when an edit touched it. */
  toCurrent(span: Span): Span | undefined;
}

export class AnalysisStore {
  private readonly byUri = new Map<string, DocumentAnalysis>();
  /** Per document, the newest analysis whose network stage ran, kept while newer versions wait. */
  private readonly lastAnalysed = new Map<string, DocumentAnalysis>();
  /** Edits since then (the server records every change it applies). */
  readonly edits = new EditLog();
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

  /** Resolves when the folders' campaign records are read (analyses made before then are redone). */
  setWorkspaceFolders(folders: string[]): Promise<void> {
    this.workspaceFolders = folders;
    const loaded = this.measurements.setWorkspaceFolders(folders);
    this.reloadModels();
    return loaded.then(() => this.forgetAnalyses());
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
    this.forgetAnalyses();
  }

  get(document: TextDocument): DocumentAnalysis {
    const cached = this.byUri.get(document.uri);
    if (cached && cached.version === document.version) return cached;
    if (cached?.analysed) {
      this.lastAnalysed.set(document.uri, cached);
      this.edits.trimUpTo(document.uri, cached.version);
    }
    cached?.abandon();
    const text = document.getText();
    // A .caffemodel view is analysed in the phase its net was stored for (TRAIN snapshots).
    const settings = settingsForDocument(document.uri, text, this.settings);
    const measured = this.trusted ? () => this.measurements.lookup(document.uri, text) : undefined;
    const fresh = new DocumentAnalysis(
      document.uri,
      document.version,
      text,
      settings,
      this.models.get(settings.platform),
      measured,
      this.trusted,
      this.models.modeModels(settings.platform),
    );
    this.byUri.set(document.uri, fresh);
    return fresh;
  }

  /**
   * For a request that must not wait for a long analysis (hover on a large file right after an
   * edit): the last analysis whose network stage ran, with offset maps through the edits since.
   * Undefined when the current version is analysed (use get()) or no earlier one can be mapped.
   */
  earlierAnalysis(document: TextDocument): EarlierAnalysis | undefined {
    const current = this.byUri.get(document.uri);
    if (current && current.version === document.version && current.analysed) return undefined;
    const earlier = current?.analysed ? current : this.lastAnalysed.get(document.uri);
    if (!earlier || earlier.version >= document.version) return undefined;
    const { uri, version } = document;
    return {
      analysis: earlier,
      toEarlier: (offset) => this.edits.mapBack(uri, earlier.version, version, offset),
      toCurrent: (span) => this.edits.mapForward(uri, earlier.version, version, span),
    };
  }

  /**
   * A campaign records file changed: re-read it (without blocking) and then redo analyses so they
   * look measurements up again; resolves when that is done.
   */
  async measurementsChanged(file: string): Promise<void> {
    await this.measurements.fileChanged(file);
    this.forgetAnalyses();
  }

  /**
   * Re-reads records that changed without a watcher event (a network opened after another program
   * wrote campaigns); true when analyses were redone.
   */
  async refreshMeasurements(): Promise<boolean> {
    if (!this.trusted || !(await this.measurements.refresh())) return false;
    this.forgetAnalyses();
    return true;
  }

  /** The document changed: an unfinished analysis of an older version is of no use any more. */
  documentChanged(uri: string): void {
    const current = this.byUri.get(uri);
    if (current && !current.analysed) current.abandon();
  }

  private forgetAnalyses(): void {
    for (const analysis of this.byUri.values()) analysis.abandon();
    this.byUri.clear();
    this.lastAnalysed.clear();
  }

  forget(uri: string): void {
    this.byUri.get(uri)?.abandon();
    this.byUri.delete(uri);
    this.lastAnalysed.delete(uri);
    this.edits.forget(uri);
  }
}
