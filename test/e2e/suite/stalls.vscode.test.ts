// The extension host's event loop while a 1 MB file with 3,000 losses opens, is edited and is
// checked (static analysis with types): no stall over 100 ms. The suite runs inside the extension
// host, so perf_hooks measures the very loop the extension shares with every other extension.
import * as assert from 'assert';
import * as fs from 'fs';
import { monitorEventLoopDelay } from 'perf_hooks';
import * as vscode from 'vscode';

const LOSSES = 3000;
const STALL_MS = 100;

/** 3,000 losses in about 1 MB: clean ones and ones with findings (LL200, LL201), as a generated module might hold. */
function bigModule(): string {
  const parts = ["import * as tf from '@tensorflow/tfjs';\n"];
  for (let i = 0; i < LOSSES; i++) {
    const body =
      i % 3 === 0
        ? `  const err = tf.sub(yTrue, yPred);\n  if (err) { return tf.mean(tf.square(err)); }\n  return tf.mean(tf.abs(err));`
        : i % 3 === 1
          ? `  const scale = ${i}.5;\n  return tf.mean(tf.mul(tf.square(tf.sub(yTrue, yPred)), tf.scalar(scale / ${i + 1})));`
          : `  const e = yTrue - yPred;\n  return tf.mean(tf.square(tf.sub(yTrue, yPred)).mul(${i % 7}));`;
    parts.push(`/**\n * Loss number ${i}: generated to measure the editor's work per file. It says what\n * the loss is for and where its constants come from.\n */\nexport function loss${i}(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {\n${body}\n}\n`);
  }
  return parts.join('\n');
}

function lossLabDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Loss Lab');
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the extension host with a 1 MB file of 3,000 losses', function () {
  this.timeout(300_000);

  it(`never stalls the event loop over ${STALL_MS} ms while it opens, is edited and is checked`, async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder is open');
    const uri = vscode.Uri.joinPath(folder.uri, 'generated-losses.ts');
    fs.writeFileSync(uri.fsPath, bigModule());
    // Let the workbench settle (the file watcher sees the new file) before measuring.
    await new Promise((r) => setTimeout(r, 2000));

    const histogram = monitorEventLoopDelay({ resolution: 10 });
    const stalls: number[] = [];
    let last = performance.now();
    const drift = setInterval(() => {
      const now = performance.now();
      if (now - last - 20 > STALL_MS) stalls.push(Math.round(now - last - 20));
      last = now;
    }, 20);
    histogram.enable();
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      const editor = await vscode.window.showTextDocument(doc);
      await waitFor('the lints of the big file', () => lossLabDiagnostics(uri).length > 0);
      await editor.edit((edit) => edit.insert(new vscode.Position(1, 0), '// an edit\n'));
      await waitFor('diagnostics after the edit', () => lossLabDiagnostics(uri).some((d) => d.range.start.line > 2));
      // The static check: the analysis with TypeScript's types, after typing pauses, and the command.
      editor.revealRange(new vscode.Range(20_000, 0, 20_000, 0), vscode.TextEditorRevealType.InCenter);
      await new Promise((r) => setTimeout(r, 8000));
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      histogram.disable();
      clearInterval(drift);
      fs.rmSync(uri.fsPath, { force: true });
    }
    const maxMs = histogram.max / 1e6;
    console.log(`LOSS_LAB_STALLS max=${maxMs.toFixed(0)}ms p99=${(histogram.percentile(99) / 1e6).toFixed(0)}ms over${STALL_MS}=${stalls.length} [${stalls.join(', ')}]`);
    assert.deepStrictEqual(stalls, [], `stalls over ${STALL_MS} ms (ms past the timer's period)`);
  });
});
