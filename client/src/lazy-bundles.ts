// Features that load on first use, each its own esbuild bundle (out/client/<name>.js, listed in
// esbuild.mjs's LAZY_BUNDLES), so activation loads only the language client and the status bar.
// To add one: an entry in LAZY_BUNDLES, a line in LazyBundles below, and call loadBundle() only
// inside a command, callback or provider, never at activation. Import its ids from a small module
// (like panel/panel-ids.ts), not from the feature itself, or the feature lands in the activation bundle.
import * as path from 'path';
// Types only: the features themselves stay out of this bundle.
import type * as Campaigns from './campaigns/register';
import type * as BoardLink from './board/board-link';
import type * as RefitFeature from './panel/refit-feature';

export interface LazyBundles {
  campaigns: typeof Campaigns;
  'board-link': typeof BoardLink;
  'refit-panel': typeof RefitFeature;
}

const SOURCES: Record<keyof LazyBundles, string> = {
  campaigns: './campaigns/register',
  'board-link': './board/board-link',
  'refit-panel': './panel/refit-feature',
};

/** Requires the bundle beside this one; from sources (unit tests under tsx), the module itself. */
export function loadBundle<K extends keyof LazyBundles>(name: K): LazyBundles[K] {
  const fromSources = __filename.endsWith('.ts');
  // A computed path: esbuild leaves the require to run time instead of bundling the feature here
  // (an `import()` would be async, and the seam hands features to synchronous VS Code callbacks).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(__dirname, fromSources ? SOURCES[name] : `${name}.js`)) as LazyBundles[K];
}
