// The loss and gradient curves with the task's built-in losses, the robustness card, and a table
// of the values (for screen readers, and to copy numbers out).
import type { Chart } from 'chart.js';
import { BASELINE_COLORS, createChart, line, markers, themeColor, type Point } from '../charts';
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
      return { s, color, width: s.user ? 2.5 : 1.5, dash: s.user ? [] : [6, 3] };
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

    this.lossChart.data.datasets = [...styled.map(({ s, color, width, dash }) => line(s.label, points(s.loss), color, { width, dash })), ...extras('loss')];
    this.gradChart.data.datasets = [...styled.map(({ s, color, width, dash }) => line(s.label, points(s.grad), color, { width, dash })), ...extras('grad')];
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
    element('curve-notes').textContent = `${kinks}${bad}. ${mode}${curves.problem ? ` ${curves.problem}` : ''}`;
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
      line('your loss', points(influence.user), themeColor('user'), { width: 2.5 }),
      line('MSE', points(influence.mse), themeColor('orange'), { dash: [6, 3] }),
      line('MAE', points(influence.mae), themeColor('green'), { dash: [6, 3] }),
    ];
    const y = this.influenceChart.options.scales?.y as { max?: number } | undefined;
    // MSE's line grows to 40: cap the axis where the user's loss and MAE stay readable.
    if (y) y.max = Math.max(2.5, ...influence.user.map((v) => Math.min(v ?? 0, 20))) * 1.1;
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

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
