// The workbench tests: the integration suite inside a real VS Code extension host (code-server,
// loaded with ?payload=extensionDevelopmentPath/extensionTestsPath as @vscode/test-web does), in a
// trusted and an untrusted folder; then UI tests that drive the workbench with the packaged .vsix
// installed, and keep screenshots in test-results/.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { installCodeServer, installExtension, makeProfile, startCodeServer } from '../../scripts/code-server.mjs';
import { launchBrowser, workspaceCopy } from './browser.mjs';
import { runStartTest } from './start.mjs';
import { runUiTests } from './ui.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const RESULTS = path.join(ROOT, 'test-results');

async function buildSuite() {
  await esbuild.build({
    entryPoints: ['test/e2e/suite/index.ts', 'test/e2e/suite/extension.vscode.test.ts', 'test/e2e/suite/stalls.vscode.test.ts'],
    absWorkingDir: ROOT,
    outdir: path.join(ROOT, 'dist', 'test', 'suite'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
}

async function runSuite({ trusted }) {
  const workspace = workspaceCopy();
  const profile = makeProfile();
  const server = await startCodeServer(profile, workspace, { workspaceTrust: !trusted });
  const browser = await launchBrowser();
  const lines = [];
  let suiteStarted = false;
  try {
    const page = await browser.newPage();
    page.on('console', async (message) => {
      // The workbench logs the extension host's console as ['%c INFO', 'color: …', format, ...args].
      const args = (await Promise.all(message.args().map((a) => a.jsonValue().catch(() => '')))).map(String);
      if (!/^%c\s+(INFO|ERR|WARN)/.test(args[0] ?? '')) return;
      const [format = '', ...rest] = args.slice(2);
      let i = 0;
      const text = format.replace(/%[sdoOc]/g, () => (i < rest.length ? (rest[i++] ?? '') : '')) + (i < rest.length ? ` ${rest.slice(i).join(' ')}` : '');
      // Everything the suite prints, from its title on: results, and a failure's message and stack.
      if (/Loss Lab in VS Code|the extension host with/.test(text)) suiteStarted = true;
      if (suiteStarted && !/open-vsx\.org|^\s*at .*workbench\.js/.test(text)) lines.push(text.trimEnd());
    });
    const exit = new Promise((resolve) => page.exposeFunction('codeAutomationExit', (code, logs) => { if (process.env.E2E_DEBUG) fs.writeFileSync(path.join(RESULTS, 'exit.json'), JSON.stringify({ code, logs }).slice(0, 20000)); resolve(code); }));
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', `vscode-remote://remote${ROOT}`],
      ['extensionTestsPath', `vscode-remote://remote${path.join(ROOT, 'dist', 'test', 'suite', 'index.js')}`],
    ]);
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
    // Without --disable-workspace-trust the folder starts untrusted; VS Code's test mode refuses the
    // trust dialog, so it stays untrusted for the suite, which checks that itself.
    const timer = new Promise((resolve) => setTimeout(() => resolve('timeout'), 240_000).unref());
    const code = await Promise.race([exit, timer]);
    await page.screenshot({ path: path.join(RESULTS, `integration-${trusted ? 'trusted' : 'untrusted'}.png`) });
    return { code, lines };
  } finally {
    await browser.close();
    server.stop();
    fs.rmSync(profile.dir, { recursive: true, force: true });
  }
}

async function main() {
  fs.mkdirSync(RESULTS, { recursive: true });
  installCodeServer();
  await buildSuite();
  let failed = false;
  let suitePassed = 0;
  let suiteFailed = 0;
  const suites = process.env.E2E_ONLY === 'ui' ? [] : process.env.E2E_ONLY === 'trusted' ? [true] : [true, false];
  for (const trusted of suites) {
    const started = performance.now();
    const { code, lines } = await runSuite({ trusted });
    console.log(`\nintegration suite, ${trusted ? 'trusted' : 'untrusted'} folder (${((performance.now() - started) / 1000).toFixed(0)} s):`);
    console.log(lines.filter((l) => !/open-vsx\.org/.test(l)).map((l) => `  ${l}`).join('\n'));
    const count = (word) => Number(lines.map((l) => new RegExp(`(\\d+) ${word}`).exec(l)?.[1]).find((n) => n !== undefined) ?? 0);
    suitePassed += count('passing');
    suiteFailed += count('failing') + (code !== 0 && count('failing') === 0 ? 1 : 0);
    if (code !== 0) {
      console.log(`  the suite ended with ${code}`);
      failed = true;
    }
  }
  // E2E_VSIX: the UI tests against another build (an older one, to see a new test fail there).
  const vsix = process.env.E2E_VSIX ?? path.join(ROOT, 'loss-lab.vsix');
  if (!fs.existsSync(vsix)) throw new Error('loss-lab.vsix is missing: run npm run package first');
  // E2E_SKIP_UI: the integration suite alone (with E2E_GREP, one test of it).
  if (process.env.E2E_SKIP_UI) {
    process.exitCode = failed ? 1 : 0;
    return;
  }
  const ui = await runUiTests({ vsix, results: RESULTS, launchBrowser, workspaceCopy, makeProfile, installExtension, startCodeServer });
  if (!process.env.E2E_UI_ONLY) ui.push(await runStartTest({ launchBrowser }));
  for (const [name, ok, detail] of ui) console.log(`  ${ok ? '✔' : '✗'} UI: ${name}${detail ? ` (${detail})` : ''}`);
  failed ||= ui.some(([, ok]) => !ok);
  const passed = ui.filter(([, ok]) => ok).length;
  console.log(`\nworkbench: ${suitePassed + passed} passed, ${suiteFailed + ui.length - passed} failed`);
  process.exitCode = failed ? 1 : 0;
}

await main();
