// Keeps the latest DocumentAnalysis per open document; a new version or new settings replace it.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentAnalysis } from './document-analysis';
import type { EnergyLensSettings } from '../protocol';
import { DEFAULT_SETTINGS } from '../protocol';

export class AnalysisStore {
  private readonly byUri = new Map<string, DocumentAnalysis>();
  private settings: EnergyLensSettings = DEFAULT_SETTINGS;

  get currentSettings(): EnergyLensSettings {
    return this.settings;
  }

  setSettings(settings: EnergyLensSettings): void {
    this.settings = settings;
    this.byUri.clear();
  }

  get(document: TextDocument): DocumentAnalysis {
    const cached = this.byUri.get(document.uri);
    if (cached && cached.version === document.version) return cached;
    const fresh = new DocumentAnalysis(document.uri, document.version, document.getText(), this.settings);
    this.byUri.set(document.uri, fresh);
    return fresh;
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }

  /** Drops every cached analysis (e.g. models changed) while keeping settings. */
  invalidateAll(): void {
    this.byUri.clear();
  }
}
