// Mini training: a small MLP trained with the user's loss beside a built-in baseline (same initial
// weights, same data), with the loss and metric per epoch, the data with what each model learned,
// the backend it ran on and why, and ms per epoch.
import type { Chart } from 'chart.js';
import type { Task } from '../../src/core/report';
import { BASELINE_LINE, USER_LINE, createChart, line, markers, setRegions, themeColor, transparent, type Dataset, type Point } from '../charts';
import type { DatasetName } from '../worker/datasets';
import type { Baseline, BackendTrial, DataPoints, EpochView } from '../worker/protocol';
import { element, formatNumber } from './dom';

type ScatterChart = Chart<'scatter', (Point | null)[]>;

export const DATASET_LABELS: Record<DatasetName, string> = {
  outliers: '1-D regression with outliers',
  moons: '2-D binary classification (moons)',
  spirals: '3-class spirals',
};

export const BASELINE_LABELS: Record<Baseline, string> = { mse: 'MSE', mae: 'MAE', huber: 'Huber (δ = 1)', logcosh: 'log-cosh', bce: 'binary cross-entropy', cce: 'categorical cross-entropy', 'sparse-cce': 'sparse categorical cross-entropy' };

/** The preset that fits a task's labels, and the baselines that fit a preset's. */
export function datasetFor(task: Task): DatasetName {
  return task === 'regression' ? 'outliers' : task === 'binary' || task === 'segmentation' ? 'moons' : 'spirals';
}
export function baselinesFor(dataset: DatasetName, task: Task): Baseline[] {
  if (dataset === 'outliers') return ['mse', 'mae', 'huber', 'logcosh'];
  if (dataset === 'moons') return ['bce', 'mse'];
  return task === 'sparse' ? ['sparse-cce'] : ['cce'];
}

const CLASS_COLORS = ['user', 'orange', 'green'] as const;

/** The run's timing, labelled beside the trial's (TRIAL_EPOCHS_LABEL): the same runEpoch wall time, under other conditions. */
export const RUN_EPOCHS_LABEL = 'ms/epoch in this run (last 5 epochs, drawn as they come)';

/** A message as the end of a sentence: no doubled full stop. */
const sentence = (text: string): string => text.trim().replace(/[.;:\s]+$/, '');

export class TrainingView {
  private readonly lossChart: ScatterChart;
  private readonly metricChart: ScatterChart;
  private readonly dataChart: ScatterChart;
  private data: DataPoints | undefined;
  private epochs: EpochView[] = [];
  private baselineLabel = '';

  constructor() {
    this.lossChart = createChart(element('train-loss-chart', HTMLCanvasElement), { x: 'epoch', y: 'training loss' });
    this.metricChart = createChart(element('train-metric-chart', HTMLCanvasElement), { x: 'epoch', y: 'metric' });
    this.dataChart = createChart(element('train-data-chart', HTMLCanvasElement), { x: 'x', y: 'y' });
    window.addEventListener('loss-lab-theme', () => this.redraw());
  }

  start(baseline: Baseline, measuring: boolean): void {
    this.epochs = [];
    this.data = undefined;
    this.baselineLabel = BASELINE_LABELS[baseline];
    element('train-backend').textContent = measuring ? 'Backend: timing webgl, wasm and cpu…' : 'Backend: starting…';
    delete element('train-backend').dataset.difference;
    element('train-progress').textContent = '';
    element('train-progress').classList.remove('problem');
    element('train-charts').hidden = false;
    this.redraw();
  }

  showData(data: DataPoints): void {
    this.data = data;
    const y = this.metricChart.options.scales?.y as { title: { text: string } } | undefined;
    if (y) y.title.text = data.metricName;
    this.redraw();
  }

  showBackend(reply: { backend: string; renderer: string; reason: string; trials: BackendTrial[]; difference?: string; kept?: boolean }): void {
    const failed = reply.trials.filter((t) => t.msPerEpoch === null).map((t) => `${t.backend}: ${sentence(t.error ?? 'unavailable')}`);
    const box = element('train-backend');
    box.dataset.backend = reply.backend;
    box.dataset.kept = String(reply.kept === true);
    if (reply.difference) box.dataset.difference = reply.difference;
    const why = reply.kept ? `kept from this panel's earlier trial (${sentence(reply.reason)}); Re-time to measure again` : sentence(reply.reason);
    box.textContent = [`Backend: ${reply.backend} (${reply.renderer}): ${why}.`, ...(failed.length ? [`Not used: ${failed.join('; ')}.`] : []), ...(reply.difference ? [`Note: ${sentence(reply.difference)}.`] : [])].join(' ');
  }

  /** A run that cannot train: one message where the charts were. */
  fail(message: string): void {
    element('train-charts').hidden = true;
    element('train-backend').textContent = '';
    const progress = element('train-progress');
    progress.textContent = message;
    progress.classList.add('problem');
  }

