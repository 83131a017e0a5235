// chart.js for every chart of the panel, set up as its performance guide says (STYLE.md §6): only
// the parts we use registered, pre-shaped {x, y} data with parsing off, no animation. Colours come
// from the VS Code theme's CSS variables and follow a theme change.
import {
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartDataset,
  type ScatterDataPoint,
} from 'chart.js';

import { applyStatusColors } from './theme';

/** A classifier's decision regions: one class (or null) per cell of a side × side grid over `bounds`, row 0 at yMin. */
export interface Regions {
  cells: readonly (number | null)[];
  side: number;
  bounds: { xMin: number; xMax: number; yMin: number; yMax: number };
  /** Opaque colours, drawn at this opacity. */
  colors: readonly string[];
  alpha: number;
}
const regionsOf = new WeakMap<Chart, Regions>();

/**
 * Draws decision regions as filled cells under the datasets. Markers of a fixed pixel size cannot
 * tile a grid whose cells are wider than tall: they left vertical stripes.
 */
const regionsPlugin = {
  id: 'lossLabRegions',
  beforeDatasetsDraw(chart: Chart): void {
    const regions = regionsOf.get(chart);
    const [x, y] = [chart.scales.x, chart.scales.y];
    if (!regions || !x || !y) return;
    const { ctx, chartArea } = chart;
    const { bounds, side } = regions;
    const [w, h] = [(bounds.xMax - bounds.xMin) / side, (bounds.yMax - bounds.yMin) / side];
    ctx.save();
    ctx.beginPath();
    ctx.rect(chartArea.left, chartArea.top, chartArea.right - chartArea.left, chartArea.bottom - chartArea.top);
    ctx.clip();
    ctx.globalAlpha = regions.alpha;
    regions.cells.forEach((c, k) => {
      if (c === null) return;
      const [row, col] = [Math.floor(k / side), k % side];
      // Edges rounded to whole pixels: neighbours share an edge, with no gap and no overlap (a
      // translucent overlap would draw a darker seam).
      const [left, right] = [Math.round(x.getPixelForValue(bounds.xMin + col * w)), Math.round(x.getPixelForValue(bounds.xMin + (col + 1) * w))];
      const [top, bottom] = [Math.round(y.getPixelForValue(bounds.yMin + (row + 1) * h)), Math.round(y.getPixelForValue(bounds.yMin + row * h))];
      ctx.fillStyle = regions.colors[c % regions.colors.length] ?? 'transparent';
      ctx.fillRect(left, top, right - left, bottom - top);
    });
    ctx.restore();
  },
};

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip, regionsPlugin);

/** Sets (or with undefined removes) the regions a chart draws under its datasets; the axes then span their bounds. */
export function setRegions(chart: Chart<'scatter', (Point | null)[]>, regions: Regions | undefined): void {
  const scales = chart.options.scales as Record<'x' | 'y', { min?: number; max?: number; ticks: { includeBounds?: boolean } }> | undefined;
  if (regions) regionsOf.set(chart, regions);
  else regionsOf.delete(chart);
  if (!scales) return;
  [scales.x.min, scales.x.max, scales.y.min, scales.y.max] = regions ? [regions.bounds.xMin, regions.bounds.xMax, regions.bounds.yMin, regions.bounds.yMax] : [undefined, undefined, undefined, undefined];
  // The bounds are the data's box padded by 10 %: no tick at such ends (-1.94), only the round ones inside.
  scales.x.ticks.includeBounds = scales.y.ticks.includeBounds = !regions;
}

/** The smallest of 1, 2, 2.5, 5 × 10^k at least x: an axis end that falls on a tick. */
export function niceCeil(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const power = 10 ** Math.floor(Math.log10(x));
  return ([1, 2, 2.5, 5, 10].map((m) => m * power).find((v) => v >= x * (1 - 1e-12)) ?? 10 * power);
}

/** What the page's tests read of each chart: the plot area, the ticks, the datasets' look and drawing order. */
export function describeCharts(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const chart of charts) {
    const metas = chart.getSortedVisibleDatasetMetas();
    out[chart.canvas.id] = {
      area: { ...chart.chartArea },
      ticks: { x: chart.scales.x?.ticks.map((t) => t.value) ?? [], y: chart.scales.y?.ticks.map((t) => t.value) ?? [] },
      range: { yMin: chart.scales.y?.min, yMax: chart.scales.y?.max },
      // chart.js draws the sorted datasets from the last to the first: the first is on top.
      drawnLast: metas[0] ? chart.data.datasets[metas[0].index]?.label : undefined,
      datasets: chart.data.datasets.map((d) => ({ label: d.label, borderWidth: d.borderWidth, borderDash: (d as { borderDash?: number[] }).borderDash ?? [], showLine: (d as { showLine?: boolean }).showLine })),
    };
  }
  return out;
}

