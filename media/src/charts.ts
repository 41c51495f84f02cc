/// <reference lib="dom" />
// The panel's five charts, drawn with chart.js. Only the parts used are registered (scatter and
// bar controllers, linear/log/category scales, tooltip, legend) to keep the bundle small. Data
// arrives already thinned by the host (≤ 2,000 points a chart), so drawing is unanimated and
// unparsed (parsing: false): 10,000-row datasets draw in one frame.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  type ChartDataset,
  Legend,
  LineElement,
  LinearScale,
  LogarithmicScale,
  type Plugin,
  PointElement,
  ScatterController,
  Tooltip,
  type TooltipItem,
} from 'chart.js';
import type {
  CandidatePoint,
  ChartId,
  ChartPoint,
  CurveChartData,
  FitView,
  FrontierPointView,
  FrontierView,
  NetworkBar,
  RenderedChart,
  ScatterChartData,
} from '../../client/src/panel/messages';
import { quantityWords, sig } from './format';
import { type ThemeColors, withAlpha } from './theme';

Chart.register(
  ScatterController,
  BarController,
  PointElement,
  LineElement,
  BarElement,
  LinearScale,
  LogarithmicScale,
  CategoryScale,
  Tooltip,
  Legend,
);

type AnyConfig = ChartConfiguration<'scatter' | 'bar', unknown[], unknown>;
type Scatter = ChartDataset<'scatter', Array<{ x: number; y: number }>>;

export interface ChartInputs {
  view: FitView;
  candidates: CandidatePoint[];
  /** Every layer type of the dataset, sorted: a type keeps its colour across fits. */
  types: string[];
  curveType: string | null;
  theme: ThemeColors;
  /** A search's frontier: drawn instead of the method candidates while it is current. */
  frontier?: FrontierView | null;
  /** Clicking a frontier point selects that model. */
  onSelectFrontier?: (layerType: string, complexity: number) => void;
}

/** The frontier of the layer type the curve chart shows (else the first). */
export function frontierTypeOf(frontier: FrontierView, curveType: string | null): FrontierView['types'][number] | undefined {
  return frontier.types.find((t) => t.type === curveType) ?? frontier.types[0];
}

interface Built {
  config: AnyConfig | null;
  /** Shown under the chart (e.g. how many points are drawn), or why it is empty. */
  note: string;
  points: number;
}

export function typeColor(types: string[], type: string, theme: ThemeColors): string {
  const i = Math.max(0, types.indexOf(type));
  return theme.palette[i % theme.palette.length];
}

function baseOptions(
  theme: ThemeColors,
  x: { type: 'linear' | 'logarithmic' | 'category'; title: string },
  y: { type: 'linear' | 'logarithmic'; title: string },
) {
  const axis = (a: { type: string; title: string }) => ({
    type: a.type,
    title: { display: true, text: a.title, color: theme.muted },
    ticks: {
      color: theme.muted,
      maxTicksLimit: 8,
      ...(a.type === 'logarithmic' ? { callback: (v: number | string) => logTick(Number(v)) } : {}),
    },
    grid: { color: theme.grid },
    border: { color: theme.grid },
  });
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false as const,
    parsing: false as const,
    interaction: { mode: 'nearest' as const, intersect: true },
    scales: { x: axis(x), y: axis(y) },
    plugins: {
      legend: { labels: { color: theme.foreground, boxWidth: 10, boxHeight: 10, filter: (item: { text: string }) => item.text !== '' } },
      tooltip: {},
    },
  };
}

/** Log axes label only 1, 2, 5 × 10^k so the ticks stay readable; far from 1 as `2e7`. */
export function logTick(v: number): string {
  if (!(v > 0)) return '';
  const k = Math.floor(Math.log10(v) + 1e-9);
  const m = v / 10 ** k;
  const lead = Math.round(m);
  if (![1, 2, 5].includes(lead) || Math.abs(m - lead) > 1e-6) return '';
  return k >= -2 && k <= 4 ? String(Number(v.toPrecision(3))) : `${lead}e${k}`;
}

