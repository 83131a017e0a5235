// The status bar item: the active file's losses, how many of them were checked on this text and
// how that went, and the errors in their code.
import * as vscode from 'vscode';
import type { LossDocuments } from './documents';
import { FULL_ANALYSIS_MAX_CHARS, isLossDocument } from './documents';
import type { LossRuntime } from './runtime';
import { errorsOf, statusLine } from './summary';

export class LossStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('lossLab.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly documents: LossDocuments, private readonly runtime: LossRuntime) {
    this.item.name = 'Loss Lab';
    this.item.command = 'lossLab.showOutput';
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      documents.onDidAnalyze(() => this.update()),
      runtime.onDidCheck(() => this.update()),
    ];
    this.update();
  }

  /** What the item shows, '' when hidden. */
  get text(): string {
    return this.shown ? this.item.text : '';
  }

  private shown = false;

  private update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const analysis = doc && isLossDocument(doc) ? this.documents.latest(doc) : undefined;
    if (!doc || !analysis || analysis.losses.length === 0) {
      this.item.hide();
      this.shown = false;
      return;
    }
    const results = this.runtime.resultsFor(doc.uri);
    // errorsOf(undefined, loss): the loss is this analysis's own, no need to look it up (3,000 losses: 3,000 searches).
    const fileErrors = analysis.diagnostics.filter((d) => d.severity === 'error');
    const line = statusLine(
      analysis.losses.map((loss) => ({
        checks: results?.get(loss.name),
        errors: fileErrors.length === 0 ? errorsOf(undefined, loss) : errorsOf(analysis, loss),
      })),
    );
    const icon = { error: '$(error)', warning: '$(warning)', pass: '$(pass)', none: '$(beaker)' }[line.level];
    const tooBig = this.documents.isTooBig(doc);
    this.item.text = `${icon} ${line.text}${tooBig ? ' (lints only: file too big for full analysis)' : ''}`;
    this.item.tooltip = tooBig
      ? `Loss Lab: this file is over ${FULL_ANALYSIS_MAX_CHARS / 1024} KB, so it gets the lint rules but not TypeScript's type checks. Click for the output.`
      : 'Loss Lab: click for the output (timings, runs)';
    this.item.show();
    this.shown = true;
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.item.dispose();
  }
}
