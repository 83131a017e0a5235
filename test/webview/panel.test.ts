import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PanelServer, RESULTS, suiteServer, inkOf, lossFrom, type PanelPage } from './page';

describe('the preview panel in headless Chromium', function () {
  this.timeout(180_000);
  const server = suiteServer();

  async function openWith(loss: Awaited<ReturnType<typeof lossFrom>>, options: Parameters<PanelServer['open']>[0] = {}, settings = {}): Promise<PanelPage> {
    const panel = await server.open(options);
    await panel.send(server.init(settings));
    await panel.send(loss);
    return panel;
  }

  it('draws the MSE parabola and its slope 2r, with the built-in losses', async () => {
    // Written with chained ops, as the article writes it: the worker's tfjs must register them.
    const panel = await openWith(await lossFrom('panel/losses.ts', 'chainedMse'));
    await panel.page.waitForSelector('#curves[data-total-ms]');
    assert.ok((await inkOf(panel.page, 'loss-chart')) > 2000, 'the loss chart has ink');
    assert.ok((await inkOf(panel.page, 'grad-chart')) > 2000, 'the slope chart has ink');
    await panel.page.click('#values summary');
    await panel.page.waitForSelector('#values-table tbody tr');
    const rows = await panel.page.$$eval('#values-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')));
    assert.equal(rows.length, 201);
    for (const row of rows) {
      const [r, loss, slope, mseLoss] = row.map(Number) as [number, number, number, number];
      assert.ok(Math.abs(loss - r * r) <= 1e-3 * Math.max(1, r * r), `loss at ${r}: ${loss}`);
      assert.ok(Math.abs(slope - 2 * r) <= 1e-3 * Math.max(1, Math.abs(r)), `slope at ${r}: ${slope}`);
      assert.ok(Math.abs(mseLoss - r * r) <= 1e-3 * Math.max(1, r * r), `built-in MSE at ${r}: ${mseLoss}`);
    }
    const headers = await panel.page.$$eval('#values-table thead tr:first-child th', (ths) => ths.map((t) => t.textContent));
    assert.deepEqual(headers, ['x', 'your loss', 'MSE', 'MAE', 'Huber (δ = 1)']);
    await panel.page.screenshot({ path: path.join(RESULTS, 'webview-mse.png'), fullPage: true });
    await panel.page.close();
  });

  /** The table's row at x, as numbers: [x, your loss, your slope, …]. */
  async function rowAt(panel: PanelPage, x: number): Promise<number[]> {
    if (!(await panel.page.$eval('#values', (d) => (d as HTMLDetailsElement).open))) await panel.page.click('#values summary');
    await panel.page.waitForSelector('#values-table tbody tr'); // the table renders on the toggle event, after the click
    const rows = await panel.page.$$eval('#values-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => Number(c.textContent))));
    const row = rows.find((r) => Math.abs((r[0] as number) - x) < 1e-9);
    assert.ok(row, `a row at ${x} among ${rows.length}: ${JSON.stringify(rows.slice(0, 3))}`);
    return row;
  }

  /** Waits for curves newer than `after` (the page stamps each drawing). */
  async function nextCurves(panel: PanelPage, after: string | undefined): Promise<string> {
    await panel.page.waitForFunction((before) => {
      const stamp = document.getElementById('curves')?.dataset.totalMs;
      return stamp !== undefined && stamp !== before;
    }, after);
    return (await panel.page.$eval('#curves', (e) => (e as HTMLElement).dataset.totalMs)) as string;
  }

  it('turns a factory parameter into a slider that redraws the curves', async () => {
    const loss = await lossFrom('panel/losses.ts', 'huber', { kind: 'factory', params: [{ name: 'delta', defaultText: '1.0', value: 1 }] });
    const panel = await openWith(loss);
    let stamp = await nextCurves(panel, undefined);
    assert.equal((await rowAt(panel, 5))[2], 1, "Huber's slope beyond delta = 1 is 1");
    await panel.page.fill('#sliders input[type=number]', '2.5');
    await panel.page.press('#sliders input[type=number]', 'Enter');
    stamp = await nextCurves(panel, stamp);
    assert.ok(Math.abs(((await rowAt(panel, 5))[2] as number) - 2.5) < 1e-4, 'slope beyond delta = 2.5 is 2.5');
    // The keyboard moves the range input by one step (a 200th of its range).
    await panel.page.focus('#param-delta');
    await panel.page.keyboard.press('ArrowRight');
    await nextCurves(panel, stamp);
    const [moved, step] = await panel.page.$eval('#param-delta', (e) => [Number((e as HTMLInputElement).value), Number((e as HTMLInputElement).step)]);
    assert.ok(step > 0 && Math.abs((moved as number) - (2.5 + (step as number))) < 1e-9, `one step right of 2.5: ${moved}`);
    assert.ok(Math.abs(((await rowAt(panel, 5))[2] as number) - (moved as number)) < 1e-4, `slope ${(await rowAt(panel, 5))[2]}`);
    const state = await panel.state();
    assert.deepEqual(state?.args, { [`${loss.loss.uri}#huber`]: { delta: moved } });
    await panel.page.close();

    // Restored with that state (a reload, or the panel shown again), the slider keeps its value.
    const restored = await openWith(loss, { state });
    await nextCurves(restored, undefined);
    assert.equal(Number(await restored.page.$eval('#param-delta', (e) => (e as HTMLInputElement).value)), moved);
    assert.ok(Math.abs(((await rowAt(restored, 5))[2] as number) - (moved as number)) < 1e-4);
    await restored.page.close();
  });

  it('shows the gradient check per element and fails a wrong custom gradient', async () => {
    const panel = await openWith(await lossFrom('panel/losses.ts', 'halfGradient'));
    await panel.page.waitForSelector('#gradcheck-status.fail');
    assert.match(await panel.page.textContent('#gradcheck-status') ?? '', /the gradient is wrong/);
    assert.ok((await panel.page.$$('#gradcheck-table tr.fail')).length > 0);
    assert.ok((await inkOf(panel.page, 'gradcheck-chart')) > 500);
    await panel.page.close();
  });

  it("counts the same elements in the gradient check's verdict and below it (segmentation)", async () => {
    // One value per sample: the check perturbs the samples together and judges every pixel of every mask.
    const text = `${fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'panel', 'losses.ts'), 'utf8')}\nexport function pixelMse(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {\n  return tf.mean(tf.squaredDifference(yPred, yTrue), [1, 2, 3]);\n}\n`;
    const panel = await openWith(await lossFrom('panel/losses.ts', 'pixelMse', { task: 'segmentation' }, text));
    await panel.page.waitForSelector('#gradcheck-status.pass', { timeout: 60_000 });
    const status = (await panel.page.textContent('#gradcheck-status')) ?? '';
    const meta = (await panel.page.textContent('#gradcheck-meta')) ?? '';
    const judged = /agree on (?:all )?(\d+)(?: of (\d+))? elements/.exec(status);
    assert.ok(judged, status);
    assert.ok(Number(judged[1]) > 1024, `more elements than a reply draws: ${status}`);
    assert.match(meta, new RegExp(`^${judged[1]} elements \\(the 1024 that need attention first are drawn\\)`), meta);
    await panel.page.close();
  });

  it('marks the kink of MAE and calls it bounded', async () => {
    const panel = await openWith(await lossFrom('panel/losses.ts', 'mae'));
    await nextCurves(panel, undefined);
    assert.match(await panel.page.textContent('#curve-notes') ?? '', /kinks at 0\./);
    assert.equal(await panel.page.$eval('#robustness', (e) => (e as HTMLElement).dataset.verdict), 'bounded');
    assert.match(await panel.page.textContent('#robustness-sentence') ?? '', /^Bounded/);
    await panel.page.close();
  });

  it('stops a loss that never returns and recovers with the next one', async () => {
    const panel = await openWith(await lossFrom('panel/losses.ts', 'forever'), {}, { timeoutMs: 1500 });
    await panel.page.waitForFunction(() => /stopped after 1500 ms/.test(document.getElementById('curve-notes')?.textContent ?? ''));
    await panel.send(await lossFrom('panel/losses.ts', 'mse', {}, '// edited\n' + fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'panel', 'losses.ts'), 'utf8')));
    await nextCurves(panel, undefined);
    assert.equal((await rowAt(panel, 2))[1], 4);
    await panel.page.close();
  });

  it('recomputes when the code changes, not when the host resends the same loss', async () => {
    const loss = await lossFrom('panel/losses.ts', 'mse');
    const panel = await openWith(loss);
    await nextCurves(panel, undefined);
    const drawings = async (): Promise<number> => Number(await panel.page.$eval('#curves', (e) => (e as HTMLElement).dataset.drawings));
    // The checks in the editor's words: a warning stays a warning, and an error in the code is said beside them.
    const checks = [{ id: 'runs', status: 'pass', message: 'ok', ms: 1 }, { id: 'shape', status: 'warn', message: 'per element', ms: 1 }] as const;
    await panel.send({ ...loss, loss: { ...loss.loss, version: 2, checks: [...checks], errors: ['LL200'] } });
    await panel.page.waitForFunction(() => document.getElementById('loss-checks')?.textContent === 'Checks: 1 check passes, 1 warns (shape); 1 error in the code (LL200).');
    await panel.page.waitForTimeout(500);
    assert.equal(await drawings(), 1);
    const text = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'panel', 'losses.ts'), 'utf8').replace('tf.mean(tf.square(tf.sub(yPred, yTrue)))', 'tf.mul(2, tf.mean(tf.square(tf.sub(yPred, yTrue))))');
    await panel.send(await lossFrom('panel/losses.ts', 'mse', { version: 3 }, text));
    await panel.page.waitForFunction(() => document.getElementById('curves')?.dataset.drawings === '2');
    assert.equal((await rowAt(panel, 2))[1], 8, 'the edited loss, twice MSE');
    await panel.page.close();
  });

  it('draws the newest code after an edit that arrives while the curves are computing', async () => {
    const source = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'panel', 'losses.ts'), 'utf8');
    const panel = await openWith(await lossFrom('panel/losses.ts', 'slowOnce', {}, source));
    await panel.page.waitForTimeout(500); // the first call is busy for 1.5 s
    const tripled = source.replace('tf.mean(tf.squaredDifference(yPred, yTrue))', 'tf.mul(3, tf.mean(tf.squaredDifference(yPred, yTrue)))');
    await panel.send(await lossFrom('panel/losses.ts', 'slowOnce', { version: 2 }, tripled));
    await panel.page.waitForFunction(() => document.getElementById('curves')?.dataset.drawings !== undefined, undefined, { timeout: 30_000 });
    assert.equal((await rowAt(panel, 2))[1], 12, 'three times MSE at 2');
    assert.equal(await panel.page.$eval('#curves', (e) => (e as HTMLElement).dataset.drawings), '1', 'the first version was never drawn');
    await panel.page.close();
  });

  it('draws a loss with a non-finite point and marks it', async () => {
    const panel = await openWith(await lossFrom('panel/losses.ts', 'rootAbs'));
    await nextCurves(panel, undefined);
    assert.match((await panel.page.textContent('#curve-notes')) ?? '', /^no kinks; not finite at 1 points\./);
    assert.equal((await rowAt(panel, 4))[1], 2);
    assert.ok((await inkOf(panel.page, 'loss-chart')) > 2000);
    await panel.page.close();
  });

  it('draws the values of a loss without a gradient and says why the slope is missing', async () => {
    const panel = await openWith(await lossFrom('panel/losses.ts', 'whereLessEqual'));
    await nextCurves(panel, undefined);
    assert.match((await panel.page.textContent('#curve-notes')) ?? '', /No slope: tfjs has no gradient for LessEqual/);
    assert.equal((await rowAt(panel, 3))[1], 2.5);
    await panel.page.waitForSelector('#gradcheck-status.fail');
    assert.match((await panel.page.textContent('#gradcheck-status')) ?? '', /no gradient for LessEqual/);
    await panel.page.close();
  });

  it('runs nothing without code, and says why once, with a Manage Workspace Trust button and no charts', async () => {
    const problem = 'This workspace is not trusted, so Loss Lab runs no loss here (curves, gradient check, training).';
    const panel = await openWith(await lossFrom('panel/losses.ts', 'mse', { code: null, problem, untrusted: true }));
    await panel.page.waitForSelector('#problem-box:not([hidden])');
    assert.equal(await panel.page.textContent('#problem'), problem);
    assert.equal(await panel.page.evaluate(() => document.body.dataset.runnable), 'false');
    assert.equal(await panel.page.$eval('#curves', (e) => (e as HTMLElement).dataset.totalMs), undefined, 'no curves drawn');
    const shown = await panel.page.evaluate(() => {
      const visible = (e: Element): boolean => e.getClientRects().length > 0;
      return {
        mentions: [...document.querySelectorAll('body *')].filter((e) => visible(e) && e.children.length === 0 && /not trusted/.test(e.textContent ?? '')).length,
        charts: [...document.querySelectorAll('canvas')].filter(visible).length,
        enabled: [...document.querySelectorAll('button')].filter((b) => visible(b) && !(b as HTMLButtonElement).disabled).map((b) => b.textContent),
      };
    });
    assert.deepEqual(shown, { mentions: 1, charts: 0, enabled: ['Manage Workspace Trust'] });
    await panel.page.click('#manage-trust');
    assert.ok((await panel.posted()).some((m) => m.type === 'manageTrust'), 'the button asks the host for the trust editor');
    await panel.page.screenshot({ path: path.join(RESULTS, 'webview-untrusted.png'), fullPage: true });
    await panel.page.close();
  });

  it('works when the loss arrives before init, as after the panel was hidden and shown again', async () => {
    const panel = await server.open();
    await panel.send(await lossFrom('panel/losses.ts', 'mse'));
    await panel.page.waitForTimeout(300);
    await panel.send(server.init());
    await panel.page.waitForSelector('#curves[data-total-ms]', { timeout: 30_000 });
    await panel.page.waitForSelector('#gradcheck-status.pass');
    await panel.page.close();
  });

  it('drops and reports messages that do not match the protocol', async () => {
    const panel = await server.open();
    await panel.send({ type: 'loss', loss: { name: 42 } });
    await panel.send({ type: 'runArbitraryCode', code: 'alert(1)' });
    await panel.page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'log').length >= 2);
    const logs = (await panel.posted()).filter((m) => m.type === 'log').map((m) => (m as { message: string }).message);
    assert.match(logs[0] ?? '', /dropped a 'loss' message: loss\./);
    assert.match(logs[1] ?? '', /dropped a 'runArbitraryCode' message/);
    assert.equal(await panel.page.textContent('#loss-name'), 'Loss Lab');
    await panel.page.close();
  });

  after(() => assert.deepEqual(server.cspViolations, [], 'no Content-Security-Policy violation'));
});
