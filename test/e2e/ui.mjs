// UI tests: a user's session in the real workbench with the packaged .vsix installed. Each test
// returns [name, ok, detail]; screenshots go to test-results/.
import * as fs from 'node:fs';
import * as path from 'node:path';

async function runCommand(page, title) {
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

async function openFile(page, name) {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget:not(.hidden) input', { timeout: 10_000 });
  await page.keyboard.type(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 10_000 });
}

export async function runUiTests({ vsix, results, launchBrowser, workspaceCopy, makeProfile, installExtension, startCodeServer }) {
  const outcomes = [];
  const test = async (name, body) => {
    const started = performance.now();
    try {
      const detail = await body();
      outcomes.push([name, true, detail ?? `${Math.round(performance.now() - started)} ms`]);
    } catch (error) {
      outcomes.push([name, false, String(error?.message ?? error).split('\n')[0]]);
    }
  };
  const profile = makeProfile();
  const workspace = workspaceCopy();
  let server;
  let browser;
  try {
    await test('the .vsix installs into code-server', async () => {
      const started = performance.now();
      installExtension(profile, vsix);
      const installed = fs.readdirSync(profile.extensions).filter((d) => d.startsWith('loss-lab.loss-lab'));
      if (installed.length !== 1) throw new Error(`installed: ${installed.join(', ') || 'nothing'}`);
      return `${(fs.statSync(vsix).size / 1024 / 1024).toFixed(2)} MB, installed in ${Math.round(performance.now() - started)} ms`;
    });
    server = await startCodeServer(profile, workspace);
    browser = await launchBrowser();
    const page = await browser.newPage();
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

    await test('the Check CodeLens runs the checks and reports them', async () => {
      await page.locator('.codelens-decoration a', { hasText: /^Check$/ }).first().click();
      const toast = page.locator('.notification-toast', { hasText: /Loss Lab: all checks pass for meanSquaredError/ });
      await toast.waitFor({ timeout: 60_000 });
      await runCommand(page, 'Testing: Focus on Test Explorer View');
      await page.locator('.test-explorer .monaco-list-row', { hasText: 'article.js' }).first().waitFor({ timeout: 15_000 });
      await page.waitForTimeout(1000);
      await page.screenshot({ path: path.join(results, 'workbench-codelens-testing.png') });
    });

    await test('the Preview CodeLens opens the panel beside the editor', async () => {
      await page.locator('.codelens-decoration a', { hasText: /^Preview$/ }).first().click();
      await page.locator('.tab', { hasText: 'Loss Lab: ' }).first().waitFor({ timeout: 15_000 });
      await page.waitForTimeout(1000);
      await page.screenshot({ path: path.join(results, 'workbench-preview.png') });
    });
  } finally {
    await browser?.close();
    server?.stop();
    fs.rmSync(profile.dir, { recursive: true, force: true });
  }
  return outcomes;
}
