// ARCHITECTURE.md's import table, checked by `npm run lint` (dependency-cruiser). Rules are written by
// folder, so a new file in a folder follows its folder's rule. Each rule forbids what the table does not
// allow; a rule's comment says which row it is.
const S = '^server/src/';
const inServer = (...parts) => `${S}(${parts.join('|')})`;
/** Everything in the project except test/ and scripts/ (production code). */
const PRODUCT = '^(server/src|client/src|media/src)/';
/** Formatting and escaping for people, shared by server, client and CLI; they import nothing. */
const SHARED_LEAVES = `${S}(units|markdown-escape|csv-escape|settings-defaults|caffe-upgrade-names)\\.ts$`;
/** Caffe's V0/V1 layer type names (upgrade_proto.cpp), one table for the schema and the network model. */
const UPGRADE_NAMES = `${S}caffe-upgrade-names\\.ts$`;
/** `vscode` resolves to its type declarations (the host provides the module at run time). */
const VSCODE = '^(vscode$|node_modules/@types/vscode/)';

/** `from` may import nothing in the project but the `allowed` paths (regexes). */
const only = (name, comment, from, allowed, extra = {}) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from, ...(extra.fromNot ? { pathNot: extra.fromNot } : {}) },
  to: { path: '^(server|client|media|test|scripts)/', pathNot: allowed, ...(extra.to ?? {}) },
});