const pointLabel = (p: ChartPoint) => `${p.l}${p.n ? ` (${p.n})` : ''}`;

function scatterOf(label: string, points: ChartPoint[], color: string, radius = 2.5): Scatter {
  return {
    label,
    data: points,
    backgroundColor: withAlpha(color, 0.55),
    borderColor: color,
    borderWidth: 1,
    pointRadius: radius,
    pointHoverRadius: radius + 2.5,
  };
}

function lineOf(label: string, points: Array<{ x: number; y: number }>, color: string, dashed: boolean): Scatter {
  return {
    label,
    data: points,
    showLine: true,
    borderColor: color,
    backgroundColor: color,
    borderWidth: dashed ? 1 : 2,
    borderDash: dashed ? [5, 4] : [],
    pointRadius: 0,
    pointHoverRadius: 0,
  };
}

function thinnedNote(d: { total: number; shown: number }, notPositive = 0): string {
  const parts: string[] = [];
  if (d.shown < d.total - notPositive)
    parts.push(`showing ${d.shown.toLocaleString('en-US')} of ${d.total.toLocaleString('en-US')} points (overlapping points thinned)`);
  if (notPositive > 0) parts.push(`${notPositive} with a value ≤ 0 cannot be shown on a log axis`);
  return parts.join('; ');
}

function measuredVsPredicted(data: ScatterChartData, inputs: ChartInputs, from: string): Built {
  const q = quantityWords(inputs.view.quantity);
  const { theme, types } = inputs;
  const points = data.series.reduce((s, x) => s + x.points.length, 0);
  if (points === 0) return { config: null, note: 'No row was predicted.', points: 0 };
  const datasets: Scatter[] = data.series.map((s) => scatterOf(s.type, s.points, typeColor(types, s.type, theme)));
  datasets.push(
    lineOf(
      '',
      [
        { x: data.min, y: data.min },
        { x: data.max, y: data.max },
      ],
      theme.muted,
      true,
    ),
  );
  const options = baseOptions(
    theme,
    { type: 'logarithmic', title: `Measured ${q.noun} (${q.unit})` },
    { type: 'logarithmic', title: `Predicted ${q.noun}, ${from} (${q.unit})` },
  );
  options.plugins.tooltip = {
    filter: (item: TooltipItem<'scatter'>) => (item.raw as ChartPoint).l !== undefined,
    callbacks: {
      label: (item: TooltipItem<'scatter'>) => {
        const p = item.raw as ChartPoint;
        return `${pointLabel(p)}: measured ${sig(p.x)} ${q.unit}, predicted ${sig(p.y)} ${q.unit}`;
      },
    },
  };
  return {
    config: { type: 'scatter', data: { datasets }, options } as AnyConfig,
    note: `y = x dashed. ${thinnedNote(data, data.notPositive)}`.trim(),
    points,
  };
}

function residuals(data: ScatterChartData, inputs: ChartInputs, from: string): Built {
  const q = quantityWords(inputs.view.quantity);
  const { theme, types } = inputs;
  const points = data.series.reduce((s, x) => s + x.points.length, 0);
  if (points === 0) return { config: null, note: 'No row was predicted.', points: 0 };
  const all = data.series.flatMap((s) => s.points);
  const xLog = all.every((p) => p.x > 0);
  const xs = all.map((p) => p.x);
  const datasets: Scatter[] = data.series.map((s) => scatterOf(s.type, s.points, typeColor(types, s.type, theme)));
  datasets.push(
    lineOf(
      '',
      [
        { x: Math.min(...xs), y: 0 },
        { x: Math.max(...xs), y: 0 },
      ],
      theme.muted,
      true,
    ),
  );
  const options = baseOptions(
    theme,
    { type: xLog ? 'logarithmic' : 'linear', title: `Measured ${q.noun} (${q.unit})` },
    { type: 'linear', title: `Error of the ${from} prediction (%)` },
  );
  options.plugins.tooltip = {
    filter: (item: TooltipItem<'scatter'>) => (item.raw as ChartPoint).l !== undefined,
    callbacks: {
      label: (item: TooltipItem<'scatter'>) => {
        const p = item.raw as ChartPoint;
        return `${pointLabel(p)}: measured ${sig(p.x)} ${q.unit}, error ${p.y.toFixed(1)} %`;
      },
    },
  };
  return { config: { type: 'scatter', data: { datasets }, options } as AnyConfig, note: thinnedNote(data, data.notPositive), points };
}

