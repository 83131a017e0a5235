// The loss and gradient curves with the task's built-in losses, the robustness card, and a table
// of the values (for screen readers, and to copy numbers out).
import type { Chart } from 'chart.js';
import { BASELINE_COLORS, BASELINE_LINE, USER_LINE, createChart, line, markers, niceCeil, themeColor, transparent, type Point } from '../charts';
import type { Curves } from '../worker/protocol';
import { element, formatNumber } from './dom';

type ScatterChart = Chart<'scatter', (Point | null)[]>;

export class CurvesView {
  private readonly lossChart: ScatterChart;
  private readonly gradChart: ScatterChart;
  private readonly influenceChart: ScatterChart;
  private last: Curves | undefined;

  constructor() {
    this.lossChart = createChart(element('loss-chart', HTMLCanvasElement), { x: 'residual', y: 'loss' });
    this.gradChart = createChart(element('grad-chart', HTMLCanvasElement), { x: 'residual', y: 'slope dL/dyPred' });
    this.influenceChart = createChart(element('influence-chart', HTMLCanvasElement), { x: 'residual |yPred − yTrue|', y: 'influence |dL/dyPred|' });
    element('values', HTMLDetailsElement).addEventListener('toggle', () => this.renderTable());
    window.addEventListener('loss-lab-theme', () => this.last && this.show(this.last));
  }

  /** Draws the curves; returns the time chart.js took. */
  show(curves: Curves): number {
    const started = performance.now();
    this.last = curves;
    const x = curves.x;
    const colorOf = (userIndex: number, baselineIndex: number, user: boolean): string =>
      user ? (userIndex === 0 ? themeColor('user') : themeColor('red')) : themeColor(BASELINE_COLORS[baselineIndex % BASELINE_COLORS.length] ?? 'orange');
    let [u, b] = [0, 0];
    const styled = curves.series.map((s) => {
      const color = colorOf(u, b, s.user);
      if (s.user) u++;
      else b++;
      return { s, color: s.user ? color : transparent(color, 0.6), style: s.user ? USER_LINE : BASELINE_LINE };
    });
    const points = (values: (number | null)[]): (Point | null)[] => values.map((v, i) => ({ x: x[i] as number, y: v ?? NaN }));
    /** The value nearest to x on the curve the kink belongs to (the kink lies between two grid points). */
    const near = (values: (number | null)[] | undefined, at: number): number => {
      const i = x.reduce((best, v, k) => (Math.abs(v - at) < Math.abs((x[best] as number) - at) ? k : best), 0);
      return values?.[i] ?? 0;
    };
    const nonFiniteMarkers: Point[] = curves.nonFinite.map((v) => ({ x: v, y: 0 }));
    const extras = (pick: 'loss' | 'grad') => [
      ...(curves.kinks.length ? [markers('kink', curves.kinks.map((k) => ({ x: k.x, y: near(curves.series[k.series]?.[pick], k.x) })), themeColor('foreground'), 'triangle', 6)] : []),
      ...(curves.nonFinite.length ? [markers('not finite', nonFiniteMarkers, themeColor('red'), 'crossRot', 5)] : []),
    ];

    this.lossChart.data.datasets = [...styled.map(({ s, color, style }) => line(s.label, points(s.loss), color, style)), ...extras('loss')];
    this.gradChart.data.datasets = [...styled.map(({ s, color, style }) => line(s.label, points(s.grad), color, style)), ...extras('grad')];
    const clipped = clipSlopeAxis(this.gradChart, curves);
    for (const chart of [this.lossChart, this.gradChart]) {
      const scaleX = chart.options.scales?.x as { title: { text: string } } | undefined;
      if (scaleX) scaleX.title.text = curves.xLabel;
      chart.update('none');
    }
    this.showInfluence(curves);
    this.renderTable();
    const kinks = curves.kinks.length ? `kinks at ${curves.kinks.map((k) => formatNumber(k.x)).join(', ')}` : 'no kinks';
    const bad = curves.nonFinite.length ? `; not finite at ${curves.nonFinite.length} points` : '';
    const mode = `${curves.mode === 'batched' ? 'One call for all points' : 'One call per point'} (${x.length} points).`;
    element('curve-notes').textContent = `${kinks}${bad}. ${mode}${clipped ? ` ${clipped}` : ''}${curves.problem ? ` ${curves.problem}` : ''}`;
    return performance.now() - started;
  }

