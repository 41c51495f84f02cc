// The panel's HTML shell: a strict Content-Security-Policy (nothing but our own script and styles,
// identified by a fresh nonce; images only from the extension or data: URLs; no network), the
// stylesheet and the bundled script. The UI itself is built by media/src/panel.ts.
import { randomBytes } from 'crypto';

export interface WebviewHtmlInput {
  /** webview.cspSource */
  cspSource: string;
  /** webview.asWebviewUri(...) of out/media/panel.js and media/panel.css, as strings. */
  scriptUri: string;
  styleUri: string;
  nonce?: string;
}

export function makeNonce(): string {
  return randomBytes(18)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '');
}

const escapeAttribute = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function webviewHtml(input: WebviewHtmlInput): string {
  const nonce = input.nonce ?? makeNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(input.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${escapeAttribute(input.styleUri)}">
<title>Refit energy models</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="loading">Loading…</p></main>
<script nonce="${nonce}" src="${escapeAttribute(input.scriptUri)}"></script>
</body>
</html>`;
}
