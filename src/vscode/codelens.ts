// Check · Preview · Gradient check · Train above each loss, from the document's latest analysis.
import * as vscode from 'vscode';
import { toRange } from './convert';
import { MANY_LOSSES, type LossDocuments } from './documents';

/** Lines above and below the visible ones that still get lenses, so that scrolling a little shows them at once. */
const MARGIN_LINES = 100;

export class LossCodeLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private scrolled: NodeJS.Timeout | undefined;

  constructor(private readonly documents: LossDocuments) {
    this.subscriptions = [
      documents.onDidAnalyze(() => this.changed.fire()),
      // A file of many losses gets lenses only near what is visible: ask again after scrolling.
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => {
        if ((this.documents.latest(e.textEditor.document)?.losses.length ?? 0) <= MANY_LOSSES) return;
        clearTimeout(this.scrolled);
        this.scrolled = setTimeout(() => this.changed.fire(), 100);
      }),
    ];
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const analysis = this.documents.latest(doc);
    if (!analysis) return [];
    const losses = analysis.losses.length > MANY_LOSSES ? analysis.losses.filter(nearVisible(doc)) : analysis.losses;
    return losses.flatMap((loss) => {
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
    clearTimeout(this.scrolled);
    this.subscriptions.forEach((s) => s.dispose());
    this.changed.dispose();
  }
}

/** Whether a loss's name is on or near a visible line of an editor showing the document. */
function nearVisible(doc: vscode.TextDocument): (loss: { nameRange: { start: { line: number } } }) => boolean {
  const ranges = vscode.window.visibleTextEditors.filter((e) => e.document === doc).flatMap((e) => e.visibleRanges);
  return (loss) => ranges.some((r) => loss.nameRange.start.line >= r.start.line - MARGIN_LINES && loss.nameRange.start.line <= r.end.line + MARGIN_LINES);
}
