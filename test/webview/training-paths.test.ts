// The training section's paths beyond a good run: a loss that cannot train, the backend trial kept
// for the panel's life, timings labelled, and a backend whose first-batch loss differs from cpu's.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RESULTS, suiteServer, lossFrom, type PanelPage } from './page';

const FIXTURE = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'panel', 'losses.ts'), 'utf8');

describe('training paths in the panel, headless Chromium', function () {
  this.timeout(300_000);
  const server = suiteServer();

  async function open(loss: Awaited<ReturnType<typeof lossFrom>>, backend: 'auto' | 'cpu' = 'auto'): Promise<PanelPage> {
    const panel = await server.open();
    await panel.send(server.init({ backend }));
    await panel.send(loss);
    await panel.page.waitForSelector('#curves[data-total-ms]');
    return panel;
  }

  async function trainOnce(panel: PanelPage, epochs = 3): Promise<string> {
    await panel.page.fill('#epochs', String(epochs));
    await panel.page.click('#train');
    await panel.page.waitForSelector('#training[data-state=running]', { timeout: 5_000 }).catch(() => undefined);
    await panel.page.waitForSelector('#training[data-state=idle]', { timeout: 240_000 });
    return (await panel.page.textContent('#train-progress')) ?? '';
  }

  const logs = async (panel: PanelPage): Promise<string[]> => (await panel.posted()).filter((m) => m.type === 'log').map((m) => (m as { message: string }).message);

  it('checks the gradient once before timing any backend, and says so once in place of the charts', async () => {
    const panel = await open(await lossFrom('panel/losses.ts', 'whereLessEqual'));
    const progress = await trainOnce(panel);
    assert.match(progress, /^Your loss cannot train: tfjs has no gradient for LessEqual on the path from yPred, so model\.fit would throw\./, progress);
    assert.doesNotMatch(progress, /\.\.|\.;|^\s*·/, 'no doubled punctuation, no stray separator');
    assert.equal(progress.match(/LessEqual/g)?.length, 1, 'said once');
    assert.equal(await panel.page.$eval('#train-charts', (e) => (e as HTMLElement).hidden), true, 'no empty charts');
    assert.equal((await panel.page.textContent('#train-backend'))?.trim(), '', 'no backend was timed');
    assert.ok(!(await logs(panel)).some((l) => /^training whereLessEqual on /.test(l)), 'no backend chosen');
    // The gradient check judged nothing: its verdict says why, with no empty chart or table under it.
    assert.equal(await panel.page.$eval('#gradcheck-chart', (e) => (e.parentElement as HTMLElement).hidden), true);
    await panel.page.screenshot({ path: path.join(RESULTS, 'webview-no-gradient-training.png'), fullPage: true });
    await panel.page.close();
  });

  it('keeps the backend trial for the panel and times again only when asked; both timings are labelled', async () => {
    const panel = await open(await lossFrom('panel/losses.ts', 'mse'));
    const timed = Date.now();
    await trainOnce(panel);
    const trialMs = Date.now() - timed;
    const first = (await panel.page.textContent('#train-backend')) ?? '';
    assert.match(first, /fastest in timed epochs: .* ms\/epoch in the trial \(2 epochs after a warm-up, no drawing\)/, first);
    assert.match((await panel.page.textContent('#train-progress')) ?? '', /[\d.]+ ms\/epoch in this run \(last 5 epochs, drawn as they come\)/);
    assert.equal(await panel.page.$eval('#train-backend', (e) => (e as HTMLElement).dataset.kept), 'false');
    const chosen = await panel.page.$eval('#train-backend', (e) => (e as HTMLElement).dataset.backend);

    const started = Date.now();
    await trainOnce(panel);
    const second = (await panel.page.textContent('#train-backend')) ?? '';
    assert.equal(await panel.page.$eval('#train-backend', (e) => (e as HTMLElement).dataset.kept), 'true', second);
    assert.equal(await panel.page.$eval('#train-backend', (e) => (e as HTMLElement).dataset.backend), chosen);
    assert.match(second, /kept from this panel's earlier trial/, second);
    const keptMs = Date.now() - started;

    // The trial survives the page being dropped and recreated (a hidden panel): it lives in the page's state.
    const state = await panel.state();
    assert.equal((state?.trial as { backend?: string } | undefined)?.backend, chosen);

    await panel.page.click('#retime');
    await panel.page.waitForSelector('#training[data-state=idle]', { timeout: 240_000 });
    assert.equal(await panel.page.$eval('#train-backend', (e) => (e as HTMLElement).dataset.kept), 'false', 'Re-time measures again');
    await panel.page.close();
    console.log(`      3 epochs: ${trialMs} ms with the backend trial, ${keptMs} ms with the kept one`);
  });

  it("says when a backend's first-batch loss differs from cpu's", async () => {
    // tf.backend().epsilon() is 1e-4 on webgl and 1e-7 on cpu and wasm (DESIGN.md): the same loss, different numbers.
    const text = `${FIXTURE}\nexport function epsilonMse(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {\n  return tf.add(tf.mean(tf.squaredDifference(yPred, yTrue)), 1000 * tf.backend().epsilon());\n}\n`;
    const panel = await open(await lossFrom('panel/losses.ts', 'epsilonMse', {}, text));
    await trainOnce(panel);
    const difference = await panel.page.$eval('#train-backend', (e) => (e as HTMLElement).dataset.difference ?? '');
    assert.match(difference, /webgl [\d.]+.* vs cpu [\d.]+/, difference);
    assert.match((await panel.page.textContent('#train-backend')) ?? '', /Note: the loss on the first batch differs between backends/);
    await panel.page.close();

    const same = await open(await lossFrom('panel/losses.ts', 'mse'));
    await trainOnce(same);
    assert.equal(await same.page.$eval('#train-backend', (e) => (e as HTMLElement).dataset.difference), undefined, 'MSE: the same on every backend');
    await same.page.close();
  });
});
