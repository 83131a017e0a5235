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

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip);

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

/** A line through points, drawn without point markers. */
export function line(label: string, data: (Point | null)[], color: string, options: { width?: number; dash?: number[] } = {}): Dataset {
  return { label, data, showLine: true, borderColor: color, backgroundColor: color, borderWidth: options.width ?? 1.5, borderDash: options.dash ?? [], pointRadius: 0, pointHitRadius: 4 };
}

/** Markers only. */
export function markers(label: string, data: Point[], color: string, style: 'triangle' | 'crossRot' | 'circle' | 'rect' | 'rectRot', radius = 4): Dataset {
  return { label, data, showLine: false, borderColor: color, backgroundColor: color, pointStyle: style, pointRadius: radius, pointBorderWidth: 1.5 };
}

/** Re-reads the theme's colours into every chart (VS Code swaps the variables and the body's class). */
export function followTheme(): void {
  new MutationObserver(() => {
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