export function curveFor(view: FitView, curveType: string | null): CurveChartData | undefined {
  return view.curves.find((c) => c.type === curveType) ?? view.curves[0];
}

function energyVsFeature(inputs: ChartInputs): Built {
  const q = quantityWords(inputs.view.quantity);
  const { theme, types, view } = inputs;
  const c = curveFor(view, inputs.curveType);
  if (!c || c.measured.length === 0) return { config: null, note: 'No rows.', points: 0 };
  const color = typeColor(types, c.type, theme);
  const datasets: Scatter[] = [scatterOf(`${c.type} measured`, c.measured, color)];
  if (c.curve) datasets.push(lineOf('fitted curve', c.curve, theme.foreground, false));
  else datasets.push({ ...scatterOf('fitted (other features vary)', c.fitted, theme.foreground, 2), backgroundColor: 'transparent' });
  const options = baseOptions(
    theme,
    { type: c.xLog ? 'logarithmic' : 'linear', title: c.feature },
    { type: c.yLog ? 'logarithmic' : 'linear', title: `${q.Noun} (${q.unit})` },
  );
  options.plugins.tooltip = {
    filter: (item: TooltipItem<'scatter'>) => (item.raw as ChartPoint).l !== undefined,
    callbacks: {
      label: (item: TooltipItem<'scatter'>) => {
        const p = item.raw as ChartPoint;
        return `${pointLabel(p)}: ${c.feature} ${sig(p.x)}, ${sig(p.y)} ${q.unit}`;
      },
    },
  };
  const note = [
    c.curve ? '' : `the ${c.type} model reads more than ${c.feature}: fitted values are drawn instead of a curve`,
    thinnedNote(c),
  ]
    .filter(Boolean)
    .join('; ');
  return {
    config: { type: 'scatter', data: { datasets }, options } as AnyConfig,
    note,
    points: c.measured.length + (c.curve ? 0 : c.fitted.length),
  };
}

/**
 * Writes each candidate's method beside its point, the selected one first; a label that would overlap
 * one already written (or leave the plot area) is moved to the point's left, else left out (its
 * tooltip still names it).
 */
const methodLabels: Plugin<'scatter'> = {
  id: 'energyLensMethodLabels',
  afterDatasetsDraw(chart) {
    const meta = chart.getDatasetMeta(0);
    const ctx = chart.ctx;
    const area = chart.chartArea;
    const color = (chart.options.plugins?.legend?.labels?.color as string | undefined) ?? '#888';
    ctx.save();
    ctx.fillStyle = color;
    const size = Chart.defaults.font.size ?? 12;
    ctx.font = `${size}px ${Chart.defaults.font.family ?? 'sans-serif'}`;
    ctx.textBaseline = 'middle';
    const placed: Array<{ x0: number; x1: number; y0: number; y1: number }> = [];
    const order = meta.data
      .map((el, i) => ({ el, c: (chart.data.datasets[0].data[i] as unknown as { c: CandidatePoint }).c }))
      .sort((a, b) => Number(b.c.selected) - Number(a.c.selected));
    for (const { el, c } of order) {
      if (!c.label) continue;
      const width = ctx.measureText(c.label).width;
      const boxes = [el.x + 7, el.x - 7 - width].map((x0) => ({ x0, x1: x0 + width, y0: el.y - size / 2, y1: el.y + size / 2 }));
      const free = boxes.find(
        (b) => b.x0 >= area.left && b.x1 <= area.right && !placed.some((p) => b.x0 < p.x1 && p.x0 < b.x1 && b.y0 < p.y1 && p.y0 < b.y1),
      );
      if (!free) continue;
      placed.push(free);
      ctx.fillText(c.label, free.x0, el.y);
    }
    ctx.restore();
  },
};