  private showInfluence(curves: Curves): void {
    const card = element('robustness');
    element('robustness-sentence').textContent = curves.note;
    const influence = curves.influence;
    card.dataset.verdict = influence?.verdict ?? 'none';
    element('influence-chart-box').hidden = !influence;
    if (!influence) return;
    const points = (values: (number | null)[]): (Point | null)[] => values.map((v, i) => ({ x: influence.r[i] as number, y: v ?? NaN }));
    this.influenceChart.data.datasets = [
      line('your loss', points(influence.user), themeColor('user'), USER_LINE),
      line('MSE', points(influence.mse), transparent(themeColor('orange'), 0.6), BASELINE_LINE),
      line('MAE', points(influence.mae), transparent(themeColor('green'), 0.6), BASELINE_LINE),
    ];
    const y = this.influenceChart.options.scales?.y as { max?: number } | undefined;
    // MSE's line grows to 40: cap the axis where the user's loss and MAE stay readable, on a round
    // number (an end of 2.75 put a last tick "2.8" half a step after "2.5").
    if (y) y.max = niceCeil(Math.max(2.5, ...influence.user.map((v) => Math.min(v ?? 0, 20))) * 1.1);
    this.influenceChart.update('none');
  }

  private renderTable(): void {
    const details = element('values', HTMLDetailsElement);
    const curves = this.last;
    if (!details.open || !curves) return;
    const head = `<tr><th scope="col">x</th>${curves.series.map((s) => `<th scope="col" colspan="2">${escapeHtml(s.label)}</th>`).join('')}</tr>
<tr><th></th>${curves.series.map(() => '<th scope="col">loss</th><th scope="col">slope</th>').join('')}</tr>`;
    const cell = (v: number | null): string => `<td>${v === null ? 'not finite' : formatNumber(v)}</td>`;
    const rows = curves.x.map((x, i) => `<tr><th scope="row">${formatNumber(x)}</th>${curves.series.map((s) => cell(s.loss[i] ?? null) + cell(s.grad[i] ?? null)).join('')}</tr>`);
    element('values-table').innerHTML = `<thead>${head}</thead><tbody>${rows.join('')}</tbody>`;
  }

  clear(message: string): void {
    this.last = undefined;
    for (const chart of [this.lossChart, this.gradChart, this.influenceChart]) {
      chart.data.datasets = [];
      chart.update('none');
    }
    element('curve-notes').textContent = message;
    element('robustness-sentence').textContent = '';
  }
}

/** The share of slope values the axis shows when a few spikes would flatten the rest. */
const SLOPE_QUANTILE = 0.02;

/**
 * Near p = 0 and 1 a cross-entropy's slope runs to ±1/p (±400 at the sweep's ends) and flattens
 * everything else into a line at 0: past a spread of 4× the middle 96 %, the axis shows that middle
 * (with a margin) and the note says how many points lie beyond. Returns the note, or '' unclipped.
 */
function clipSlopeAxis(chart: Chart<'scatter', (Point | null)[]>, curves: Curves): string {
  const y = chart.options.scales?.y as { min?: number; max?: number } | undefined;
  if (!y) return '';
  [y.min, y.max] = [undefined, undefined];
  const values = curves.series.flatMap((s) => s.grad).filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (values.length < 20) return '';
  const at = (q: number): number => values[Math.min(values.length - 1, Math.max(0, Math.round(q * (values.length - 1))))] as number;
  const [lo, hi] = [at(SLOPE_QUANTILE), at(1 - SLOPE_QUANTILE)];
  const [min, max] = [values[0] as number, values[values.length - 1] as number];
  const middle = Math.max(hi - lo, 1e-9);
  if (max - min <= 4 * middle) return '';
  // Ends on round ticks (a step of 1, 2, 2.5 or 5 × 10^k), a little beyond the middle values.
  const step = niceCeil(middle / 4);
  [y.min, y.max] = [Math.floor((lo - 0.1 * middle) / step) * step, Math.ceil((hi + 0.1 * middle) / step) * step];
  const [bottom, top] = [y.min, y.max];
  const beyond = values.filter((v) => v < bottom || v > top).length;
  return `The slope axis is clipped to ${formatNumber(bottom)}…${formatNumber(top)} (${Math.round(100 * (1 - 2 * SLOPE_QUANTILE))} % of the values): ${beyond} points lie beyond, up to ${formatNumber(min)} and ${formatNumber(max)} (see Values).`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