  addEpoch(report: EpochView, total: number): void {
    this.epochs.push(report);
    const recent = this.epochs.slice(-5);
    const msPerEpoch = recent.reduce((sum, e) => sum + e.ms, 0) / recent.length;
    const metric = (v: number | null): string => (v === null ? 'not finite' : formatNumber(v));
    element('train-progress').textContent =
      `epoch ${report.epoch}/${total} · ${msPerEpoch.toFixed(1)} ${RUN_EPOCHS_LABEL} · ${this.data?.metricName ?? 'metric'}: your loss ${metric(report.user.metric)}, ${this.baselineLabel} ${metric(report.baseline.metric)}`;
    element('train-progress').dataset.msPerEpoch = msPerEpoch.toFixed(2);
    this.redraw();
  }

  finish(message: string): void {
    const progress = element('train-progress');
    progress.textContent = progress.textContent ? `${progress.textContent} · ${message}` : message;
  }

  /** The last epoch's numbers, for the page's state and its tests. */
  summary(): { epochs: number; user: EpochView['user'] | undefined; baseline: EpochView['baseline'] | undefined; firstUserLoss: number | null | undefined; ms: number[] } {
    const last = this.epochs[this.epochs.length - 1];
    return { epochs: this.epochs.length, user: last?.user, baseline: last?.baseline, firstUserLoss: this.epochs[0]?.user.loss, ms: this.epochs.map((e) => e.ms) };
  }

  private redraw(): void {
    const user = themeColor('user');
    const base = themeColor('orange');
    // A log axis helps when the losses span decades (and are all positive); over a narrow range it leaves one tick or none.
    const losses = this.epochs.flatMap((e) => [e.user.loss, e.baseline.loss]).filter((v): v is number => v !== null);
    const log = losses.length > 0 && Math.min(...losses) > 0 && Math.max(...losses) / Math.min(...losses) > 20;
    const y = this.lossChart.options.scales?.y as { type: string; title: { text: string } } | undefined;
    if (y) [y.type, y.title.text] = log ? ['logarithmic', 'training loss (log)'] : ['linear', 'training loss'];
    const series = (pick: (e: EpochView) => number | null): (Point | null)[] => this.epochs.map((e) => {
      const v = pick(e);
      return { x: e.epoch, y: v ?? NaN };
    });
    const baseLine = transparent(base, 0.6);
    this.lossChart.data.datasets = [line('your loss', series((e) => e.user.loss), user, USER_LINE), line(this.baselineLabel, series((e) => e.baseline.loss), baseLine, BASELINE_LINE)];
    this.metricChart.data.datasets = [line('your loss', series((e) => e.user.metric), user, USER_LINE), line(this.baselineLabel, series((e) => e.baseline.metric), baseLine, BASELINE_LINE)];
    this.dataChart.data.datasets = this.dataDatasets();
    for (const chart of [this.lossChart, this.metricChart, this.dataChart]) chart.update('none');
  }

  /** Regression: the points and both fitted curves; classification: the points over the user's model's decision regions. */
  private dataDatasets(): Dataset[] {
    const data = this.data;
    if (!data) return [];
    const last = this.epochs[this.epochs.length - 1];
    if (data.features === 1) {
      const inliers: Point[] = [];
      const outliers: Point[] = [];
      data.x.forEach((x, i) => (data.inlier?.[i] === 0 ? outliers : inliers).push({ x, y: data.y[i] as number }));
      const fit = (values: (number | null)[] | undefined): (Point | null)[] => (last?.grid.xs ?? []).map((x, i) => ({ x, y: values?.[i] ?? NaN }));
      return [
        markers('inliers', inliers, themeColor('muted'), 'circle', 2.5),
        markers('outliers', outliers, themeColor('red'), 'crossRot', 4),
        ...(last ? [line('fit: your loss', fit(last.grid.user), themeColor('user'), USER_LINE), line(`fit: ${this.baselineLabel}`, fit(last.grid.baseline), transparent(themeColor('orange'), 0.6), BASELINE_LINE)] : []),
      ];
    }
    const classes = Math.max(2, data.outputs === 1 && data.metricName === 'accuracy' ? 2 : data.outputs);
    const classOf = (i: number): number => (data.outputs === 1 ? Math.round(data.y[i] as number) : argMax(data.y.slice(i * data.outputs, (i + 1) * data.outputs)));
    const points: Point[][] = Array.from({ length: classes }, () => []);
    for (let i = 0; i < data.x.length / 2; i++) points[classOf(i)]?.push({ x: data.x[2 * i] as number, y: data.x[2 * i + 1] as number });
    const bounds = last?.grid.bounds;
    const color = (c: number): string => themeColor(CLASS_COLORS[c % CLASS_COLORS.length] ?? 'user');
    setRegions(
      this.dataChart,
      last && bounds ? { cells: last.grid.user, side: Math.round(Math.sqrt(last.grid.user.length)), bounds, colors: Array.from({ length: classes }, (_, c) => color(c)), alpha: 0.18 } : undefined,
    );
    return points.map((p, c) => markers(`class ${c}`, p, color(c), 'circle', 2.5));
  }
}

function argMax(values: number[]): number {
  let best = 0;
  values.forEach((v, i) => {
    if (v > (values[best] as number)) best = i;
  });
  return best;
}
