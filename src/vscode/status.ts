// The status bar item: the active file's losses and how their last checks went.
import * as vscode from 'vscode';
import type { LossDocuments } from './documents';
import { isLossDocument } from './documents';
import type { LossRuntime } from './runtime';

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

  private update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const analysis = doc && isLossDocument(doc) ? this.documents.latest(doc) : undefined;
    if (!doc || !analysis || analysis.losses.length === 0) {
      this.item.hide();
      return;
    }
    const findings = analysis.losses.flatMap((l) => l.diagnostics).concat(analysis.diagnostics);
    const errors = findings.filter((d) => d.severity === 'error').length;
    const results = this.runtime.resultsFor(doc.uri);
    const checks = results ? [...results.values()].flat() : [];
    const failed = checks.filter((c) => c.status === 'fail').length;
    const count = analysis.losses.length;
    const icon = errors + failed > 0 ? '$(error)' : checks.length > 0 ? '$(pass)' : '$(beaker)';
    const checked = checks.length === 0 ? 'not run' : failed > 0 ? `${failed} failed` : 'checks pass';
    this.item.text = `${icon} ${count} loss${count === 1 ? '' : 'es'}: ${errors} error${errors === 1 ? '' : 's'}, ${checked}`;
    this.item.tooltip = 'Loss Lab: click for the output (timings, runs)';
    this.item.show();
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.item.dispose();
  }
}