module.exports = {
  forbidden: [
    only('text-is-a-leaf', 'text/ imports nothing else in the project', `${S}text/`, `${S}text/`),
    only(
      'caffe-schema',
      'caffe/: text/, problem.ts, caffe-upgrade-names.ts',
      `${S}caffe/`,
      [`${S}caffe/`, `${S}text/`, `${S}problem\\.ts$`, UPGRADE_NAMES].join('|'),
    ),
    only(
      'net-model',
      'net/: text/, problem.ts, caffe-upgrade-names.ts (not caffe/, not energy/)',
      `${S}net/`,
      [`${S}net/`, `${S}text/`, `${S}problem\\.ts$`, UPGRADE_NAMES].join('|'),
    ),
    only(
      'weights-beside-net',
      'weights/ (a net against trained weights): net/, caffe/, text/, problem.ts',
      `${S}weights/`,
      [`${S}weights/`, `${S}net/`, `${S}caffe/`, `${S}text/`, `${S}problem\\.ts$`].join('|'),
    ),
    only(
      'caffe2-translator',
      'caffe2/ (Caffe to Caffe2 translator, pure): net/, caffe/, text/, problem.ts, the shared leaves',
      `${S}caffe2/`,
      [`${S}caffe2/`, `${S}net/`, `${S}caffe/`, `${S}text/`, `${S}problem\\.ts$`, SHARED_LEAVES].join('|'),
    ),
    only(
      'energy-models',
      'energy/ (models, prediction): net/types.ts only',
      `${S}energy/`,
      [`${S}energy/`, `${S}net/types\\.ts$`].join('|'),
      { fromNot: `${S}energy/fit/` },
    ),
    only(
      'energy-fit',
      'energy/fit/ (the fitting engine): energy/, net/types.ts, measurements/ (campaign records as data sets), the shared leaves',
      `${S}energy/fit/`,
      [`${S}energy/`, `${S}net/types\\.ts$`, `${S}measurements/`, SHARED_LEAVES].join('|'),
    ),
    only(
      'measurements-records',
      'measurements/: net/types.ts only',
      `${S}measurements/`,
      [`${S}measurements/`, `${S}net/types\\.ts$`].join('|'),
    ),
    only('problem-type', 'problem.ts: text/ast.ts (spans) only', `${S}problem\\.ts$`, `${S}text/ast\\.ts$`),
    only(
      'protocol-is-standalone',
      'protocol.ts: no project code but settings-defaults.ts (the client bundles it); npm: only the protocol package',
      `${S}protocol\\.ts$`,
      `${S}settings-defaults\\.ts$`,
    ),
    {
      name: 'protocol-package-only',
      severity: 'error',
      comment: 'protocol.ts imports only vscode-languageserver-protocol, so the client bundle does not grow',
      from: { path: `${S}protocol\\.ts$` },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-no-pkg', 'npm-unknown', 'core'],
        pathNot: '(^|/)node_modules/vscode-languageserver-protocol/',
      },
    },
    only(
      'shared-leaves',
      'units.ts, markdown-escape.ts, csv-escape.ts (shared by server, client and CLI) import nothing',
      SHARED_LEAVES,
      '^$',
    ),
    only('settings-reader', 'settings.ts: settings-defaults.ts', `${S}settings\\.ts$`, `${S}settings-defaults\\.ts$`),
    only(
      'analysis-pipeline',
      'analysis/: the layers below it, not lsp/, cli/ or server.ts',
      `${S}analysis/`,
      [
        inServer('analysis/', 'text/', 'caffe/', 'net/', 'weights/', 'energy/', 'measurements/', 'problem\\.ts$', 'protocol\\.ts$'),
        SHARED_LEAVES,
      ].join('|'),
    ),
    only(
      'lsp-through-analysis',
      'lsp/: analysis/, protocol.ts, problem.ts, the shared leaves; the syntax tree, printer and schema API (text/ but the parser, caffe/schema, caffe/validate); net/ and energy/ types only (type-only imports pass the next rule)',
      `${S}lsp/`,
      [
        `${S}lsp/`,
        `${S}analysis/`,
        `${S}(protocol|problem)\\.ts$`,
        SHARED_LEAVES,
        `${S}text/(?!parser\\.ts$)`,
        `${S}caffe/(schema|validate)\\.ts$`,
        `${S}(net|energy)/`,
      ].join('|'),
    ),
    {
      name: 'lsp-types-only-below-analysis',
      severity: 'error',
      comment: 'lsp/ uses net/ and energy/ for their types only: values come from analysis/ (memoised once per version)',
      from: { path: `${S}lsp/` },
      to: { path: inServer('net/', 'energy/'), dependencyTypesNot: ['type-only'] },
    },
    only(
      'cli-front-end',
      'cli/: server modules but lsp/ and server.ts; client/src/campaigns/ and client/src/board/ (headless campaigns; their vscode-free parts, see cli-without-vscode)',
      `${S}cli/`,
      [`${S}(?!lsp/|server\\.ts$)`, '^client/src/(campaigns|board)/'].join('|'),
    ),
    {
      name: 'cli-without-protocol-package',
      severity: 'error',
      comment: 'the CLI speaks no LSP: it takes the settings from settings-defaults.ts, so its bundle carries no JSON-RPC',
      from: { path: `${S}cli/` },
      to: { path: '(^|/)node_modules/vscode-(languageserver-protocol|jsonrpc|languageserver)/', reachable: true },
    },
    {
      name: 'cli-without-vscode',
      severity: 'error',
      comment: 'the CLI runs outside VS Code: nothing it reaches may import vscode',
      from: { path: `${S}cli/` },
      to: { path: VSCODE, reachable: true },
    },
    only(
      'server-wiring',
      'server.ts: lsp/, analysis/, protocol.ts, settings.ts',
      `${S}server\\.ts$`,
      inServer('lsp/', 'analysis/', 'protocol\\.ts$', 'settings\\.ts$'),
    ),
    only(
      'ssh-link',
      'client/src/board/ssh/ and adb/: no other project code',
      '^client/src/board/(ssh|adb)/',
      '^client/src/board/(ssh|adb)/',
    ),
    {
      name: 'board-link-without-vscode',
      severity: 'error',
      comment: 'the board links take their UI injected (the CLI and tests use them without VS Code)',
      from: { path: '^client/src/board/(ssh|adb)/' },
      to: { path: VSCODE },
    },
    only(
      'client-uses-shared-server-code',
      "client/src/: the server's shared, vscode-free modules only (protocol.ts, the shared leaves, measurements/, net/, energy/, caffe2/); never the server's runtime",
      '^client/src/',
      ['^client/src/', inServer('protocol\\.ts$', 'measurements/', 'net/', 'energy/', 'caffe2/'), SHARED_LEAVES].join('|'),
    ),
    {
      name: 'client-bundle-without-server-runtime',
      severity: 'error',
      comment: "the extension bundle never carries the language server package or the server's analysis",
      from: { path: '^client/src/' },
      to: { path: `(^|/)node_modules/vscode-languageserver/|${inServer('analysis/', 'lsp/', 'cli/', 'server\\.ts$')}`, reachable: true },
    },
    only(
      'webview-page',
      "media/src/: its own modules and the panel's message types",
      '^media/src/',
      '^media/src/|^client/src/panel/messages\\.ts$',
    ),
    {
      name: 'product-not-from-tests',
      severity: 'error',
      comment: 'shipped code never imports tests, harness or scripts',
      from: { path: PRODUCT },
      to: { path: '^(test|scripts)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'modules form layers; a cycle through type-only imports is harmless',
      from: { path: PRODUCT },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'every import resolves (vscode is provided by the host)',
      from: {},
      to: { couldNotResolve: true, pathNot: '^vscode$' },
    },
    {
      name: 'no-non-package-json',
      severity: 'error',
      comment: 'an npm package used by shipped code is a declared dependency, not a transitive one',
      from: { path: PRODUCT },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^out/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
