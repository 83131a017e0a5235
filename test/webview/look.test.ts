// How the panel looks, measured: text contrast (WCAG AA) in the light and dark themes, and the
// charts' details (axis ticks, line order and widths, decision regions, layout, a clipped slope axis).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PanelServer, RESULTS, suiteServer, lossFrom, type PanelPage } from './page';

const FIXTURE = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'panel', 'losses.ts'), 'utf8');

interface ChartInfo {
  area: { left: number; right: number; top: number; bottom: number };
  ticks: { x: number[]; y: number[] };
  range: { yMin: number; yMax: number };
  drawnLast: string | undefined;
  datasets: { label: string; borderWidth: number; borderDash: number[]; showLine?: boolean }[];
}

const charts = (panel: PanelPage): Promise<Record<string, ChartInfo>> =>
  panel.page.evaluate(() => (globalThis as unknown as { lossLabPanel: { charts(): Record<string, ChartInfo> } }).lossLabPanel.charts());

/** Every visible text whose contrast with what is behind it is under WCAG AA (4.5:1; 3:1 for large text). */
function lowContrast(panel: PanelPage): Promise<string[]> {
  return panel.page.evaluate(() => {
    const rgb = (css: string): [number, number, number, number] => {
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(css);
      if (m) return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
      const c = /color\(srgb ([\d.]+) ([\d.]+) ([\d.]+)(?: \/ ([\d.]+))?\)/.exec(css);
      if (c) return [Number(c[1]) * 255, Number(c[2]) * 255, Number(c[3]) * 255, c[4] === undefined ? 1 : Number(c[4])];
      throw new Error(`a colour this test cannot read: ${css}`);
    };
    const luminance = ([r, g, b]: number[]): number => {
      const [R, G, B] = [r, g, b].map((v) => ((v as number) / 255 <= 0.03928 ? (v as number) / 255 / 12.92 : (((v as number) / 255 + 0.055) / 1.055) ** 2.4)) as [number, number, number];
      return 0.2126 * R + 0.7152 * G + 0.0722 * B;
    };
    const behind = (e: Element): number[] => {
      for (let node: Element | null = e; node; node = node.parentElement) {
        const bg = rgb(getComputedStyle(node).backgroundColor);
        if (bg[3] > 0.5) return bg;
      }
      return rgb(getComputedStyle(document.body).backgroundColor);
    };
    const bad: string[] = [];
    for (const e of document.querySelectorAll('body *')) {
      const own = [...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
      if (!own || e.getClientRects().length === 0 || e.closest('button:disabled, [hidden], option')) continue;
      const style = getComputedStyle(e);
      const fg = rgb(style.color);
      const bg = behind(e);
      const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x) as [number, number];
      const ratio = (a + 0.05) / (b + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) bad.push(`${e.tagName.toLowerCase()}#${e.id}.${[...e.classList].join('.')} "${(e.textContent ?? '').trim().slice(0, 40)}": ${ratio.toFixed(2)}`);
    }
    return bad;
  });
}

