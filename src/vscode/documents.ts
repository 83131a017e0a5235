// The latest analysis of each open loss file: diagnostics in the Problems panel, and the losses
// that CodeLens, the Testing view and quick fixes read. Analysis runs on the unsaved text, first
// without types on every edit (fast), then with TypeScript's checker once typing pauses.
import * as vscode from 'vscode';
import { inScope } from './file-scope';
import type { FileAnalysis } from '../core/analyze';
import { AnalysisStopped, type AnalysisClient } from '../core/analyze/client';
import type { TaskOption } from '../core/analyze/task';
import type { Diagnostic } from '../core/report';
import { toDiagnostic } from './convert';
import type { Log } from './log';

const LINT_DELAY_MS = 150;
const TYPES_DELAY_MS = 700;
/**
 * Past this size a file gets the lints only: TypeScript's checker over a 1 MB file takes seconds and
 * hundreds of MB in the worker, for a file that is generated, not written (the status bar says so).
 */
export const FULL_ANALYSIS_MAX_CHARS = 256 * 1024;
/** Findings shown per file: past this the Problems panel is no help, and each costs the editor work. */
export const MAX_DIAGNOSTICS = 500;
/** A file with more losses than this gets the editor's lighter treatment (CodeLens in view, no check items until run). */
export const MANY_LOSSES = 200;
export const LOSS_LANGUAGES = ['typescript', 'javascript', 'typescriptreact', 'javascriptreact'];

export function isLossDocument(doc: vscode.TextDocument): boolean {
  return LOSS_LANGUAGES.includes(doc.languageId) && (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled' || doc.uri.scheme === 'vscode-remote') && inScope(doc.uri);
}

/** The path to analyse a document as: an untitled editor gets its language's extension. */
export function analysisPath(doc: vscode.TextDocument): string {
  if (doc.uri.scheme !== 'untitled' || /\.[cm]?[jt]sx?$/i.test(doc.uri.fsPath)) return doc.uri.fsPath;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const name = `${doc.uri.path.replace(/[^\w.-]/g, '_')}${doc.languageId.startsWith('typescript') ? '.ts' : '.js'}`;
  return folder ? `${folder}/${name}` : name;
}

export class LossDocuments implements vscode.Disposable {
  private readonly analyses = new Map<string, { version: number; analysis: FileAnalysis }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly changed = new vscode.EventEmitter<vscode.TextDocument>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Fires when a document's analysis is new: CodeLens, the Testing view and the status bar listen. */
  readonly onDidAnalyze = this.changed.event;

  constructor(
    /** Two workers: the lints on every edit never wait behind TypeScript's checker on another file. */
    private readonly clients: { lints: AnalysisClient; types: AnalysisClient },
    private readonly collection: vscode.DiagnosticCollection,
    private readonly docs: (code: string) => vscode.Uri,
    private readonly task: () => TaskOption,
    private readonly log: Log,
  ) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((doc) => this.schedule(doc, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, LINT_DELAY_MS)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.forget(doc)),
      this.changed,
    );
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
  }

  /** The analysis of the document's current text (analysing it now if needed). */
  async analysisOf(doc: vscode.TextDocument): Promise<FileAnalysis> {
    const known = this.analyses.get(doc.uri.toString());
    if (known && known.version === doc.version) return known.analysis;
    return this.analyze(doc, this.isTooBig(doc) ? 'off' : 'full');
  }

  /** Whether the document is too big for the analysis with types (see FULL_ANALYSIS_MAX_CHARS). */
  isTooBig(doc: vscode.TextDocument): boolean {
    return doc.getText().length > FULL_ANALYSIS_MAX_CHARS;
  }

  /** Whether the last analysis is of the document's current text (ranges may be off otherwise). */
  isCurrent(doc: vscode.TextDocument): boolean {
    return this.analyses.get(doc.uri.toString())?.version === doc.version;
  }

  /** The last analysis, whatever its version: for CodeLens, which must answer at once. */
  latest(doc: vscode.TextDocument): FileAnalysis | undefined {
    return this.analyses.get(doc.uri.toString())?.analysis;
  }

  reanalyzeAll(): void {
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (!isLossDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        // A failure is logged (and shown on the file when the worker was stopped) in analyze().
        const logged = (): undefined => undefined;
        void this.analyze(doc, 'off').then(() => {
          if (!this.isTooBig(doc)) this.timers.set(key, setTimeout(() => void this.analyze(doc, 'full').catch(logged), TYPES_DELAY_MS));
        }, logged);
      }, delay),
    );
  }

  private async analyze(doc: vscode.TextDocument, types: 'off' | 'full'): Promise<FileAnalysis> {
    const version = doc.version;
    const started = performance.now();
    const client = types === 'off' ? this.clients.lints : this.clients.types;
    const analysis = await client.analyze(analysisPath(doc), doc.getText(), { types, task: this.task(), typeScriptErrors: 'unchecked-by-editor' }).catch((error: Error) => {
      this.log.error(`analysis of ${doc.uri.fsPath} failed: ${error.message}`);
      // A worker stopped at its time or memory limit: say so where the findings would be.
      if (error instanceof AnalysisStopped && !doc.isClosed && doc.version === version) {
        const stopped = { code: 'LL001' as const, severity: 'warning' as const, message: `Loss Lab could not analyse this file: ${error.message}.`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
        this.collection.set(doc.uri, [toDiagnostic(stopped, this.docs)]);
      }
      throw error;
    });
    this.log.info(`analysed ${vscode.workspace.asRelativePath(doc.uri)} (${types === 'off' ? 'lints' : 'with types'}) in ${Math.round(performance.now() - started)} ms: ${analysis.losses.length} losses`);
    if (doc.isClosed || doc.version !== version) return analysis;
    // A fast pass must not erase type errors the slow pass found for this same version.
    const previous = this.analyses.get(doc.uri.toString());
    if (types === 'off' && previous?.version === version) return previous.analysis;
    this.analyses.set(doc.uri.toString(), { version, analysis });
    const all = [...analysis.diagnostics, ...analysis.losses.flatMap((l) => l.diagnostics)];
    const shown = all.length > MAX_DIAGNOSTICS ? [...all.slice(0, MAX_DIAGNOSTICS), tooManyFindings(all.length)] : all;
    this.collection.set(doc.uri, shown.map((d) => toDiagnostic(d, this.docs)));
    this.changed.fire(doc);
    return analysis;
  }

  private forget(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.analyses.delete(key);
    this.collection.delete(doc.uri);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.disposables.forEach((d) => d.dispose());
  }
}

function tooManyFindings(count: number): Diagnostic {
  const at = { line: 0, character: 0 };
  return { code: 'LL001', severity: 'info', message: `Loss Lab shows the first ${MAX_DIAGNOSTICS} of its ${count} findings in this file (\`loss-lab check\` lists them all).`, range: { start: at, end: at } };
}
