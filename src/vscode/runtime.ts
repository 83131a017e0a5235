// Running losses from the editor: only in a trusted workspace, in the runner's child processes, with
// the settings' seed, timeout and reference. Results are kept per document for the status bar.
import * as vscode from 'vscode';
import type { LossInfo } from '../core/analyze';
import type { CheckResult } from '../core/report';
import { checkFileLosses } from '../core/run/check-file';
import { bundleOffThread } from '../core/run/bundler-thread';
import { LossRunner } from '../core/run/runner';
import { analysisPath } from './documents';
import type { Log } from './log';
import type { Notices } from './notices';
import { readSettings } from './settings';

export type CheckResults = Map<string, CheckResult[]>;

export class LossRuntime implements vscode.Disposable {
  private runner: LossRunner | undefined;
  private readonly results = new Map<string, CheckResults>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly dropped = new vscode.EventEmitter<vscode.Uri>();
  /** New results for a document, or its results dropped. */
  readonly onDidCheck = this.changed.event;
  /** A document's results no longer describe its text (an edit, File: Revert). */
  readonly onDidDrop = this.dropped.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly log: Log, private readonly notices: Notices) {
    this.subscription = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) this.drop(e.document.uri);
    });
  }

  /** Forgets a document's results: they describe a text that is gone. */
  private drop(uri: vscode.Uri): void {
    if (!this.results.delete(uri.toString())) return;
    this.dropped.fire(uri);
    this.changed.fire(uri);
  }

  /** Whether code may run here; if not, says so once, with a way to change it. */
  mayRun(): boolean {
    if (vscode.workspace.isTrusted) return true;
    this.log.info('a run was refused: the workspace is not trusted');
    void this.notices
      .show('warning', 'runs losses only in a trusted workspace. Static analysis still works here.', 'Manage Workspace Trust')
      .then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
    return false;
  }

  /** `runModule`: the analysis's slice of a training script, run in place of the document's text. */
  async check(doc: vscode.TextDocument, losses: readonly LossInfo[], token?: vscode.CancellationToken, runModule?: string): Promise<CheckResults> {
    if (!this.mayRun() || losses.length === 0) return new Map();
    const settings = readSettings();
    const version = doc.version;
    this.runner ??= new LossRunner({ timeoutMs: settings.timeoutMs });
    // One bundle for all the file's losses; each loss then runs in the warm worker.
    const results = await checkFileLosses(this.runner, analysisPath(doc), runModule ?? doc.getText(), losses, {
      seed: settings.seed,
      timeoutMs: settings.timeoutMs,
      batch: settings.batchSize,
      sourceText: doc.getText(),
      // esbuild-wasm compiles for hundreds of milliseconds: never on the extension host's thread.
      bundler: bundleOffThread,
      // auto may fall back to another preset when the loss does not run on the first it chose.
      task: settings.task,
      ...(settings.reference ? { reference: settings.reference } : {}),
      cancelled: () => token?.isCancellationRequested ?? false,
      onLoss: (name, checks, ms) => {
        const failed = checks.filter((c) => c.status === 'fail').map((c) => c.id);
        this.log.info(`checked ${name} in ${Math.round(ms)} ms: ${failed.length ? `failed ${failed.join(', ')}` : 'all passed'}`);
      },
      // What the file's code printed (console.log while debugging a loss); its process keeps the last 8 KB.
      onOutput: (output) => {
        const dropped = output.dropped > 0 ? ` (${output.dropped.toLocaleString('en-US')} characters before these were dropped)` : '';
        this.log.info(`${vscode.workspace.asRelativePath(doc.uri)} printed${dropped}:\n${output.text.slice(-2000)}`);
      },
    });
    // Results of a text that changed while they ran describe nothing on screen: not kept.
    if (doc.version !== version) return results;
    const key = doc.uri.toString();
    this.results.set(key, new Map([...(this.results.get(key) ?? []), ...results]));
    this.changed.fire(doc.uri);
    return results;
  }

  resultsFor(uri: vscode.Uri): CheckResults | undefined {
    return this.results.get(uri.toString());
  }

  dispose(): void {
    void this.runner?.dispose();
    this.subscription.dispose();
    this.changed.dispose();
    this.dropped.dispose();
  }
}
