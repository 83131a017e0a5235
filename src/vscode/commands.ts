// The palette commands ("Loss Lab: …") and the CodeLens commands, as small functions over the
// documents, the runtime and the Testing view.
import * as vscode from 'vscode';
import { findFilesInScope } from './file-scope';
import type { LossInfo } from '../core/analyze';
import { TASKS, type CheckResult } from '../core/report';
import { isLossDocument, type LossDocuments } from './documents';
import type { Log } from './log';
import type { Notices } from './notices';
import type { PreviewPanels } from './panel';
import { errorsOf, summarizeLoss } from './summary';
import type { LossTests } from './testing';
import { TEMPLATES } from '../core/templates';

export interface CommandDeps {
  documents: LossDocuments;
  tests: LossTests;
  log: Log;
  panels: PreviewPanels;
  notices: Notices;
}

/** The document and losses a command is about: CodeLens arguments, else the cursor or the file. */
async function target(deps: CommandDeps, uri: vscode.Uri | undefined, name: string | undefined, scope: 'cursor' | 'file'): Promise<{ doc: vscode.TextDocument; losses: LossInfo[] } | undefined> {
  const editor = vscode.window.activeTextEditor;
  const doc = uri ? await vscode.workspace.openTextDocument(uri) : editor?.document;
  if (!doc || !isLossDocument(doc)) {
    void vscode.window.showInformationMessage('Loss Lab: open a TypeScript or JavaScript file with a loss function first.');
    return undefined;
  }
  const analysis = await deps.documents.analysisOf(doc);
  let losses = analysis.losses;
  if (name !== undefined) losses = losses.filter((l) => l.name === name);
  else if (scope === 'cursor' && editor) {
    const line = editor.selection.active.line;
    losses = losses.filter((l) => l.range.start.line <= line && line <= l.range.end.line);
  }
  if (losses.length === 0) {
    void vscode.window.showInformationMessage(
      scope === 'cursor' ? 'Loss Lab: the cursor is not in a loss function.' : 'Loss Lab: no loss function in this file (an exported (yTrue, yPred) => tf.Tensor, or one tagged @loss).',
    );
    return undefined;
  }
  return { doc, losses };
}

/** Runs the checks, tells the user (warnings, skips and errors in the code included), and returns the results (loss name → checks). */
async function checkAndSummarize(deps: CommandDeps, doc: vscode.TextDocument, losses: LossInfo[], token?: vscode.CancellationToken): Promise<Record<string, CheckResult[]>> {
  const results = await deps.tests.runLosses(doc, losses, token);
  if (results.size === 0) return {};
  const analysis = await deps.documents.analysisOf(doc);
  const lines = [...results].map(([name, checks]) => {
    const loss = losses.find((l) => l.name === name);
    const errors = loss ? errorsOf(analysis, loss) : [];
    return { text: summarizeLoss(name, checks, errors), bad: errors.length > 0 || checks.some((c) => c.status === 'fail') };
  });
  const summary = lines.map((l) => l.text).join(' · ');
  deps.log.info(`Check: ${summary}`);
  void deps.notices
    .show(lines.some((l) => l.bad) ? 'warning' : 'info', summary, 'Show Results')
    .then((choice) => choice && vscode.commands.executeCommand('workbench.view.testing.focus'));
  return Object.fromEntries(results);
}

/** One line per task preset in the picker: what the sample tensors are. */
const TASK_DETAILS: Record<'auto' | (typeof TASKS)[number], string> = {
  auto: "From a @lossTask tag, else from what the loss does (log or clip to (0, 1): probabilities; reductions over axes 1–3: segmentation), else regression",
  regression: 'Real values: yTrue and yPred [6, 4], with large residuals among the boundary samples',
  binary: 'Labels 0 or 1 [6, 1] against probabilities in (0, 1), and exact 0 and 1 at the boundaries',
  categorical: 'One-hot labels [6, 5] against softmax rows',
  sparse: 'Integer class labels [6, 1] against softmax rows [6, 5]',
  segmentation: 'Masks [6, 16, 16, 1] against per-pixel probabilities',
};

/** untitled:<folder>/<name>.ts, with a number added while a file or an open editor has that name. */
export async function untitledFor(name: string): Promise<vscode.Uri> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  for (let n = 1; ; n++) {
    const file = `${name}${n === 1 ? '' : n}.ts`;
    const uri = folder ? vscode.Uri.joinPath(folder, file) : vscode.Uri.file(`/${file}`);
    const untitled = folder ? uri.with({ scheme: 'untitled' }) : vscode.Uri.from({ scheme: 'untitled', path: file });
    const open = vscode.workspace.textDocuments.some((d) => d.uri.toString() === untitled.toString() || d.uri.toString() === uri.toString());
    const exists = folder ? await vscode.workspace.fs.stat(uri).then(() => true, () => false) : false;
    if (!open && !exists) return untitled;
  }
}

