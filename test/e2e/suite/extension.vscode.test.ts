// Integration tests in a real VS Code: the extension as users get it, against the VS Code API.
// The workspace is a copy of examples/ (test/e2e/run.mjs makes it); trust is decided by the run.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { CHECK_IDS } from '../../../src/core/report';
import type { LossLabApi } from '../../../src/vscode/extension';

const EXTENSION_ID = 'loss-lab.loss-lab';

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function lossLabDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Loss Lab');
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

function fileUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

describe('Loss Lab in VS Code', () => {
  let api: LossLabApi;

  before(async () => {
    const extension = vscode.extensions.getExtension<LossLabApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    api = await extension.activate();
  });

  it('activates quickly, without loading TypeScript or tfjs', () => {
    // Reported for the closing figures; the benchmark, not this test, judges speed.
    console.log(`LOSS_LAB_ACTIVATION_MS=${api.activationMs.toFixed(2)}`);
    assert.ok(api.activationMs >= 0);
  });

  it('shows diagnostics on the right ranges, and follows unsaved edits', async () => {
    const uri = fileUri('article.js');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const ll200 = await waitFor('LL200 on withinThreshold', () => lossLabDiagnostics(uri).find((d) => codeOf(d) === 'LL200'));
    assert.strictEqual(doc.getText(ll200.range), 'withinThreshold');
    assert.strictEqual(ll200.severity, vscode.DiagnosticSeverity.Error);
    assert.match(String((ll200.code as { target: vscode.Uri }).target), /README\.md#L\d+$/, 'the code links to the README');

    const end = doc.lineAt(doc.lineCount - 1).range.end;
    await editor.edit((edit) => edit.insert(end, '\nexport const mathLog = (yTrue, yPred) => tf.mean(Math.log(yPred));\n'));
    const ll202 = await waitFor('LL202 after the edit', () => lossLabDiagnostics(uri).find((d) => codeOf(d) === 'LL202'));
    assert.strictEqual(doc.getText(ll202.range), 'Math.log(yPred)');
    assert.ok(doc.isDirty, 'analysed without saving');
    await vscode.commands.executeCommand('undo');
    await waitFor('LL202 gone after undo', () => !lossLabDiagnostics(uri).some((d) => codeOf(d) === 'LL202'));
  });

  it('puts Check, Preview, Gradient check and Train above each loss', async () => {
    const uri = fileUri('article.js');
    const lenses = await waitFor('CodeLenses', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return found && found.length >= 16 ? found : undefined;
    });
    const titles = lenses.filter((l) => l.range.start.line === 12).map((l) => l.command?.title);
    assert.deepStrictEqual(titles, ['Check', 'Preview', 'Gradient check', 'Train']);
    const commands = await vscode.commands.getCommands(true);
    for (const lens of lenses) assert.ok(commands.includes(lens.command?.command ?? ''), lens.command?.command);
  });

  it('offers quick fixes that apply as one undoable edit', async () => {
    const uri = fileUri('bugs.ts');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const ll204 = await waitFor('LL204', () => lossLabDiagnostics(uri).find((d) => codeOf(d) === 'LL204'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, ll204.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => /greaterEqual/.test(a.title));
    assert.ok(fix?.edit, `a greaterEqual fix among ${actions.map((a) => a.title).join(', ')}`);
    const before = doc.getText();
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.getText(), /tf\.greaterEqual\(1, err\)/);
    await waitFor('LL204 gone after the fix', () => !lossLabDiagnostics(uri).some((d) => codeOf(d) === 'LL204'));
    await vscode.commands.executeCommand('undo');
    assert.strictEqual(doc.getText(), before, 'undo restores the file');
  });

  it('offers the LL200 quick fix in a file with no tf import, and adds the import in the same edit', async () => {
    // The article's snippet as readers paste it: no import line.
    const uri = fileUri('no-import.js');
    const source = 'export function huber(t = 1.0) {\n  return (yTrue, yPred) => {\n    const error = yTrue.sub(yPred);\n    const within = error.abs().lessEqual(t);\n    if (within) {\n      return error.square().mul(0.5);\n    }\n    return error.abs().mul(t).sub(0.5 * t * t);\n  };\n}\n';
    await vscode.workspace.fs.writeFile(uri, Buffer.from(source));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const ll200 = await waitFor('LL200 without an import', () => lossLabDiagnostics(uri).find((d) => codeOf(d) === 'LL200'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, ll200.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => /where/.test(a.title));
    assert.ok(fix?.edit, `a tf.where fix among [${actions.map((a) => a.title).join(', ')}]`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.getText(), /^import \* as tf from '@tensorflow\/tfjs';\n/);
    assert.match(doc.getText(), /return tf\.where\(within, /);
    await waitFor('LL200 gone after the fix', () => !lossLabDiagnostics(uri).some((d) => codeOf(d) === 'LL200'));
    await vscode.commands.executeCommand('undo');
    assert.strictEqual(doc.getText(), source, 'one undo restores the file');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  if (vscode.workspace.isTrusted) {
    it('never rounds up: warn stays warn, skip stays skip, and no "checks pass" beside an error in the code', async () => {
      const uri = fileUri('article.js');
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      await waitFor('LL200 on the Huber loss', () => lossLabDiagnostics(uri).find((d) => codeOf(d) === 'LL200'));
      const results = await vscode.commands.executeCommand<Record<string, Array<{ id: string; status: string }>>>('lossLab.checkLoss', uri, 'huberLossWithThreshold');
      const checks = results.huberLossWithThreshold ?? [];
      assert.ok(checks.length > 0, 'the checks ran');
      const notice = api.notices[api.notices.length - 1] ?? '';
      assert.doesNotMatch(notice, /all checks pass/, notice);
      assert.match(notice, /huberLossWithThreshold: .*1 error in the code \(LL200\)/, notice);
      const warned = checks.filter((c) => c.status === 'warn').length;
      if (warned > 0) assert.match(notice, new RegExp(`${warned} warn`), notice);
      // The Testing view: the loss is not shown as passed while its code has an error.
      assert.strictEqual(api.testState(`${uri.toString()}#huberLossWithThreshold`), 'failed');
      for (const check of checks) assert.strictEqual(api.testState(`${uri.toString()}#huberLossWithThreshold#${check.id}`), { pass: 'passed', warn: 'passed (warn)', fail: 'failed', skip: 'skipped' }[check.status], check.id);
    });

    it('counts in the status bar only the losses that ran ("1 of 4 checked")', async () => {
      // The article's four losses in a file of their own: no other test has checked any of them.
      const uri = fileUri('status.js');
      await vscode.workspace.fs.writeFile(uri, await vscode.workspace.fs.readFile(fileUri('article.js')));
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      await waitFor('LL200 in status.js', () => lossLabDiagnostics(uri).find((d) => codeOf(d) === 'LL200'));
      await vscode.commands.executeCommand('lossLab.checkLoss', uri, 'meanSquaredError');
      const text = await waitFor('the status bar', () => (/\d+ of \d+ checked/.test(api.statusText()) ? api.statusText() : undefined));
      assert.match(text, /1 of 4 checked/, text);
      assert.doesNotMatch(text, /checks pass/, text);
      assert.match(text, /\d+ errors? in the code/, text);
    });

    it('drops check results when the text changes: results belong to a text version', async () => {
      const uri = fileUri('article.js');
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      await vscode.commands.executeCommand('lossLab.checkLoss', uri, 'meanSquaredError');
      assert.ok(api.resultsFor(uri)?.has('meanSquaredError'), 'results after the check');
      assert.strictEqual(api.testState(`${uri.toString()}#meanSquaredError`), 'passed');
      await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '// an edit\n'));
      await waitFor('results dropped after an edit', () => api.resultsFor(uri) === undefined);
      await waitFor('the Testing state dropped', () => api.testState(`${uri.toString()}#meanSquaredError`) === 'unset');
      assert.doesNotMatch(api.statusText(), /\d+ of \d+ checked/, api.statusText());
      await vscode.commands.executeCommand('lossLab.checkLoss', uri, 'meanSquaredError');
      assert.strictEqual(api.testState(`${uri.toString()}#meanSquaredError`), 'passed');
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await waitFor('results dropped after File: Revert', () => api.resultsFor(uri) === undefined && api.testState(`${uri.toString()}#meanSquaredError`) === 'unset');
    });

    it('runs the checks from the Check command, and lists losses and checks in the Testing view', async () => {
      // A file of its own: the other tests edit theirs.
      const uri = fileUri('testing.js');
      const source = "import * as tf from '@tensorflow/tfjs';\n\nexport const mse = (yTrue, yPred) => tf.mean(tf.square(tf.sub(yTrue, yPred)), -1);\n\nexport function huber(delta = 1) {\n  return (yTrue, yPred) => tf.mean(tf.losses.huberLoss(yTrue, yPred, undefined, delta, tf.Reduction.NONE), -1);\n}\n";
      await vscode.workspace.fs.writeFile(uri, Buffer.from(source));
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      const results = await vscode.commands.executeCommand<Record<string, Array<{ id: string; status: string }>>>('lossLab.checkFile', uri);
      assert.deepStrictEqual(Object.keys(results), ['mse', 'huber']);
      for (const [name, checks] of Object.entries(results)) {
        assert.ok(checks.length >= 15, `${name}: ${checks.length} checks`);
        assert.deepStrictEqual(checks.filter((c) => c.status === 'fail'), [], name);
      }
      const fileItem = api.testController.items.get(uri.toString());
      assert.ok(fileItem, 'the file is a test item');
      const names: string[] = [];
      fileItem.children.forEach((child) => names.push(child.label));
      assert.deepStrictEqual(names, ['mse', 'huber']);
      const mse = fileItem.children.get(`${uri.toString()}#mse`);
      assert.strictEqual(mse?.children.size, CHECK_IDS.length - 1, 'one child per check (reference only when set)');
      assert.strictEqual(mse?.range?.start.line, 2);
    });

    it('survives a loss that kills its process or blocks in a native call: each fails on its own, the editor goes on', async function () {
      this.timeout(120_000);
      const uri = fileUri('kills-its-process.js');
      const source =
        "const tf = require('@tensorflow/tfjs');\n\n" +
        'exports.killsItsProcess = (yTrue, yPred) => {\n  process.kill(process.pid);\n  return tf.mean(yPred);\n};\n\n' +
        "exports.blocks = (yTrue, yPred) => {\n  require('child_process').execSync('sleep 30');\n  return tf.mean(yPred);\n};\n\n" +
        'exports.mse = (yTrue, yPred) => tf.mean(tf.square(tf.sub(yTrue, yPred)), -1);\n';
      await vscode.workspace.fs.writeFile(uri, Buffer.from(source));
      try {
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
        const started = Date.now();
        const results = await vscode.commands.executeCommand<Record<string, Array<{ id: string; status: string; message: string }>>>('lossLab.checkFile', uri);
        assert.ok(Date.now() - started < 28_000, 'the native call was not waited for');
        assert.match(results.killsItsProcess?.find((c) => c.id === 'runs')?.message ?? '', /stopped by SIGTERM/);
        assert.strictEqual(results.blocks?.find((c) => c.id === 'timeout')?.status, 'fail');
        assert.deepStrictEqual((results.mse ?? []).filter((c) => c.status === 'fail'), [], 'the loss after them ran in a fresh process');
        // The extension host is the process the loss would have killed: it still answers.
        const again = await vscode.commands.executeCommand<Record<string, Array<{ status: string }>>>('lossLab.checkLoss', uri, 'mse');
        assert.ok((again.mse ?? []).length >= 15);
      } finally {
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
        await vscode.workspace.fs.delete(uri);
      }
    });

    it('checks the whole workspace: every loss file becomes a test item', async () => {
      await vscode.commands.executeCommand('lossLab.checkWorkspace');
      const files: string[] = [];
      api.testController.items.forEach((item) => files.push(vscode.workspace.asRelativePath(item.uri as vscode.Uri)));
      for (const name of ['article.js', 'bugs.ts', 'bugs.js', 'vae.js']) assert.ok(files.includes(name), `${name} in ${files.join(', ')}`);
      const summary = api.notices[api.notices.length - 1] ?? '';
      assert.match(summary, /^Loss Lab: Check Workspace: \d+ files, \d+ losses checked: \d+ failed/, summary);
      assert.match(summary, /\[Show in Testing\]$/, 'with a button to the Testing view');
    });
  } else {
    it('runs nothing in an untrusted folder, and says so; static analysis still works', async () => {
      const uri = fileUri('article.js');
      await waitFor('static diagnostics', () => lossLabDiagnostics(uri).find((d) => codeOf(d) === 'LL200'));
      const results = await vscode.commands.executeCommand<Record<string, unknown>>('lossLab.checkLoss', uri, 'meanSquaredError');
      assert.deepStrictEqual(results, {}, 'no check ran');
    });
  }
});