/** Held-out per-layer MAPE against complexity: lower is better, never a negative "accuracy". */
function accuracyVsComplexity(inputs: ChartInputs): Built {
  if (inputs.frontier) return frontierChart(inputs, inputs.frontier);
  const { theme, candidates } = inputs;
  const usable = candidates.filter((c) => c.mape !== null && c.mape > 0);
  if (usable.length === 0)
    return { config: null, note: candidates.length > 0 ? 'No candidate has predictions.' : 'Fitting the candidates…', points: 0 };
  const data = usable.map((c) => ({ x: c.complexity, y: c.mape!, c }));
  const ys = data.map((d) => d.y);
  // A wide spread (30 % next to 2,800 %) is drawn on a log axis, so every model, the selected one
  // included, stays inside the range and none is clipped.
  const yLog = Math.max(...ys) / Math.min(...ys) > 20;
  const options = baseOptions(
    theme,
    { type: 'linear', title: 'Complexity (fitted parameters)' },
    { type: yLog ? 'logarithmic' : 'linear', title: 'Per-layer MAPE, predicted vs measured (%), lower is better' },
  );
  if (!yLog) (options.scales.y as Record<string, unknown>).min = 0;
  options.plugins.tooltip = {
    callbacks: {
      label: (item: TooltipItem<'scatter'>) => {
        const { c } = item.raw as { c: CandidatePoint };
        const network = c.accuracyKind === 'network' && c.accuracy !== null ? `, network accuracy ${c.accuracy.toFixed(1)} %` : '';
        return `${c.label}: complexity ${c.complexity}, MAPE ${c.mape!.toFixed(1)} %${network}`;
      },
    },
  };
  (options.scales.x as Record<string, unknown>).grace = '15%';
  (options.scales.y as Record<string, unknown>).grace = '10%';
  const dataset: Scatter = {
    label: '',
    data,
    backgroundColor: data.map((d) => (d.c.selected ? theme.accent : withAlpha(theme.palette[0], 0.6))),
    borderColor: data.map((d) => (d.c.selected ? theme.foreground : theme.palette[0])),
    pointRadius: data.map((d) => (d.c.selected ? 7 : 4)),
    pointHoverRadius: 8,
  };
  const failed = inputs.candidates.length - usable.length;
  return {
    config: { type: 'scatter', data: { datasets: [dataset] }, options, plugins: [methodLabels] } as AnyConfig,
    note: ['selected method highlighted', yLog ? 'MAPE on a log scale' : '', failed > 0 ? `${failed} without predictions` : '']
      .filter(Boolean)
      .join('; '),
    points: data.length,
  };
}

