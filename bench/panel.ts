// The preview panel in headless Chromium: a slider move redrawing the 200-point curves (computed in
// the worker on tfjs's cpu backend, drawn by chart.js), and training
// milliseconds per epoch on each backend, pinned one after the other on the same model and data.
import { PanelServer, lossFrom, type PanelPage } from '../test/webview/page';

type Rows = Array<[string, string]>;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function drawings(panel: PanelPage): Promise<number> {
  return Number(await panel.page.$eval('#curves', (e) => (e as HTMLElement).dataset.drawings ?? '0'));
}

/** Moves the slider `moves` times, each after the last redraw; medians of the page's own timings. */
async function sliderRedraws(server: PanelServer, moves: number): Promise<{ total: number; compute: number; draw: number; points: number }> {
  const panel = await server.open();
  await panel.send(server.init());
  await panel.send(await lossFrom('panel/losses.ts', 'huber', { kind: 'factory', params: [{ name: 'delta', defaultText: '1.0', value: 1 }] }));
  await panel.page.waitForSelector('#curves[data-drawings]');
  const [total, compute, draw]: [number[], number[], number[]] = [[], [], []];
  for (let i = 0; i < moves + 2; i++) {
    const before = await drawings(panel);
    await panel.page.fill('#sliders input[type=number]', String(1 + 0.1 * (i + 1)));
    await panel.page.press('#sliders input[type=number]', 'Enter');
    await panel.page.waitForFunction((n) => Number(document.getElementById('curves')?.dataset.drawings) > n, before);
    if (i < 2) continue; // warm-up: the worker's first calls compile
    const d = await panel.page.$eval('#curves', (e) => ({ ...(e as HTMLElement).dataset }));
    total.push(Number(d.totalMs));
    compute.push(Number(d.computeMs));
    draw.push(Number(d.drawMs));
  }
  const points = Number(await panel.page.$eval('#curves', (e) => (e as HTMLElement).dataset.points));
  await panel.page.close();
  return { total: median(total), compute: median(compute), draw: median(draw), points };
}

/** ms per epoch on a pinned backend: the median of epochs 3…n (the first compile shaders or warm the JIT). */
async function epochMs(server: PanelServer, backend: 'webgl' | 'wasm' | 'cpu', dataset: 'outliers' | 'spirals', epochs: number): Promise<number> {
  const panel = await server.open();
  await panel.send(server.init({ backend }));
  await panel.send(await lossFrom('panel/losses.ts', 'mse', { task: dataset === 'outliers' ? 'regression' : 'categorical' }));
  await panel.page.waitForSelector('#curves[data-drawings]');
  await panel.page.selectOption('#dataset', dataset);
  await panel.page.fill('#epochs', String(epochs));
  await panel.page.click('#train');
  await panel.page.waitForFunction(() => /done|failed/.test(document.getElementById('train-progress')?.textContent ?? ''), undefined, { timeout: 300_000 });
  const chosen = await panel.page.$eval('#train-backend', (e) => (e as HTMLElement).dataset.backend);
  if (chosen !== backend) throw new Error(`asked for ${backend}, trained on ${chosen}`);
  const ms = (await panel.page.evaluate(() => (globalThis as unknown as { lossLabPanel: { training(): { ms: number[] } } }).lossLabPanel.training().ms)) as number[];
  await panel.page.close();
  return median(ms.slice(2));
}

export async function benchPanel(): Promise<Rows> {
  const rows: Rows = [];
  const server = new PanelServer();
  await server.start();
  try {
    const r = await sliderRedraws(server, 15);
    const verdict = `target ≤ 100 ms on CPU: ${r.total <= 100 ? 'met' : 'NOT met'}`;
    rows.push([`panel: slider → ${r.points}-point curves redrawn, Huber factory, cpu backend (medians of 15)`, `${r.total.toFixed(0)} ms in all; compute ${r.compute.toFixed(0)} ms, draw ${r.draw.toFixed(0)} ms (${verdict})`]);
    const backends = ['webgl', 'wasm', 'cpu'] as const;
    for (const dataset of ['outliers', 'spirals'] as const) {
      const ms: Partial<Record<(typeof backends)[number], number>> = {};
      for (const backend of backends) ms[backend] = await epochMs(server, backend, dataset, 15);
      const figures = backends.map((b) => `${b} ${(ms[b] as number).toFixed(1)}`).join(', ');
      rows.push([`panel: training ms/epoch, ${dataset}, your loss + baseline (median of epochs 3–15)`, `${figures} ms; webgl/cpu ${((ms.webgl as number) / (ms.cpu as number)).toFixed(1)}×, wasm/cpu ${((ms.wasm as number) / (ms.cpu as number)).toFixed(2)}×`]);
    }
  } finally {
    await server.stop();
  }
  return rows;
}