/** A gap (a non-finite value) is y = NaN: with parsing off chart.js reads every entry's x and y, so never null. */
export type Point = ScatterDataPoint;
export type Dataset = ChartDataset<'scatter', (Point | null)[]>;

/** The theme's chart colours (VS Code defines --vscode-charts-*), with fallbacks for other hosts. */
export function themeColor(name: 'foreground' | 'grid' | 'user' | 'red' | 'green' | 'yellow' | 'orange' | 'purple' | 'muted'): string {
  const variables: Record<typeof name, [string, string]> = {
    foreground: ['--vscode-foreground', '#616161'],
    grid: ['--vscode-editorWidget-border', 'rgba(128,128,128,0.35)'],
    user: ['--vscode-charts-blue', '#1a85ff'],
    red: ['--vscode-charts-red', '#e51400'],
    green: ['--vscode-charts-green', '#388a34'],
    yellow: ['--vscode-charts-yellow', '#bf8803'],
    orange: ['--vscode-charts-orange', '#d18616'],
    purple: ['--vscode-charts-purple', '#652d90'],
    muted: ['--vscode-descriptionForeground', '#717171'],
  };
  const [variable, fallback] = variables[name];
  return getComputedStyle(document.body).getPropertyValue(variable).trim() || fallback;
}

/** Colours for the built-in losses, in order. */
export const BASELINE_COLORS = ['orange', 'green', 'purple', 'yellow'] as const;

export function transparent(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color)?.[1];
  if (!hex) return color;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

export interface AxisOptions {
  x: string;
  y: string;
  logY?: boolean;
  /** A square plot area in data units (the training data). */
  legend?: boolean;
}

const charts = new Set<Chart<'scatter', (Point | null)[]>>();

export function createChart(canvas: HTMLCanvasElement, axes: AxisOptions): Chart<'scatter', (Point | null)[]> {
  const foreground = themeColor('foreground');
  const grid = themeColor('grid');
  const chart = new Chart<'scatter', (Point | null)[]>(canvas, {
    type: 'scatter',
    data: { datasets: [] },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      responsive: true,
      maintainAspectRatio: false,
      spanGaps: false,
      interaction: { mode: 'nearest', intersect: false },
      plugins: {
        legend: { display: axes.legend !== false, labels: { color: foreground, boxWidth: 14, boxHeight: 2 } },
        tooltip: { enabled: true },
      },
      scales: {
        x: { type: 'linear', title: { display: true, text: axes.x, color: foreground }, ticks: { color: foreground, maxTicksLimit: 8 }, grid: { color: grid } },
        y: { type: axes.logY ? 'logarithmic' : 'linear', title: { display: true, text: axes.y, color: foreground }, ticks: { color: foreground, maxTicksLimit: 6 }, grid: { color: grid } },
      },
    },
  });
  charts.add(chart);
  return chart;
}

/** A line through points, drawn without point markers; a lower `order` is drawn later, on top. */
export interface LineStyle {
  width?: number;
  dash?: readonly number[];
  order?: number;
}
export function line(label: string, data: (Point | null)[], color: string, options: LineStyle = {}): Dataset {
  return { label, data, showLine: true, borderColor: color, backgroundColor: color, borderWidth: options.width ?? 1.5, borderDash: [...(options.dash ?? [])], pointRadius: 0, pointHitRadius: 4, order: options.order ?? 0 };
}

/**
 * The user's line and a baseline's, styled so that both show where they coincide (a Huber loss on
 * the built-in Huber): the user's thin and solid, drawn last; a baseline wider, dashed, translucent,
 * drawn under it, so that it shows as a dashed rim on both sides.
 */
export const USER_LINE: LineStyle = { width: 2, order: 0 };
export const BASELINE_LINE: LineStyle = { width: 5, dash: [8, 4], order: 1 };

/** Markers only. */
export function markers(label: string, data: Point[], color: string, style: 'triangle' | 'crossRot' | 'circle' | 'rect' | 'rectRot', radius = 4): Dataset {
  // Drawn over the lines (order -1): a kink's triangle sits on the user's curve.
  return { label, data, showLine: false, borderColor: color, backgroundColor: color, pointStyle: style, pointRadius: radius, pointBorderWidth: 1.5, order: -1 };
}

/** Re-reads the theme's colours into every chart (VS Code swaps the variables and the body's class). */
export function followTheme(): void {
  applyStatusColors();
  new MutationObserver(() => {
    applyStatusColors();
    const foreground = themeColor('foreground');
    const grid = themeColor('grid');
    for (const chart of charts) {
      for (const scale of Object.values(chart.options.scales ?? {})) {
        if (!scale) continue;
        if (scale.ticks) scale.ticks.color = foreground;
        if (scale.grid) scale.grid.color = grid;
        const title = (scale as { title?: { color?: string } }).title;
        if (title) title.color = foreground;
      }
      const legend = chart.options.plugins?.legend?.labels;
      if (legend) legend.color = foreground;
      chart.update('none');
    }
    window.dispatchEvent(new Event('loss-lab-theme'));
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