/** A search's front: one point per model (fewest parameters first), joined by a line; click to select. */
function frontierChart(inputs: ChartInputs, frontier: FrontierView): Built {
  const { theme } = inputs;
  const t = frontierTypeOf(frontier, inputs.curveType);
  if (!t || t.points.length === 0) return { config: null, note: 'The search found no model.', points: 0 };
  const label = (p: FrontierPointView) => `${p.complexity}: ${p.family}${p.recommended ? ' ★' : ''}`;
  // The label plugin reads `c.label` and `c.selected`, as for method candidates.
  const data = t.points.map((p) => ({ x: p.complexity, y: p.mape, c: { label: label(p), selected: p.selected }, p }));
  const ys = data.map((d) => d.y);
  const yLog = Math.max(...ys) / Math.min(...ys) > 20;
  const options = baseOptions(
    theme,
    { type: 'linear', title: 'Complexity (fitted parameters)' },
    { type: yLog ? 'logarithmic' : 'linear', title: `Held-out per-layer MAPE (%), ${t.type}` },
  );
  if (!yLog) (options.scales.y as Record<string, unknown>).min = 0;
  (options.scales.x as Record<string, unknown>).grace = '15%';
  (options.scales.y as Record<string, unknown>).grace = '10%';
  options.plugins.tooltip = {
    callbacks: {
      label: (item: TooltipItem<'scatter'>) => {
        const { p } = item.raw as { p: FrontierPointView };
        return [
          `${p.complexity} parameters, ${p.label}${p.recommended ? ' (recommended)' : ''}`,
          `held-out MAPE ${p.mape.toFixed(1)} %, median ${p.medianApe.toFixed(1)} %, p90 ${p.p90Ape.toFixed(1)} %`,
          `90 % interval ×/÷ ${p.interval90Factor.toFixed(2)} (coverage ${(100 * p.coverage90).toFixed(1)} %)`,
          p.formula,
        ];
      },
    },
  };
  const select = inputs.onSelectFrontier;
  const onClick = (_event: unknown, elements: Array<{ index: number }>) => {
    const hit = elements[0];
    if (hit && select) select(t.type, t.points[hit.index].complexity);
  };
  const dataset: Scatter = {
    label: '',
    data,
    showLine: true,
    borderColor: data.map((d) => (d.p.selected ? theme.foreground : theme.palette[0])),
    backgroundColor: data.map((d) => (d.p.selected ? theme.accent : withAlpha(theme.palette[0], 0.6))),
    pointRadius: data.map((d) => (d.p.selected ? 7 : 4)),
    pointHoverRadius: 8,
  } as Scatter;
  const chosen = t.points.find((p) => p.selected);
  return {
    config: { type: 'scatter', data: { datasets: [dataset] }, options: { ...options, onClick }, plugins: [methodLabels] } as AnyConfig,
    note: [
      `frontier of a${frontier.automatic ? 'n automatic' : ''} model search (${frontier.validation}, ${frontier.seconds.toFixed(1)} s); click a point to select it, Save as model saves it`,
      chosen
        ? `selected: ${chosen.complexity} parameters, ${chosen.label}, MAPE ${chosen.mape.toFixed(1)} %, 90 % interval ×/÷ ${chosen.interval90Factor.toFixed(2)} (coverage ${(100 * chosen.coverage90).toFixed(1)} %): ${chosen.formula}`
        : '',
      yLog ? 'MAPE on a log scale' : '',
    ]
      .filter(Boolean)
      .join('; '),
    points: data.length,
  };
}

