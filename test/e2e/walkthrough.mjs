// The "Get Started with Loss Lab" walkthrough in the workbench: it opens from the palette; its
// buttons open the example (which Loss Lab analyses) and check it, and each marks its step done.
import * as path from 'node:path';
import { runCommand } from './ui.mjs';

export async function walkthroughOpensAndCompletesAStep(page, results) {
  await runCommand(page, 'Welcome: Open Walkthrough...');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get Started with Loss Lab' }).first().click({ timeout: 10_000 });
  const container = page.locator('.gettingStartedContainer');
  await container.locator('h2', { hasText: 'Get Started with Loss Lab' }).first().waitFor({ timeout: 15_000 });
  const step = container.locator('[data-step-id$="#openExample"]').first();
  await step.waitFor({ timeout: 10_000 });
  // The step's check box: a codicon whose aria-checked says whether the step is done.
  const checkbox = container.locator('[data-done-step-id$="#openExample"]').first();
  if ((await checkbox.getAttribute('aria-checked')) !== 'false') throw new Error('the first step is done before anything was done');
  await step.click();
  // The step's media: its markdown, rendered beside the steps (in a webview: nested frames).
  await markdownShows(page, 'An example loss');
  await step.locator('.button-link, a', { hasText: 'Open the Example' }).first().click({ timeout: 10_000 });
  await page.locator('.tab', { hasText: /^lossLabExample\.ts/ }).first().waitFor({ timeout: 15_000 });
  // Loss Lab analyses the unsaved example: its LL200 squiggle.
  await page.locator('.squiggly-error').first().waitFor({ timeout: 30_000 });
  await container.locator('[data-done-step-id$="#openExample"][aria-checked="true"]').first().waitFor({ timeout: 15_000 });
  // The walkthrough, its first step done, for a look: the example opened beside it.
  await page.locator('.tab', { hasText: 'Walkthrough' }).first().click();
  await page.screenshot({ path: path.join(results, 'workbench-walkthrough.png') });
  const done = await container.locator('[data-done-step-id][aria-checked="true"]').count();
  if (done !== 1) throw new Error(`${done} steps are done after one`);

  // A step whose button runs an editor command on the example while the walkthrough has focus.
  await container.locator('[data-step-id$="#check"]').first().click();
  await container.locator('[data-step-id$="#check"] .button-link, [data-step-id$="#check"] a', { hasText: 'Check the Example' }).first().click({ timeout: 10_000 });
  await page.locator('.notification-toast', { hasText: /Loss Lab: huberLoss: / }).first().waitFor({ timeout: 90_000 });
  await container.locator('[data-done-step-id$="#check"][aria-checked="true"]').first().waitFor({ timeout: 15_000 });
  await closeBoth(page);
  return 'Open the Example and Check the Example each did their step';
}

async function markdownShows(page, heading) {
  for (let i = 0; i < 75; i++) {
    for (const frame of page.frames()) {
      if (await frame.locator('h1', { hasText: heading }).count().catch(() => 0)) return;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`the step's markdown "${heading}" did not show`);
}

/** The next tests start where they would have: the example dropped unsaved, the walkthrough closed, the first group focused. */
async function closeBoth(page) {
  await page.locator('.tab', { hasText: /^lossLabExample\.ts/ }).first().click();
  await runCommand(page, 'View: Revert and Close Editor');
  await page.locator('.tab', { hasText: 'Walkthrough' }).first().locator('.codicon-close').click();
  await page.locator('.tab', { hasText: /Walkthrough|lossLabExample\.ts/ }).first().waitFor({ state: 'detached', timeout: 10_000 });
  await runCommand(page, 'View: Focus First Editor Group');
}