describe('how the panel looks, headless Chromium', function () {
  this.timeout(300_000);
  const server = suiteServer();

  async function open(loss: Awaited<ReturnType<typeof lossFrom>>, options: Parameters<PanelServer['open']>[0] = {}): Promise<PanelPage> {
    const panel = await server.open(options);
    await panel.send(server.init({ backend: 'cpu' }));
    await panel.send(loss);
    await panel.page.waitForSelector('#curves[data-total-ms]');
    return panel;
  }

  it('passes WCAG AA for text in the light and the dark theme: passes, warnings, failures, the problem line', async () => {
    for (const theme of ['light', 'dark'] as const) {
      for (const name of ['huber', 'halfGradient', 'mae']) {
        const panel = await open(await lossFrom('panel/losses.ts', name, name === 'huber' ? { kind: 'factory', params: [{ name: 'delta', defaultText: '1.0', value: 1 }] } : {}), { theme });
        await panel.page.waitForSelector('#gradcheck-status.pass, #gradcheck-status.warn, #gradcheck-status.fail');
        await panel.page.click('#values summary');
        assert.deepEqual(await lowContrast(panel), [], `${theme}, ${name}`);
        await panel.page.close();
      }
      const untrusted = await server.open({ theme });
      await untrusted.send(server.init());
      await untrusted.send(await lossFrom('panel/losses.ts', 'mse', { code: null, problem: 'This workspace is not trusted.', untrusted: true }));
      await untrusted.page.waitForSelector('#problem-box:not([hidden])');
      assert.deepEqual(await lowContrast(untrusted), [], `${theme}, the problem line`);
      await untrusted.page.close();
    }
  });

  it('ends the robustness axis on a tick, and draws your loss last, thin, over wider dashed baselines', async () => {
    const panel = await open(await lossFrom('panel/losses.ts', 'huber', { kind: 'factory', params: [{ name: 'delta', defaultText: '1.0', value: 1 }] }));
    const info = await charts(panel);
    for (const id of ['influence-chart', 'loss-chart', 'grad-chart']) {
      const chart = info[id] as ChartInfo;
      const steps = chart.ticks.y.slice(1).map((v, i) => v - (chart.ticks.y[i] as number));
      assert.ok(steps.every((d) => Math.abs(d - (steps[0] as number)) < 1e-9 * Math.max(1, Math.abs(d))), `${id}: evenly spaced y ticks ${chart.ticks.y.join(', ')}`);
      assert.equal(chart.drawnLast, 'your loss', `${id}: your loss is drawn last`);
      const user = chart.datasets.find((d) => d.label === 'your loss');
      const baselines = chart.datasets.filter((d) => d.showLine && d.label !== 'your loss');
      assert.ok(user && baselines.length > 0);
      for (const b of baselines) {
        assert.ok(b.borderWidth > (user?.borderWidth ?? 0) + 2, `${id}: ${b.label} (${b.borderWidth} px) shows on both sides of your loss (${user?.borderWidth} px)`);
        assert.ok(b.borderDash.length > 0, `${id}: ${b.label} dashed`);
      }
    }
    await panel.page.screenshot({ path: path.join(RESULTS, 'webview-lines.png'), fullPage: true });
    await panel.page.close();
  });

  it("keeps a factory parameter's slider, box and reset button inside a narrow panel", async () => {
    for (const width of [340, 420]) {
      const panel = await open(await lossFrom('panel/losses.ts', 'huber', { kind: 'factory', params: [{ name: 'delta', defaultText: '1.0', value: 1 }] }), { width });
      const right = await panel.page.$eval('#sliders button', (b) => b.getBoundingClientRect().right);
      const box = await panel.page.$eval('#sliders-box', (b) => b.getBoundingClientRect().right);
      assert.ok(right <= box, `the reset button ends at ${right} px, its card at ${box} px (${width} px wide)`);
      await panel.page.close();
    }
  });

  it('clips the binary slope axis to the bulk of the values and says so', async () => {
    const text = `${FIXTURE}\nexport function bce(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {\n  const p = tf.clipByValue(yPred, 1e-7, 1 - 1e-7);\n  return tf.neg(tf.mean(tf.add(tf.mul(yTrue, tf.log(p)), tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, p))))));\n}\n`;
    const panel = await open(await lossFrom('panel/losses.ts', 'bce', { task: 'binary' }, text));
    const grad = (await charts(panel))['grad-chart'] as ChartInfo;
    assert.ok(Math.max(Math.abs(grad.range.yMin), Math.abs(grad.range.yMax)) < 100, `slope axis ${grad.range.yMin}…${grad.range.yMax}`);
    const steps = grad.ticks.y.slice(1).map((v, i) => v - (grad.ticks.y[i] as number));
    assert.ok(steps.every((d) => Math.abs(d - (steps[0] as number)) < 1e-9), `the clipped axis ends on ticks: ${grad.ticks.y.join(', ')}`);
    assert.match((await panel.page.textContent('#curve-notes')) ?? '', /The slope axis is clipped to .* points lie beyond, up to -?\d+/);
    await panel.page.screenshot({ path: path.join(RESULTS, 'webview-binary-clipped.png'), fullPage: true });
    await panel.page.close();

    // MSE's slope is a straight line: nothing to clip.
    const mse = await open(await lossFrom('panel/losses.ts', 'mse'));
    assert.doesNotMatch((await mse.page.textContent('#curve-notes')) ?? '', /clipped/);
    await mse.page.close();
  });

  it('fills the moons decision regions without stripes, and lays out the training charts with no lone chart in a row', async () => {
    for (const width of [1100, 760, 420]) {
      const panel = await open(await lossFrom('panel/losses.ts', 'mse', { task: 'binary' }), { width });
      await panel.page.selectOption('#dataset', 'moons');
      await panel.page.fill('#epochs', '5');
      await panel.page.click('#train');
      await panel.page.waitForFunction(() => /done|failed/.test(document.getElementById('train-progress')?.textContent ?? ''), undefined, { timeout: 120_000 });
      // Train and Stop on one line, whatever the width.
      const [train, stop] = await Promise.all(['#train', '#stop'].map((s) => panel.page.$eval(s, (e) => e.getBoundingClientRect().top)));
      assert.equal(train, stop, `Train and Stop on one line at ${width} px`);
      // Rows of charts: each row filled (one chart across, or two or three side by side).
      const boxes = await panel.page.$$eval('#train-charts > .chart', (es) => es.map((e) => e.getBoundingClientRect()).map((r) => ({ top: Math.round(r.top), width: r.width })));
      const container = await panel.page.$eval('#train-charts', (e) => e.getBoundingClientRect().width);
      const rows = new Map<number, number>();
      for (const b of boxes) rows.set(b.top, (rows.get(b.top) ?? 0) + b.width);
      for (const [top, used] of rows) assert.ok(used > 0.9 * container, `the row at ${top} px uses ${Math.round(used)} of ${Math.round(container)} px (${width} px wide)`);
      // The regions: the plot area's middle row and column are covered (no gaps between cells).
      const area = ((await charts(panel))['train-data-chart'] as ChartInfo).area;
      const empty = await panel.page.evaluate((a) => {
        const canvas = document.getElementById('train-data-chart') as HTMLCanvasElement;
        const scale = canvas.width / canvas.getBoundingClientRect().width;
        const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
        const row = ctx.getImageData(Math.ceil((a.left + 2) * scale), Math.round(((a.top + a.bottom) / 2) * scale), Math.floor((a.right - a.left - 4) * scale), 1).data;
        const col = ctx.getImageData(Math.round(((a.left + a.right) / 2) * scale), Math.ceil((a.top + 2) * scale), 1, Math.floor((a.bottom - a.top - 4) * scale)).data;
        const share = (d: Uint8ClampedArray): number => {
          let none = 0;
          for (let i = 3; i < d.length; i += 4) if ((d[i] as number) === 0) none++;
          return none / (d.length / 4);
        };
        return { row: share(row), col: share(col) };
      }, area);
      assert.ok(empty.row < 0.02 && empty.col < 0.02, `uncovered share of the plot area at ${width} px: row ${empty.row.toFixed(2)}, column ${empty.col.toFixed(2)}`);
      await panel.page.screenshot({ path: path.join(RESULTS, `webview-moons-${width}.png`), fullPage: true });
      await panel.page.close();
    }
  });
});
