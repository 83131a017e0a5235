// The gradient check, element by element: autodiff against central differences from the same
// engine as the CLI's `gradcheck` (src/core/checks/gradcheck.ts), on the task's typical samples.
import type { Chart } from 'chart.js';
import { createChart, line, markers, themeColor, type Point } from '../charts';
import type { GradcheckView, JudgedElement } from '../worker/protocol';
import { element, formatNumber } from './dom';

const SYMBOL: Record<JudgedElement['verdict'], string> = { pass: '✓', fail: '✗', kink: '⋀ kink', 'not finite': 'not finite', flat: 'flat', noisy: 'noisy' };
const SHOWN_ROWS = 48;

export class GradcheckPanel {
  private readonly chart: Chart<'scatter', (Point | null)[]>;
  private last: GradcheckView | undefined;

  constructor() {
    this.chart = createChart(element('gradcheck-chart', HTMLCanvasElement), { x: 'autodiff', y: 'central differences' });
    window.addEventListener('loss-lab-theme', () => this.last && this.show(this.last));
  }

  show(result: GradcheckView): void {
    this.last = result;
    const status = element('gradcheck-status');
    status.className = `status ${result.status}`;
    status.textContent = `${result.status === 'pass' ? '✓ pass' : result.status === 'warn' ? '! warning' : '✗ fail'}: ${result.message}`;
    const shown = result.elements.length < result.total ? `${result.total} elements (the ${result.elements.length} that need attention first are drawn)` : `${result.total} elements`;
    element('gradcheck-meta').textContent = `${shown}, ${result.evaluations} evaluations on ${result.backend}, ${Math.round(result.ms)} ms`;

    // No element judged (no gradient at all): the verdict says why; an empty chart and table would not.
    const judged = result.elements.length > 0;
    (this.chart.canvas.parentElement as HTMLElement).hidden = !judged;
    (element('gradcheck-table').parentElement as HTMLElement).hidden = !judged;
    const byVerdict = (verdicts: JudgedElement['verdict'][]): Point[] =>
      result.elements.filter((e) => verdicts.includes(e.verdict) && e.autodiff !== null && e.numeric !== null).map((e) => ({ x: e.autodiff as number, y: e.numeric as number }));
    const values = result.elements.flatMap((e) => [e.autodiff, e.numeric]).filter((v): v is number => v !== null);
    const [low, high] = values.length ? [Math.min(...values), Math.max(...values)] : [-1, 1];
    this.chart.data.datasets = [
      line('numeric = autodiff', [{ x: low, y: low }, { x: high, y: high }], themeColor('muted'), { dash: [4, 4], width: 1 }),
      markers('agree', byVerdict(['pass']), themeColor('green'), 'circle', 3),
      markers('differ', byVerdict(['fail']), themeColor('red'), 'crossRot', 6),
      markers('kink', byVerdict(['kink']), themeColor('foreground'), 'triangle', 5),
      markers('not judged', byVerdict(['not finite', 'flat', 'noisy']), themeColor('yellow'), 'rectRot', 4),
    ].filter((d) => d.data.length > 0);
    this.chart.update('none');

    const rows = [...result.elements]
      .sort((a, b) => order(a) - order(b))
      .slice(0, SHOWN_ROWS)
      .map((e) => `<tr class="${e.verdict.replace(' ', '-')}"><td>[${e.index.join(', ')}]</td><td>${show(e.autodiff)}</td><td>${show(e.numeric)}</td><td>${relative(e)}</td><td>${SYMBOL[e.verdict]}</td></tr>`);
    const more = result.elements.length > SHOWN_ROWS ? `<tr><td colspan="5">… ${result.elements.length - SHOWN_ROWS} more (all agree or are listed above)</td></tr>` : '';
    element('gradcheck-table').innerHTML =
      `<thead><tr><th scope="col">element</th><th scope="col">autodiff</th><th scope="col">numeric</th><th scope="col">relative error</th><th scope="col">verdict</th></tr></thead><tbody>${rows.join('')}${more}</tbody>`;
  }

  clear(message: string): void {
    this.last = undefined;
    (this.chart.canvas.parentElement as HTMLElement).hidden = true;
    (element('gradcheck-table').parentElement as HTMLElement).hidden = true;
    element('gradcheck-status').className = 'status';
    element('gradcheck-status').textContent = message;
    element('gradcheck-meta').textContent = '';
    element('gradcheck-table').innerHTML = '';
    this.chart.data.datasets = [];
    this.chart.update('none');
  }
}

/** Failures first, then kinks and unjudged elements, then the rest in index order. */
function order(e: JudgedElement): number {
  return e.verdict === 'fail' ? 0 : e.verdict === 'pass' ? 2 : 1;
}

const show = (v: number | null): string => (v === null ? 'not finite' : formatNumber(v));

/** |numeric − autodiff| / max(|numeric|, |autodiff|): readable, but never the judge (the tolerance is). */
function relative(e: JudgedElement): string {
  if (e.autodiff === null || e.numeric === null) return '—';
  const scale = Math.max(Math.abs(e.autodiff), Math.abs(e.numeric));
  return scale === 0 ? '0' : `${formatNumber((100 * Math.abs(e.numeric - e.autodiff)) / scale)} %`;
}
