// UI tests: a user's session in the real workbench with the packaged .vsix installed. Each test
// returns [name, ok, detail]; screenshots go to test-results/.
/* global document, window, getComputedStyle -- inside frame.evaluate, which runs in the page */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { walkthroughOpensAndCompletesAStep } from './walkthrough.mjs';

/** The files inside a .vsix (a zip), read with Python's zipfile: no unzip needed. */
function vsixFiles(vsix) {
  const script = 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))';
  return execFileSync('python3', ['-c', script, vsix], { encoding: 'utf8' }).trim().split('\n');
}

export async function runCommand(page, title) {
  // Right after load a command may not be registered yet: retry the palette.
  for (let attempt = 0; attempt < 5; attempt++) {
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget:not(.hidden) input', { timeout: 10_000 });
    await page.keyboard.type(title);
    const item = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    if (await item.isVisible({ timeout: 3_000 }).catch(() => false)) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('Escape');
    await page.waitForTimeout(1000);
  }
  throw new Error(`command "${title}" not found in the palette`);
}

export async function openFile(page, name) {
  // A file the test just wrote may not be in Quick Open's index yet: ask again.
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget:not(.hidden) input', { timeout: 10_000 });
    await page.keyboard.type(name);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    if (await row.waitFor({ timeout: 5_000 }).then(() => true, () => false)) break;
    await page.keyboard.press('Escape');
    if (attempt === 4) throw new Error(`${name} is not in Quick Open`);
    await page.waitForTimeout(1000);
  }
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 10_000 });
}

/** The panel's page: VS Code nests it in two iframes; the inner one holds our document. */
export async function panelFrame(page) {
  for (let i = 0; i < 100; i++) {
    for (const frame of page.frames()) {
      if (await frame.locator('#loss-chart').count().catch(() => 0)) return frame;
    }
    await page.waitForTimeout(200);
  }
  throw new Error("the panel's page did not load");
}

/** Pixels of a canvas that are not transparent: 0 for a blank chart. */
function inkOf(frame, id) {
  return frame.evaluate((canvasId) => {
    const canvas = document.getElementById(canvasId);
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let ink = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink++;
    return ink;
  }, id);
}

