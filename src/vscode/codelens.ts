// Check · Preview · Gradient check · Train above each loss, from the document's latest analysis.
import * as vscode from 'vscode';
import { toRange } from './convert';
import type { LossDocuments } from './documents';

export class LossCodeLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly documents: LossDocuments) {
    this.subscription = documents.onDidAnalyze(() => this.changed.fire());
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const analysis = this.documents.latest(doc);
    if (!analysis) return [];
    return analysis.losses.flatMap((loss) => {
      const range = toRange(loss.nameRange);
      const args = [doc.uri, loss.name];
      return [
        new vscode.CodeLens(range, { title: 'Check', command: 'lossLab.checkLoss', arguments: args, tooltip: `Run the runtime checks of ${loss.name}` }),
        new vscode.CodeLens(range, { title: 'Preview', command: 'lossLab.openPreview', arguments: args, tooltip: 'Loss and gradient curves' }),
        new vscode.CodeLens(range, { title: 'Gradient check', command: 'lossLab.gradientCheck', arguments: args, tooltip: 'Autodiff against central differences' }),
        new vscode.CodeLens(range, { title: 'Train', command: 'lossLab.train', arguments: args, tooltip: 'A mini training run next to a built-in loss' }),
      ];
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
