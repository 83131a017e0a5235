// `npm start -- --trust` as a user runs it: on a busy port it says which one it took instead, and
// VS Code asks whether to trust examples/ (trust stays on). Returns [name, ok, detail].
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

export async function runStartTest({ launchBrowser }) {
  const name = 'npm start -- --trust keeps workspace trust on, and says when the port it wanted is busy';
  const busy = net.createServer();
  await new Promise((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const wanted = busy.address().port;
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs'), '--trust'], { cwd: ROOT, env: { ...process.env, PORT: String(wanted) }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  let browser;
  try {
    const deadline = Date.now() + 120_000;
    while (!/running in VS Code at (\S+)/.test(output)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not start (exit ${child.exitCode}): ${output.slice(-500)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    if (!new RegExp(`Port ${wanted} is busy: using \\d+ instead`).test(output)) throw new Error(`no word about the busy port: ${output}`);
    const url = /running in VS Code at (\S+)/.exec(output)[1];
    browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(url);
    await page.locator('.monaco-button', { hasText: /No, I don.t trust the authors/ }).first().waitFor({ timeout: 60_000 });
    return [name, true, `asked for trust; ${/Port .*instead/.exec(output)?.[0]}`];
  } catch (error) {
    return [name, false, String(error?.message ?? error).split('\n')[0]];
  } finally {
    await browser?.close();
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    busy.close();
  }
}