export async function runUiTests({ vsix, results, launchBrowser, workspaceCopy, makeProfile, installExtension, startCodeServer }) {
  const outcomes = [];
  let page;
  // E2E_UI_ONLY=regex runs only the UI tests whose names match (and the ones they need, by the caller's choice).
  const only = process.env.E2E_UI_ONLY ? new RegExp(process.env.E2E_UI_ONLY) : undefined;
  const test = async (name, body) => {
    if (only && !only.test(name)) return;
    const started = performance.now();
    try {
      const detail = await body();
      outcomes.push([name, true, detail ?? `${Math.round(performance.now() - started)} ms`]);
    } catch (error) {
      const shot = path.join(results, `failed-${outcomes.length}.png`);
      await page?.screenshot({ path: shot }).catch(() => undefined);
      outcomes.push([name, false, `${String(error?.message ?? error).split('\n')[0]}; see ${path.basename(shot)}`]);
    }
    await page?.keyboard.press('Escape').catch(() => undefined);
  };
  const profile = makeProfile();
  const workspace = workspaceCopy();
  let server;
  let browser;
  try {
    await test('the .vsix is at most 10 MB, without tests, sources or source maps', async () => {
      const mb = fs.statSync(vsix).size / 1024 / 1024;
      if (mb > 10) throw new Error(`${mb.toFixed(2)} MB`);
      const files = vsixFiles(vsix);
      const unwanted = files.filter((f) => /\.map$|(^|\/)(src|test|bench|scripts|examples)\/|\.ts$/.test(f) && !/\.d\.ts$/.test(f));
      if (unwanted.length > 0) throw new Error(`unwanted files: ${unwanted.slice(0, 5).join(', ')}`);
      for (const needed of ['extension/dist/extension.js', 'extension/dist/worker.js', 'extension/dist/analysis-worker.js', 'extension/dist/tfjs-registry.json']) {
        if (!files.includes(needed)) throw new Error(`${needed} is missing`);
      }
      return `${mb.toFixed(2)} MB, ${files.length} files`;
    });

    await test('the .vsix installs into code-server', async () => {
      const started = performance.now();
      installExtension(profile, vsix);
      const installed = fs.readdirSync(profile.extensions).filter((d) => d.startsWith('loss-lab.loss-lab'));
      if (installed.length !== 1) throw new Error(`installed: ${installed.join(', ') || 'nothing'}`);
      return `${(fs.statSync(vsix).size / 1024 / 1024).toFixed(2)} MB, installed in ${Math.round(performance.now() - started)} ms`;
    });
    server = await startCodeServer(profile, workspace);
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });

    await test('a loss file shows the LL200 squiggle and its Problems entry', async () => {
      await openFile(page, 'article.js');
      await page.locator('.squiggly-error').first().waitFor({ timeout: 30_000 });
      await page.keyboard.press('Control+Shift+M');
      const entry = page.locator('.markers-panel .monaco-list-row', { hasText: 'is a tensor used as a boolean' }).first();
      await entry.waitFor({ timeout: 15_000 });
      await page.screenshot({ path: path.join(results, 'workbench-diagnostics.png') });
    });

    await test("a diagnostic's code links to its entry in the installed README", async () => {
      // From the Problems panel, as a user clicks it: the link is the code (LL200) of the entry.
      const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'is a tensor used as a boolean' }).first();
      await row.locator('a', { hasText: 'LL200' }).first().click({ timeout: 10_000 });
      const tab = page.locator('.tab.active', { hasText: /readme\.md/i });
      try {
        await tab.waitFor({ timeout: 15_000 });
        const missing = page.locator('text=/file was not found|could not be opened/i');
        const entry = page.locator('.view-lines', { hasText: 'a tensor in a boolean context' }).first();
        await Promise.race([missing.first().waitFor({ timeout: 15_000 }), entry.waitFor({ timeout: 15_000 })]);
        if ((await missing.count()) > 0) throw new Error('the README link opens "file not found"');
        return `opened ${(await tab.textContent())?.trim()} at its LL200 entry`;
      } finally {
        // Whatever happened, the next tests start from the code.
        if (await tab.count()) await tab.locator('.codicon-close').click().catch(() => undefined);
        await page.locator('.tab', { hasText: 'article.js' }).first().click().catch(() => undefined);
      }
    });

    await test('the Check CodeLens runs the checks and reports them', async () => {
      await page.locator('.codelens-decoration a', { hasText: /^Check$/ }).first().click();
      const toast = page.locator('.notification-toast', { hasText: /Loss Lab: meanSquaredError: \d+ checks pass/ });
      await toast.waitFor({ timeout: 60_000 });
      await runCommand(page, 'Testing: Focus on Test Explorer View');
      await page.locator('.test-explorer .monaco-list-row', { hasText: 'article.js' }).first().waitFor({ timeout: 15_000 });
      await page.waitForTimeout(1000);
      await page.screenshot({ path: path.join(results, 'workbench-codelens-testing.png') });
    });

    await test('the Preview CodeLens opens the panel beside the editor, and it draws the curves', async () => {
      await page.locator('.codelens-decoration a', { hasText: /^Preview$/ }).first().click();
      await page.locator('.tab', { hasText: 'Loss Lab: ' }).first().waitFor({ timeout: 15_000 });
      const frame = await panelFrame(page);
      await frame.locator('#curves[data-total-ms]').waitFor({ timeout: 60_000 });
      const ink = await inkOf(frame, 'loss-chart');
      if (ink < 2000) throw new Error(`the loss chart is blank (${ink} pixels drawn)`);
      await page.waitForTimeout(500);
      await page.screenshot({ path: path.join(results, 'workbench-preview.png') });
      const timing = await frame.locator('#curve-timing').textContent();
      return `${ink} pixels drawn; ${timing}`;
    });

    await test('the panel trains in the webview and shows the backend it chose', async () => {
      const frame = await panelFrame(page);
      await frame.locator('#epochs').fill('20');
      await frame.locator('#train').click();
      await frame.locator('#training[data-state=idle] #train-progress', { hasText: 'done' }).waitFor({ timeout: 180_000 });
      await frame.locator('#training').scrollIntoViewIfNeeded();
      const backend = await frame.locator('#train-backend').textContent();
      if (!/Backend: (webgl|wasm|cpu) \(/.test(backend ?? '')) throw new Error(`no backend shown: ${backend}`);
      // The trial's timing and the run's, each labelled with how it was measured.
      if (!/ms\/epoch in the trial \(2 epochs after a warm-up, no drawing\)/.test(backend ?? '')) throw new Error(`the trial's timing is not labelled: ${backend}`);
      const progress = await frame.locator('#train-progress').textContent();
      if (!/ms\/epoch in this run \(last 5 epochs, drawn as they come\)/.test(progress ?? '')) throw new Error(`the run's timing is not labelled: ${progress}`);
      await page.screenshot({ path: path.join(results, 'workbench-training.png') });
      return `${backend}; ${await frame.locator('#train-progress').textContent()}`;
    });

    await test('the panel follows the cursor to another loss, and redraws after an edit', async () => {
      await page.locator('.view-line', { hasText: 'export const meanAbsoluteError' }).first().click();
      await page.locator('.tab', { hasText: 'Loss Lab: meanAbsoluteError' }).first().waitFor({ timeout: 15_000 });
      let frame = await panelFrame(page);
      await frame.locator('#loss-name', { hasText: 'meanAbsoluteError' }).waitFor({ timeout: 15_000 });
      await frame.locator('#curve-notes', { hasText: 'kinks at 0' }).waitFor({ timeout: 30_000 });
      const before = Number(await frame.locator('#curves').getAttribute('data-drawings'));
      await page.locator('.view-line', { hasText: 'export const meanAbsoluteError' }).first().click();
      await page.keyboard.press('End');
      // A change of code (comments do not change the bundle, and the panel then keeps its curves).
      await page.keyboard.type(' export const twiceMae = (yTrue, yPred) => tf.mul(2, meanAbsoluteError(yTrue, yPred));');
      frame = await panelFrame(page);
      await frame.waitForFunction((n) => Number(document.getElementById('curves')?.dataset.drawings) > n, before, { timeout: 30_000 });
    });

    await test('the panel works again after it was hidden, whichever way it comes back', async () => {
      /** Hides the panel behind another file in its own editor group, back in the code's group after. */
      let hides = 0;
      const step = async (label, body) => {
        try {
          return await body();
        } catch (error) {
          await page.screenshot({ path: path.join(results, `failed-hide-${hides}.png`) }).catch(() => undefined);
          throw new Error(`hide ${hides}, ${label}: ${String(error?.message ?? error).split('\n')[0]}`);
        }
      };
      const hide = async () => {
        hides++;
        const inPanelGroup = page.locator('.editor-group-container').nth(1).locator('.tab', { hasText: 'vae.js' });
        if ((await inPanelGroup.count()) > 0) {
          await step('show vae.js over the panel', () => inPanelGroup.first().click());
        } else {
          // Keys typed into a focused webview stay there: open the file from the code's group, then move it over the panel.
          await step('back to the code', () => page.locator('.tab', { hasText: 'article.js' }).first().click());
          await step('open vae.js', () => openFile(page, 'vae.js'));
          await step('move it over the panel', () => runCommand(page, 'View: Move Editor into Next Group'));
        }
        await step('vae.js shown over the panel', () => page.locator('.editor-group-container').nth(1).locator('.tab.active', { hasText: 'vae.js' }).waitFor({ timeout: 10_000 }));
        // A click on the tab of an active editor leaves the keyboard where it was: click into the text.
        await step('back to the code again', async () => {
          await page.locator('.tab', { hasText: 'article.js' }).first().click();
          const box = await page.locator('.editor-group-container').first().boundingBox();
          await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
        });
      };
      /** The panel draws its curves and its gradient check again, in the page it has now. */
      const works = async (route) => {
        const frame = await panelFrame(page);
        try {
          await frame.locator('#curves[data-total-ms]').waitFor({ timeout: 30_000 });
          await frame.locator('#gradcheck-status.pass, #gradcheck-status.warn, #gradcheck-status.fail').waitFor({ timeout: 30_000 });
        } catch {
          throw new Error(`after ${route}: ${await frame.locator('#curve-notes').textContent()} / ${await frame.locator('#gradcheck-status').textContent()}`);
        }
        const text = await frame.locator('body').textContent();
        if (/no worker script/.test(text ?? '')) throw new Error(`after ${route}: the page has no worker script`);
      };
      const lens = async (title) => {
        await page.locator('.view-line', { hasText: 'import * as tf' }).first().click();
        await page.keyboard.press('Control+Home');
        for (let attempt = 0; ; attempt++) {
          try {
            await page.locator('.codelens-decoration a', { hasText: new RegExp(`^${title}$`) }).first().click({ timeout: 10_000 });
            return;
          } catch (error) {
            if (attempt === 2) throw error;
          }
        }
      };
      await hide();
      await lens('Preview');
      await works('the Preview CodeLens');
      await hide();
      await lens('Train');
      await works('the Train CodeLens');
      const frame = await panelFrame(page);
      await frame.locator('#training[data-state=idle] #train-progress', { hasText: /done/ }).waitFor({ timeout: 180_000 });
      await hide();
      await page.locator('.view-line', { hasText: 'export function meanSquaredError' }).first().click();
      await runCommand(page, 'Loss Lab: Open Preview');
      await works('Open Preview from the palette');
      await hide();
      await page.locator('.tab', { hasText: 'Loss Lab: ' }).first().click();
      await works("the panel's own tab");
      await page.locator('.tab', { hasText: 'vae.js' }).first().click({ button: 'middle' }).catch(() => undefined);
      return `${hides} times hidden, back by Preview, Train, Open Preview and its tab`;
    });

    await test('a check result is dropped when the text changes (edit, then File: Revert)', async () => {
      fs.writeFileSync(path.join(workspace, 'stale.ts'), "import * as tf from '@tensorflow/tfjs';\n\n/** Sums over the batch: one value per column, a wrong shape. */\nexport const columnSums = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor => tf.sum(tf.square(tf.sub(yTrue, yPred)), 0);\n");
      await page.locator('.tab', { hasText: 'article.js' }).first().click();
      await openFile(page, 'stale.ts');
      const failedGlyph = page.locator('.testing-run-glyph.codicon-testing-failed-icon, .codicon-testing-failed-icon');
      const inline = page.locator('.test-message-inline-content', { hasText: /shape/ });
      // The editor scrolls sideways to show a long inline message: work from its ends, by keyboard.
      const editor = page.locator('.editor-group-container').first().locator('.monaco-editor .view-lines').first();
      const typeAtEnd = async (text) => {
        await editor.click();
        await page.keyboard.press('Control+End');
        await page.keyboard.type(text);
      };
      const check = async () => {
        // Focus by the tab: a click on the text may land where the editor has scrolled it away.
        await page.locator('.tab', { hasText: 'stale.ts' }).first().click();
        await page.keyboard.press('Control+Home');
        await page.locator('.codelens-decoration a', { hasText: /^Check$/ }).first().click({ timeout: 30_000 });
        await failedGlyph.first().waitFor({ timeout: 60_000 });
        // The inline message comes a moment later, where the editor draws it: waited for, not required.
        await inline.first().waitFor({ timeout: 5_000 }).catch(() => undefined);
      };
      const gone = async (after) => {
        for (let i = 0; i < 50 && ((await failedGlyph.count()) > 0 || (await inline.count()) > 0); i++) await page.waitForTimeout(200);
        if ((await failedGlyph.count()) > 0 || (await inline.count()) > 0) throw new Error(`the old result is still shown after ${after}`);
      };
      await check();
      await page.screenshot({ path: path.join(results, 'workbench-stale-before.png') });
      await typeAtEnd('// edited');
      await gone('an edit');
      await page.screenshot({ path: path.join(results, 'workbench-stale-after-edit.png') });
      await runCommand(page, 'File: Revert File');
      await page.waitForTimeout(500);
      await check();
      await typeAtEnd('// again');
      await page.keyboard.press('Escape');
      await check();
      await runCommand(page, 'File: Revert File');
      await gone('File: Revert');
      await page.locator('.tab', { hasText: 'article.js' }).first().click();
    });

    await test('the Gradient check CodeLens scrolls the panel to the gradient check', async () => {
      await page.locator('.tab', { hasText: 'article.js' }).first().click();
      await page.locator('.view-line', { hasText: 'import * as tf' }).first().click();
      await page.keyboard.press('Control+Home');
      // Scrolled to the top first, so that being in view is the lens's doing.
      (await panelFrame(page)).evaluate(() => window.scrollTo(0, 0)).catch(() => undefined);
      await page.locator('.codelens-decoration a', { hasText: /^Gradient check$/ }).first().click({ timeout: 10_000 });
      const frame = await panelFrame(page);
      for (let i = 0; i < 50; i++) {
        const top = await frame.evaluate(() => document.getElementById('gradcheck')?.getBoundingClientRect().top ?? -1);
        if (top >= 0 && top < 60) return `the gradient check ${Math.round(top)} px from the top`;
        await page.waitForTimeout(200);
      }
      throw new Error(`the gradient check is at ${await frame.evaluate(() => document.getElementById('gradcheck')?.getBoundingClientRect().top)} px`);
    });

    await test('the panel comes back on its loss after the window reloads', async () => {
      // The loss the panel shows now (the tests before moved it around), and after the reload.
      const before = (await (await panelFrame(page)).locator('#loss-name').textContent())?.trim();
      // As a user reloads: the workbench saves its state (the panel's among it) before it goes.
      await runCommand(page, 'Developer: Reload Window');
      await page.waitForEvent('load', { timeout: 60_000 });
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      await page.locator('.tab', { hasText: `Loss Lab: ${before}` }).first().waitFor({ timeout: 30_000 });
      const frame = await panelFrame(page);
      await frame.locator('#curves[data-drawings]').waitFor({ timeout: 60_000 });
      const name = await frame.locator('#loss-name').textContent();
      if (name !== before) throw new Error(`restored on ${name}, not ${before}`);
      return `restored on ${name}`;
    });

    await test('the Train CodeLens shows the panel on its loss and starts a training run', async () => {
      // Back to the top of the file (the edit before left it scrolled sideways); lenses re-render
      // after each analysis, so a click may land on one being replaced: try again.
      await page.locator('.view-line', { hasText: 'import * as tf' }).first().click();
      await page.keyboard.press('Control+Home');
      for (let attempt = 0; ; attempt++) {
        try {
          await page.locator('.codelens-decoration a', { hasText: /^Train$/ }).first().click({ timeout: 10_000 });
          break;
        } catch (error) {
          if (attempt === 2) throw error;
        }
      }
      await page.locator('.tab', { hasText: 'Loss Lab: meanSquaredError' }).first().waitFor({ timeout: 15_000 });
      const frame = await panelFrame(page);
      await frame.locator('#loss-name', { hasText: 'meanSquaredError' }).waitFor({ timeout: 15_000 });
      // The page was reloaded by the test before: any epoch shown is this run's (20 epochs can end in 2 s).
      await frame.locator('#training[data-state=idle] #train-progress', { hasText: /^epoch (\d+)\/\1 .* · done$/ }).waitFor({ timeout: 180_000 });
      // The backend trial of the first run is kept for the panel's life, through the reload too.
      const kept = await frame.locator('#train-backend').getAttribute('data-kept');
      if (kept !== 'true') throw new Error(`the backends were timed again: ${await frame.locator('#train-backend').textContent()}`);
    });

    await test('Train on a loss with no gradient: one message in place of the charts, no backend timed', async () => {
      await openFile(page, 'bugs.ts');
      await page.locator('.view-line', { hasText: 'export function huberWithWhere' }).first().waitFor({ timeout: 15_000 });
      await page.keyboard.press('Control+Home');
      await page.locator('.codelens-decoration a', { hasText: /^Train$/ }).first().click({ timeout: 30_000 });
      await page.locator('.tab', { hasText: 'Loss Lab: huberWithWhere' }).first().waitFor({ timeout: 15_000 });
      const frame = await panelFrame(page);
      const progress = frame.locator('#train-progress', { hasText: /^Your loss cannot train: tfjs has no gradient for LessEqual/ });
      await progress.waitFor({ timeout: 60_000 });
      const text = (await progress.textContent()) ?? '';
      if ((text.match(/LessEqual/g) ?? []).length !== 1 || /\.\.|\.;/.test(text)) throw new Error(`said more than once, or with stray punctuation: ${text}`);
      if (!(await frame.locator('#train-charts').evaluate((e) => e.hidden))) throw new Error('empty charts are shown');
      if (((await frame.locator('#train-backend').textContent()) ?? '').trim() !== '') throw new Error('backends were timed');
      await page.screenshot({ path: path.join(results, 'workbench-no-gradient.png') });
    });

    await test('the walkthrough opens from the palette; its buttons open the example and check it, and mark their steps done', () => walkthroughOpensAndCompletesAStep(page, results));

    await test('New Loss from Template opens the chosen template in a new editor', async () => {
      await runCommand(page, 'Loss Lab: New Loss from Template');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Huber (factory)' }).first().click({ timeout: 10_000 });
      await page.locator('.view-lines', { hasText: 'export function huberLoss(delta = 1.0)' }).first().waitFor({ timeout: 15_000 });
      await page.locator('.codelens-decoration a', { hasText: /^Check$/ }).first().waitFor({ timeout: 30_000 });
      // Named after the loss, not after its first line.
      const title = (await page.locator('.tab.active').first().textContent())?.trim();
      if (!/^huberLoss\.ts/.test(title ?? '')) throw new Error(`the new editor's tab says "${title}"`);
    });

    await test('Select Task Preset writes lossLab.task to the workspace settings', async () => {
      await runCommand(page, 'Loss Lab: Select Task Preset');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'segmentation' }).first().waitFor({ timeout: 10_000 });
      // Each preset says what its tensors are.
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'One-hot labels [6, 5] against softmax rows' }).first().waitFor({ timeout: 5_000 });
      await page.keyboard.type('segmentation');
      await page.keyboard.press('Enter');
      const settings = path.join(workspace, '.vscode', 'settings.json');
      for (let i = 0; i < 50 && !(fs.existsSync(settings) && /"lossLab\.task":\s*"segmentation"/.test(fs.readFileSync(settings, 'utf8'))); i++) await page.waitForTimeout(200);
      if (!/"lossLab\.task":\s*"segmentation"/.test(fs.existsSync(settings) ? fs.readFileSync(settings, 'utf8') : '')) throw new Error('lossLab.task not written');
    });

    await test('Show Output shows the Loss Lab channel with its timings', async () => {
      await runCommand(page, 'Loss Lab: Show Output');
      await page.locator('.view-lines', { hasText: /(analysed|checked)\s.+\sin\s\d+\sms/ }).first().waitFor({ timeout: 15_000 });
      const errors = await page.locator('.view-lines', { hasText: /\[error\]\s/ }).count();
      if (errors > 0) throw new Error('the output channel shows an [error] line');
      await page.screenshot({ path: path.join(results, 'workbench-output.png') });
    });
  } finally {
    await browser?.close();
    server?.stop();
    fs.rmSync(profile.dir, { recursive: true, force: true });
  }

  // An untrusted folder: workspace trust on, and the user answers "No" in the trust dialog.
  const untrustedProfile = makeProfile();
  try {
    installExtension(untrustedProfile, vsix);
    const folder = workspaceCopy();
    server = await startCodeServer(untrustedProfile, folder, { workspaceTrust: true });
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await test('untrusted: the panel shows one message with a working Manage Workspace Trust button, and no charts', async () => {
      await page.locator('.monaco-button', { hasText: /No, I don.t trust the authors/ }).first().click({ timeout: 30_000 });
      await openFile(page, 'article.js');
      await page.locator('.view-line', { hasText: 'export function meanSquaredError' }).first().click();
      await runCommand(page, 'Loss Lab: Open Preview');
      const frame = await panelFrame(page);
      await frame.locator('#loss-name', { hasText: 'meanSquaredError' }).waitFor({ timeout: 30_000 });
      const shown = await frame.evaluate(() => {
        const visible = (e) => !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
        const mentions = [...document.querySelectorAll('body *')].filter((e) => visible(e) && e.children.length === 0 && /not trusted/.test(e.textContent ?? '')).length;
        const charts = [...document.querySelectorAll('canvas')].filter(visible).length;
        const enabled = [...document.querySelectorAll('button')].filter((b) => visible(b) && !b.disabled).map((b) => b.textContent);
        return { mentions, charts, enabled };
      });
      await page.screenshot({ path: path.join(results, 'workbench-untrusted-panel.png') });
      if (shown.mentions !== 1) throw new Error(`the trust message is shown ${shown.mentions} times`);
      if (shown.charts !== 0) throw new Error(`${shown.charts} charts drawn in an untrusted workspace`);
      if (shown.enabled.join() !== 'Manage Workspace Trust') throw new Error(`enabled buttons: ${shown.enabled.join(', ')}`);
      await frame.locator('button', { hasText: 'Manage Workspace Trust' }).click();
      await page.locator('.tab.active', { hasText: 'Workspace Trust' }).waitFor({ timeout: 15_000 });
    });
  } finally {
    await browser?.close();
    server?.stop();
    fs.rmSync(untrustedProfile.dir, { recursive: true, force: true });
  }
  return outcomes;
}