export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
  const register = (id: string, run: (...args: never[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  };

  register('lossLab.checkLoss', async (uri?: vscode.Uri, name?: string) => {
    const found = await target(deps, uri, name, 'cursor');
    return found ? checkAndSummarize(deps, found.doc, found.losses) : {};
  });

  register('lossLab.checkFile', async (uri?: vscode.Uri) => {
    const found = await target(deps, uri, undefined, 'file');
    return found ? checkAndSummarize(deps, found.doc, found.losses) : {};
  });

  register('lossLab.gradientCheck', async (uri?: vscode.Uri, name?: string) => {
    const found = await target(deps, uri, name, 'cursor');
    if (!found) return;
    // The panel's gradient check, per element, at once; the host's checks and their verdict follow.
    deps.panels.show(found.doc, found.losses[0] as LossInfo, 'gradcheck');
    const results = await deps.tests.runLosses(found.doc, found.losses);
    for (const [loss, checks] of results) {
      const gradcheck = checks.find((c) => c.id === 'gradcheck') ?? checks.find((c) => c.status === 'fail');
      if (!gradcheck) continue;
      void deps.notices.show(gradcheck.status === 'fail' ? 'warning' : 'info', `${loss} ${gradcheck.id}: ${gradcheck.message}`);
    }
  });

  register('lossLab.checkWorkspace', () =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Loss Lab: checking the workspace', cancellable: true }, async (progress, token) => {
      const files = await findFilesInScope(500, token);
      const tally = { files: 0, losses: 0, failed: 0, warned: 0, errors: 0, looked: 0 };
      for (const uri of files) {
        if (token.isCancellationRequested) break;
        tally.looked++;
        progress.report({ message: vscode.workspace.asRelativePath(uri), increment: 100 / Math.max(files.length, 1) });
        const doc = await vscode.workspace.openTextDocument(uri);
        const analysis = await deps.documents.analysisOf(doc);
        if (analysis.losses.length === 0) continue;
        const results = await deps.tests.runLosses(doc, analysis.losses, token);
        tally.files++;
        for (const loss of analysis.losses) {
          const checks = results.get(loss.name);
          if (!checks) continue;
          tally.losses++;
          if (checks.some((c) => c.status === 'fail')) tally.failed++;
          else if (checks.some((c) => c.status === 'warn')) tally.warned++;
          if (errorsOf(analysis, loss).length > 0) tally.errors++;
        }
      }
      const cancelled = token.isCancellationRequested ? ` (cancelled after ${tally.looked} of ${files.length} files)` : '';
      const summary = `Check Workspace: ${tally.files} files, ${tally.losses} losses checked: ${tally.failed} failed, ${tally.warned} with warnings, ${tally.errors} with errors in the code${cancelled}`;
      deps.log.info(summary);
      // As the Testing view's own runs end: a summary with the way to the details.
      void deps.notices
        .show(tally.failed + tally.errors > 0 ? 'warning' : 'info', summary, 'Show in Testing')
        .then((choice) => choice && vscode.commands.executeCommand('workbench.view.testing.focus'));
      return tally;
    }),
  );

  register('lossLab.openPreview', async (uri?: vscode.Uri, name?: string) => {
    const found = await target(deps, uri, name, 'cursor');
    if (found) deps.panels.show(found.doc, found.losses[0] as LossInfo, 'curves');
  });

  register('lossLab.train', async (uri?: vscode.Uri, name?: string) => {
    const found = await target(deps, uri, name, 'cursor');
    if (found) deps.panels.show(found.doc, found.losses[0] as LossInfo, 'training');
  });

  register('lossLab.newLossFromTemplate', async () => {
    const picked = await vscode.window.showQuickPick(
      TEMPLATES.map((t) => ({ label: t.label, description: t.task, detail: t.detail, template: t })),
      { placeHolder: 'A loss to start from: every template passes every check' },
    );
    if (!picked) return;
    // An untitled editor named after the loss (focalLoss.ts), not after its first line.
    const name = /export (?:function|const) (\w+)/.exec(picked.template.body)?.[1] ?? 'loss';
    const doc = await vscode.workspace.openTextDocument(await untitledFor(name));
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), picked.template.body));
  });

  register('lossLab.selectTask', async () => {
    const current = vscode.workspace.getConfiguration('lossLab').get<string>('task', 'auto');
    const picked = await vscode.window.showQuickPick(
      (['auto', ...TASKS] as const).map((task) => ({ label: task, description: task === current ? 'current' : undefined, detail: TASK_DETAILS[task] })),
      { placeHolder: 'Task preset for the sample tensors (a @lossTask tag on a loss wins)' },
    );
    if (!picked) return;
    const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration('lossLab').update('task', picked.label, target);
    deps.documents.reanalyzeAll();
  });

  register('lossLab.showOutput', () => deps.log.show());
}
