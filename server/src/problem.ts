// A problem found in a document by any layer (parser, schema check, graph analysis), in offsets.
// The LSP layer turns these into Diagnostics and quick fixes; the CLI prints them. One shape for all
// producers keeps every consumer simple.
import type { Span } from './text/ast';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface TextEdit {
  span: Span;
  newText: string;
}

export interface QuickFix {
  title: string;
  edits: TextEdit[];
  /** The fix a user most likely wants (VS Code's isPreferred). */
  preferred?: boolean;
}

export interface Problem {
  severity: Severity;
  message: string;
  span: Span;
  /** Stable identifier, e.g. `unknown-field`, shown as the diagnostic code. */
  code: string;
  fixes?: QuickFix[];
  /** `unnecessary` renders faded (e.g. an unused layer output). */
  tags?: Array<'unnecessary' | 'deprecated'>;
}
