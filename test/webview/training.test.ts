import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PanelServer, RESULTS, suiteServer, inkOf, lossFrom, type PanelPage } from './page';

interface Summary {
  epochs: number;
  user?: { loss: number | null; metric: number | null };
  baseline?: { loss: number | null; metric: number | null };
  firstUserLoss?: number | null;
}

describe('mini training in the panel, headless Chromium', function () {
  this.timeout(300_000);
  const server = suiteServer();

  /** Opens the panel on a loss, picks data, baseline and epochs, presses Train and waits for the end. */
  async function train(loss: string, options: { dataset?: string; baseline?: string; epochs: number; backend?: 'auto' | 'webgl' | 'wasm' | 'cpu'; theme?: 'light' | 'dark'; task?: 'regression' | 'binary' | 'categorical' }): Promise<{ panel: PanelPage; summary: Summary; backend: string; chosen: string }> {
    const panel = await server.open({ theme: options.theme ?? 'light' });
    await panel.send(server.init({ backend: options.backend ?? 'cpu' }));
    await panel.send(await lossFrom('panel/losses.ts', loss, { task: options.task ?? 'regression' }));
    await panel.page.waitForSelector('#curves[data-total-ms]');
    if (options.dataset) await panel.page.selectOption('#dataset', options.dataset);
    if (options.baseline) await panel.page.selectOption('#baseline', options.baseline);
    await panel.page.fill('#epochs', String(options.epochs));
    await panel.page.click('#train');
    await panel.page.waitForFunction(() => /done|failed/.test(document.getElementById('train-progress')?.textContent ?? ''), undefined, { timeout: 240_000 });
    const progress = (await panel.page.textContent('#train-progress')) ?? '';
    assert.doesNotMatch(progress, /failed/, progress);
    const summary = (await panel.page.evaluate(() => (globalThis as unknown as { lossLabPanel: { training(): Summary } }).lossLabPanel.training())) as Summary;
    const backend = (await panel.page.textContent('#train-backend')) ?? '';
    const chosen = (await panel.page.$eval('#train-backend', (e) => (e as HTMLElement).dataset.backend)) ?? '';
    return { panel, summary, backend, chosen };
  }

  it('times each backend, trains on the fastest and says why', async () => {
    const { panel, summary, backend, chosen } = await train('mse', { epochs: 5, backend: 'auto' });
    const timings = [...backend.matchAll(/(webgl|wasm|cpu) ([\d.]+)/g)].map((m) => ({ backend: m[1] as string, ms: Number(m[2]) }));
    assert.equal(timings.length, 3, backend);
    const fastest = timings.reduce((a, b) => (b.ms < a.ms ? b : a));
    assert.equal(chosen, fastest.backend, backend);
    assert.match(backend, /fastest in timed epochs/);
    assert.equal(summary.epochs, 5);
    const logs = (await panel.posted()).filter((m) => m.type === 'log').map((m) => (m as { message: string }).message);
    assert.ok(logs.some((l) => l.startsWith(`training mse on ${chosen}`)), logs.join('\n'));
    await panel.page.close();
  });

  it('trains on WebGL when pinned, and names the renderer', async () => {
    const { panel, summary, backend, chosen } = await train('mse', { epochs: 3, backend: 'webgl' });
    assert.equal(chosen, 'webgl', backend);
    assert.match(backend, /pinned by the lossLab\.panel\.backend setting/);
    assert.match(backend, /Backend: webgl \((?!WebGL,).+, on an OffscreenCanvas\)/, `a renderer name, in a worker: ${backend}`);
    assert.ok(summary.user?.loss !== null && Number.isFinite(summary.user?.loss), 'a finite loss on webgl');
    await panel.page.close();
  });

  it('lowers the training loss of MSE on the regression preset', async () => {
    const { panel, summary } = await train('mse', { epochs: 40, baseline: 'mse' });
    assert.equal(summary.epochs, 40);
    // The outliers keep MSE's floor high (their spread), so "falls" is measured against the first epoch.
    assert.ok(summary.firstUserLoss && summary.user?.loss && summary.user.loss < 0.9 * summary.firstUserLoss, JSON.stringify(summary));
    // The same loss as its baseline, from the same weights on the same data: the same numbers.
    assert.ok(Math.abs((summary.user?.loss ?? 0) - (summary.baseline?.loss ?? 1)) < 1e-4 * Math.max(1, summary.user?.loss ?? 0), JSON.stringify(summary));
    assert.ok((await inkOf(panel.page, 'train-loss-chart')) > 1000);
    await panel.page.close();
  });

  it('fits the inliers with MAE closer than MSE does on the outlier preset', async () => {
    const { panel, summary } = await train('mae', { epochs: 60, baseline: 'mse' });
    const [mae, mse] = [summary.user?.metric ?? NaN, summary.baseline?.metric ?? NaN];
    assert.ok(mae * 1.5 < mse, `MAE's distance to the inliers' trend ${mae} vs MSE's ${mse}`);
    assert.ok((await inkOf(panel.page, 'train-data-chart')) > 2000);
    await panel.page.close();
  });

  it('looks right in the light and the dark theme, and at a narrow width (screenshots)', async () => {
    for (const [theme, width] of [['light', 1100], ['dark', 1100], ['dark', 420]] as const) {
      const panel = await server.open({ theme, width });
      await panel.send(server.init({ backend: 'cpu' }));
      await panel.send(await lossFrom('panel/losses.ts', 'huber', { kind: 'factory', params: [{ name: 'delta', defaultText: '1.0', value: 1 }] }));
      await panel.page.waitForSelector('#curves[data-drawings]');
      await panel.page.fill('#sliders input[type=number]', '1.5');
      await panel.page.press('#sliders input[type=number]', 'Enter');
      await panel.page.waitForFunction(() => document.getElementById('curves')?.dataset.drawings === '2');
      await panel.page.waitForSelector('#gradcheck-status.pass');
      await panel.page.fill('#epochs', '60');
      await panel.page.click('#train');
      await panel.page.waitForFunction(() => /done/.test(document.getElementById('train-progress')?.textContent ?? ''), undefined, { timeout: 120_000 });
      for (const id of ['loss-chart', 'grad-chart', 'influence-chart', 'gradcheck-chart', 'train-data-chart', 'train-loss-chart', 'train-metric-chart']) {
        assert.ok((await inkOf(panel.page, id)) > 500, `${id} drawn (${theme}, ${width} px)`);
      }
      // Nothing wider than the panel: no horizontal scrolling at a narrow width.
      const overflow = await panel.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${overflow} px wider than the panel at ${width} px`);
      await panel.page.screenshot({ path: path.join(RESULTS, `webview-${theme}${width < 600 ? '-narrow' : ''}.png`), fullPage: true });
      await panel.page.close();
    }
  });

  it('stops a run between epochs when Stop is pressed', async () => {
    const panel = await server.open();
    await panel.send(server.init({ backend: 'cpu' }));
    await panel.send(await lossFrom('panel/losses.ts', 'mse'));
    await panel.page.waitForSelector('#curves[data-total-ms]');
    await panel.page.fill('#epochs', '1000');
    await panel.page.click('#train');
    await panel.page.waitForFunction(() => /epoch [3-9]\d*\/1000/.test(document.getElementById('train-progress')?.textContent ?? ''));
    await panel.page.click('#stop');
    await panel.page.waitForSelector('#training[data-state=idle]');
    const progress = (await panel.page.textContent('#train-progress')) ?? '';
    assert.match(progress, /stopped$/);
    const epochs = Number(/epoch (\d+)\/1000/.exec(progress)?.[1]);
    assert.ok(epochs >= 3 && epochs < 100, progress);
    assert.equal(await panel.page.$eval('#train', (b) => (b as HTMLButtonElement).disabled), false);
    await panel.page.close();
  });

  it('falls back to cpu, and says why, when the pinned wasm backend cannot load its files', async () => {
    const noWasm = new PanelServer({ wasm: false });
    await noWasm.start();
    try {
      const panel = await noWasm.open();
      await panel.send(noWasm.init({ backend: 'wasm' }));
      await panel.send(await lossFrom('panel/losses.ts', 'mse'));
      await panel.page.waitForSelector('#curves[data-drawings]');
      await panel.page.fill('#epochs', '2');
      await panel.page.click('#train');
      await panel.page.waitForSelector('#training[data-state=idle] #train-backend[data-backend]');
      const backend = (await panel.page.textContent('#train-backend')) ?? '';
      assert.equal(await panel.page.$eval('#train-backend', (e) => (e as HTMLElement).dataset.backend), 'cpu');
      assert.match(backend, /wasm was pinned but cannot start here \(its \.wasm files could not be loaded\): fell back to cpu/);
      const logs = (await panel.posted()).filter((m) => m.type === 'log').map((m) => (m as { message: string }).message);
      assert.ok(logs.some((l) => /the wasm backend is unavailable/.test(l)), logs.join('\n'));
    } finally {
      await noWasm.stop();
    }
  });

  it('stops a training run whose loss never returns', async () => {
    const panel = await server.open();
    await panel.send(server.init({ backend: 'cpu', timeoutMs: 1000 }));
    await panel.send(await lossFrom('panel/losses.ts', 'forever'));
    await panel.page.waitForFunction(() => /stopped after 1000 ms/.test(document.getElementById('curve-notes')?.textContent ?? ''));
    await panel.page.click('#train');
    await panel.page.waitForFunction(() => /failed: stopped after 5000 ms without an answer/.test(document.getElementById('train-progress')?.textContent ?? ''), undefined, { timeout: 30_000 });
    assert.equal(await panel.page.$eval('#train', (b) => (b as HTMLButtonElement).disabled), false);
    await panel.page.close();
  });

  it('abandons a run when the loss changes, and a second Train replaces the first run cleanly', async () => {
    const panel = await server.open();
    await panel.send(server.init({ backend: 'cpu' }));
    const loss = await lossFrom('panel/losses.ts', 'mse');
    await panel.send(loss);
    await panel.page.waitForSelector('#curves[data-drawings]');
    await panel.page.fill('#epochs', '1000');
    await panel.page.click('#train');
    await panel.page.waitForFunction(() => /epoch \d+\/1000/.test(document.getElementById('train-progress')?.textContent ?? ''));
    await panel.send(await lossFrom('panel/losses.ts', 'mse', { version: 2 }, `// edited\n${fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'panel', 'losses.ts'), 'utf8')}\nexport const extra = mse;\n`));
    await panel.page.waitForSelector('#training[data-state=idle]');
    assert.match((await panel.page.textContent('#train-progress')) ?? '', /the loss changed: train again to see the new one$/);

    // Train, then Train again before it ends: the first run's late replies must not touch the second.
    await panel.page.fill('#epochs', '8');
    await panel.page.click('#train');
    await panel.page.waitForFunction(() => /epoch \d+\/8/.test(document.getElementById('train-progress')?.textContent ?? ''));
    await panel.page.click('#stop');
    await panel.page.waitForSelector('#training[data-state=idle]');
    await panel.page.fill('#epochs', '6');
    await panel.page.click('#train');
    await panel.page.waitForFunction(() => / · done$/.test(document.getElementById('train-progress')?.textContent ?? ''), undefined, { timeout: 60_000 });
    const progress = (await panel.page.textContent('#train-progress')) ?? '';
    assert.match(progress, /^epoch 6\/6 .* · done$/);
    await panel.page.waitForTimeout(500);
    assert.equal(await panel.page.textContent('#train-progress'), progress, 'nothing arrives after the end');
    await panel.page.close();
  });

  it('keeps training a loss that turns NaN, and shows it as not finite', async () => {
    const { panel, summary } = await train('alwaysNaN', { epochs: 4, baseline: 'mse' });
    assert.equal(summary.epochs, 4);
    assert.equal(summary.user?.loss, null);
    assert.ok(Number.isFinite(summary.baseline?.loss), 'the baseline still trains');
    assert.match((await panel.page.textContent('#train-progress')) ?? '', /your loss not finite/);
    await panel.page.close();
  });

  it('trains once per Train message, even when they come before the page is ready or overlap', async () => {
    const panel = await server.open();
    // As the Train CodeLens on a closed panel: init, the loss and train, with no wait.
    await panel.send(server.init({ backend: 'cpu' }));
    await panel.send(await lossFrom('panel/losses.ts', 'mse'));
    await panel.send({ type: 'train' });
    await panel.send({ type: 'train' });
    await panel.page.waitForFunction(() => / · done$/.test(document.getElementById('train-progress')?.textContent ?? ''), undefined, { timeout: 120_000 });
    const progress = (await panel.page.textContent('#train-progress')) ?? '';
    assert.match(progress, /^epoch 60\/60 .* · done$/, progress);
    const summary = (await panel.page.evaluate(() => (globalThis as unknown as { lossLabPanel: { training(): Summary } }).lossLabPanel.training())) as Summary;
    assert.equal(summary.epochs, 60, 'one run of 60 epochs, not two interleaved');
    await panel.page.close();
  });
});
