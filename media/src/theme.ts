/// <reference lib="dom" />
// Chart colours from the VS Code theme (the --vscode-* CSS variables VS Code sets on the page), so
// charts follow light, dark and high-contrast themes; re-read when the theme changes.

export interface ThemeColors {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  fontFamily: string;
  fontSize: number;
  /** Series colours, in order. */
  palette: string[];
  accent: string;
}

const PALETTE_VARS = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-purple',
  '--vscode-charts-red',
  '--vscode-charts-yellow',
];
const FALLBACK_PALETTE = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'];

export function readTheme(): ThemeColors {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const foreground = v('--vscode-foreground', '#cccccc');
  return {
    foreground,
    muted: v('--vscode-descriptionForeground', foreground),
    grid: withAlpha(v('--vscode-editorWidget-border', v('--vscode-panel-border', '#80808059')), 0.45),
    background: v('--vscode-editor-background', '#1e1e1e'),
    fontFamily: v('--vscode-font-family', 'sans-serif'),
    fontSize: Number.parseFloat(v('--vscode-font-size', '13')) || 13,
    palette: PALETTE_VARS.map((name, i) => v(name, FALLBACK_PALETTE[i])),
    accent: v('--vscode-focusBorder', '#007fd4'),
  };
}

/** The colour with an alpha (hex #rgb/#rrggbb/#rrggbbaa or rgb()/rgba()); other forms unchanged. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(color);
  if (hex) {
    let s = hex[1];
    if (s.length === 3 || s.length === 4) s = [...s].map((c) => c + c).join('');
    const n = (i: number) => Number.parseInt(s.slice(i, i + 2), 16);
    return `rgba(${n(0)}, ${n(2)}, ${n(4)}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^)]+)\)$/i.exec(color);
  if (rgb) {
    const parts = rgb[1]
      .split(/[\s,/]+/)
      .filter(Boolean)
      .slice(0, 3);
    return `rgba(${parts.join(', ')}, ${alpha})`;
  }
  return color;
}

/** Calls `onChange` when VS Code switches theme (it changes the body's class and the variables). */
export function watchTheme(onChange: () => void): void {
  new MutationObserver(onChange).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
}
