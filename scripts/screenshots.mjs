// The README's editor screenshots (media/screenshot-editor-*.png): the packaged .vsix in a real VS
// Code (code-server), in the light and dark default themes and in a narrow window, on examples/.
// The panel's screenshots come from its page tests (npm run test:webview → test-results/webview-*.png).
//   npm run package && node scripts/screenshots.mjs
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchBrowser, workspaceCopy } from '../test/e2e/browser.mjs';
import { openFile, panelFrame, runCommand } from '../test/e2e/ui.mjs';
import { installCodeServer, installExtension, makeProfile, startCodeServer } from './code-server.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const MEDIA = path.join(ROOT, 'media');
const SHOTS = [
  { name: 'light', theme: 'Default Light Modern', width: 1400, height: 900 },
  { name: 'dark', theme: 'Default Dark Modern', width: 1400, height: 900 },
  { name: 'narrow', theme: 'Default Light Modern', width: 1000, height: 800 },
];

installCodeServer();
for (const shot of SHOTS) {
  const profile = makeProfile({ 'workbench.colorTheme': shot.theme, 'window.autoDetectColorScheme': false });
  installExtension(profile, path.join(ROOT, 'loss-lab.vsix'));
  const workspace = workspaceCopy();
  const server = await startCodeServer(profile, workspace);
  const browser = await launchBrowser({ width: shot.width, height: shot.height });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await openFile(page, 'article.js');
    await page.locator('.squiggly-error').first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Control+Shift+M');
    // The Testing view finds the workspace's other loss files (and their diagnostics) in the background.
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'bugs.ts' }).first().waitFor({ timeout: 30_000 }).catch(() => undefined);
    // The Huber loss: its checks run, and its LL200 keeps it from reading as passed.
    await page.locator('.codelens-decoration a', { hasText: /^Check$/ }).nth(2).click();
    await page.locator('.notification-toast', { hasText: /huberLossWithThreshold: / }).waitFor({ timeout: 60_000 });
    await runCommand(page, 'Testing: Focus on Test Explorer View');
    await page.locator('.test-explorer .monaco-list-row', { hasText: 'article.js' }).first().click();
    await page.keyboard.press('ArrowRight');
    await page.locator('.codelens-decoration a', { hasText: /^Preview$/ }).nth(2).click();
    const frame = await panelFrame(page);
    await frame.locator('#gradcheck-status.pass, #gradcheck-status.warn, #gradcheck-status.fail').waitFor({ timeout: 60_000 });
    // Back to the code at its first column: the long inline messages would scroll it sideways.
    await page.locator('.view-line', { hasText: 'The losses of the article' }).first().click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+Home');
    await page.waitForTimeout(1500);
    const file = path.join(MEDIA, `screenshot-editor-${shot.name}.png`);
    await page.screenshot({ path: file });
    console.log(`${path.relative(ROOT, file)}: ${(fs.statSync(file).size / 1024).toFixed(0)} KB`);
  } finally {
    await browser.close();
    server.stop();
    fs.rmSync(profile.dir, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}
