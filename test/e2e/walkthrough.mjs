// The "Get Started with Loss Lab" walkthrough in the workbench: it opens from the palette, and its
// first step's button opens the example, which Loss Lab analyses, and marks the step done.
/* global document -- inside page.waitForFunction, which runs in the page */
import * as path from 'node:path';
import { runCommand } from './ui.mjs';

export async function walkthroughOpensAndCompletesAStep(page, results) {
  await runCommand(page, 'Welcome: Open Walkthrough...');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get Started with Loss Lab' }).first().click({ timeout: 10_000 });
  const container = page.locator('.gettingStartedContainer');
  await container.locator('h2', { hasText: 'Get Started with Loss Lab' }).first().waitFor({ timeout: 15_000 });
  const step = container.locator('[data-step-id$="#openExample"]').first();
  await step.waitFor({ timeout: 10_000 });
  if (await step.evaluate((el) => el.classList.contains('complete'))) throw new Error('the first step is done before anything was done');
  await step.click();
  // The step's media: its markdown, rendered beside the steps.
  await page.frameLocator('.gettingStartedContainer iframe').first().locator('h1', { hasText: 'An example loss' }).waitFor({ timeout: 15_000 });
  await step.locator('.button-link, a', { hasText: 'Open the Example' }).first().click({ timeout: 10_000 });
  await page.locator('.tab', { hasText: /^huberLoss\.ts/ }).first().waitFor({ timeout: 15_000 });
  // Loss Lab analyses the unsaved example: its LL200 squiggle.
  await page.locator('.squiggly-error').first().waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => document.querySelector('[data-step-id$="#openExample"]')?.classList.contains('complete'), undefined, { timeout: 15_000 });
  // The walkthrough, its first step done, for a look: the example opened beside it.
  await page.locator('.tab', { hasText: 'Get Started with Loss Lab' }).first().click();
  await page.screenshot({ path: path.join(results, 'workbench-walkthrough.png') });
  const done = await container.locator('.getting-started-step.complete').count();
  return `${done} of 6 steps done after one click`;
}