function networks(bars: NetworkBar[] | null, inputs: ChartInputs, from: string): Built {
  const q = quantityWords(inputs.view.quantity);
  const { theme } = inputs;
  if (!bars || bars.length === 0)
    return { config: null, note: 'The rows name no networks, so there are no per-network totals.', points: 0 };
  const values = bars.flatMap((b) => [b.measured, b.predicted]);
  const positive = values.every((v) => v > 0);
  const yLog = positive && Math.max(...values) / Math.min(...values) >= 100;
  const options = baseOptions(
    theme,
    { type: 'category', title: 'Network' },
    { type: yLog ? 'logarithmic' : 'linear', title: `${q.Noun} per forward pass (${q.unit})` },
  );
  options.interaction = { mode: 'index' as 'nearest', intersect: false };
  options.plugins.tooltip = {
    callbacks: {
      footer: (items: Array<TooltipItem<'bar'>>) => {
        const b = bars[items[0]?.dataIndex ?? 0];
        if (!b) return '';
        const left = b.leftOut > 0 ? `\n${b.leftOut} layer(s) without a prediction (${b.leftOutTypes.join(', ')}) are in neither bar` : '';
        return `error ${b.errorPct.toFixed(1)} % over ${b.layers} layer(s)${left}`;
      },
    },
  };
  const config = {
    type: 'bar',
    data: {
      labels: bars.map((b) => b.network),
      datasets: [
        {
          label: 'measured',
          data: bars.map((b) => b.measured),
          backgroundColor: withAlpha(theme.palette[0], 0.75),
          borderColor: theme.palette[0],
          borderWidth: 1,
        },
        {
          label: `predicted (${from})`,
          data: bars.map((b) => b.predicted),
          backgroundColor: withAlpha(theme.palette[1], 0.75),
          borderColor: theme.palette[1],
          borderWidth: 1,
        },
      ],
    },
    options: { ...options, parsing: undefined },
  };
  const leftOut = bars.reduce((n, b) => n + b.leftOut, 0);
  const types = [...new Set(bars.flatMap((b) => b.leftOutTypes))].sort();
  const note =
    leftOut > 0
      ? `sums over the layers with a prediction only: ${leftOut} layer(s) of ${types.join(', ')} have none and are left out of both bars, so the bars are below the networks' whole-net totals`
      : 'sums over every measured layer of each network';
  return { config: config as unknown as AnyConfig, note, points: bars.length * 2 };
}

export function buildCharts(inputs: ChartInputs): Record<ChartId, Built> {
  const from = inputs.view.metrics.from;
  return {
    measuredVsPredicted: measuredVsPredicted(inputs.view.measuredVsPredicted, inputs, from),
    energyVsFeature: energyVsFeature(inputs),
    residuals: residuals(inputs.view.residuals, inputs, from),
    accuracyVsComplexity: accuracyVsComplexity(inputs),
    networks: networks(inputs.view.networks, inputs, from),
  };
}

/** One chart on the page: its canvas, note and chart.js instance. */
export class ChartCard {
  private chart?: Chart;
  private points = 0;

  constructor(
    readonly id: ChartId,
    private readonly canvas: HTMLCanvasElement,
    private readonly note: HTMLElement,
    private readonly empty: HTMLElement,
  ) {}

  draw(built: Built, theme: ThemeColors): void {
    this.chart?.destroy();
    this.chart = undefined;
    this.points = built.points;
    this.note.textContent = built.note;
    this.empty.textContent = built.config ? '' : built.note;
    this.empty.hidden = built.config !== null;
    this.canvas.hidden = built.config === null;
    if (!built.config) return;
    Chart.defaults.color = theme.foreground;
    Chart.defaults.font.family = theme.fontFamily;
    Chart.defaults.font.size = Math.max(10, theme.fontSize - 1);
    this.chart = new Chart(this.canvas, built.config as ChartConfiguration);
  }

  /** Non-transparent pixels of the canvas: proof for tests that something was drawn. */
  rendered(): RenderedChart {
    let nonEmptyPixels = 0;
    if (this.chart && this.canvas.width > 0 && this.canvas.height > 0) {
      const ctx = this.canvas.getContext('2d');
      const data = ctx?.getImageData(0, 0, this.canvas.width, this.canvas.height).data;
      if (data) for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) nonEmptyPixels++;
    }
    return { id: this.id, points: this.chart ? this.points : 0, nonEmptyPixels };
  }

  /** The chart as a PNG on the theme's background (a transparent PNG is unreadable elsewhere). */
  png(background: string): string | undefined {
    if (!this.chart) return undefined;
    const out = document.createElement('canvas');
    out.width = this.canvas.width;
    out.height = this.canvas.height;
    const ctx = out.getContext('2d');
    if (!ctx) return undefined;
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(this.canvas, 0, 0);
    return out.toDataURL('image/png');
  }
}
