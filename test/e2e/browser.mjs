// Debian's Chromium for the workbench tests and the screenshots, and a scratch copy of examples/.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchBrowser(viewport = { width: 1400, height: 900 }) {
  return chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lab-chromium-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport,
    args: CHROMIUM_ARGS,
  });
}

/** A copy of examples/: the tests edit files, the repository's stay as they are. */
export function workspaceCopy() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lab-workspace-'));
  fs.cpSync(path.join(ROOT, 'examples'), dir, { recursive: true });
  return dir;
}
