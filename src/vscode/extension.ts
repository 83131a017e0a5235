// Loss Lab's entry point: wires the parts together. The analysis (TypeScript) and the runtime
// (tfjs) live in worker threads started on first use, so activation loads neither.
import * as fs from 'fs';
import * as vscode from 'vscode';
import { AnalysisClient } from '../core/analyze/client';
import { LossCodeLenses } from './codelens';
import { registerCommands } from './commands';
import { LOSS_LANGUAGES, LossDocuments } from './documents';
import { Log } from './log';
import { PreviewPanels } from './panel';
import { LossQuickFixes } from './quickfix';
import { LossRuntime } from './runtime';
import { readSettings } from './settings';
import { LossStatus } from './status';
import { LossTests } from './testing';

/** What activate() returns: for the integration tests, which cannot see a test controller's items otherwise. */
export interface LossLabApi {
  activationMs: number;
  testController: vscode.TestController;
}

export function activate(context: vscode.ExtensionContext): LossLabApi {
  const started = performance.now();
  const log = new Log();
  const lints = new AnalysisClient();
  const types = new AnalysisClient();
  const collection = vscode.languages.createDiagnosticCollection('lossLab');
  const documents = new LossDocuments({ lints, types }, collection, readmeLinks(context.extensionUri), () => readSettings().task, log);
  const runtime = new LossRuntime(log);
  const tests = new LossTests(documents, runtime);
  const panels = new PreviewPanels(context.extensionUri, documents, runtime, log);
  const selector = LOSS_LANGUAGES.map((language) => ({ language }));
  const lenses = new LossCodeLenses(documents);

  context.subscriptions.push(
    log,
    { dispose: () => [lints, types].forEach((c) => c.dispose()) },
    collection,
    documents,
    runtime,
    tests,
    panels,
    lenses,
    new LossStatus(documents, runtime),
    vscode.languages.registerCodeLensProvider(selector, lenses),
    vscode.languages.registerCodeActionsProvider(selector, new LossQuickFixes(lints), { providedCodeActionKinds: LossQuickFixes.kinds }),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      const analysis = documents.latest(doc);
      if (readSettings().checkOnSave && analysis?.losses.length && vscode.workspace.isTrusted) void tests.runLosses(doc, analysis.losses);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('lossLab.task') && documents.reanalyzeAll()),
  );
  registerCommands(context, { documents, tests, log, panels });
  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs, testController: tests.controller };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}

/**
 * LL200 → the README at the line of its entry in the codes table. vsce stores it as readme.md in
 * the .vsix, the source tree has README.md: take whichever name the extension's folder holds.
 */
function readmeLinks(extensionUri: vscode.Uri): (code: string) => vscode.Uri {
  let readme: vscode.Uri | undefined;
  let lines: Map<string, number> | undefined;
  return (code) => {
    if (!lines || !readme) {
      lines = new Map();
      const name = readmeName(extensionUri.fsPath);
      readme = vscode.Uri.joinPath(extensionUri, name);
      try {
        fs.readFileSync(readme.fsPath, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            const anchor = /<a id="(ll\d{3})"><\/a>/.exec(line);
            if (anchor?.[1]) lines?.set(anchor[1], i + 1);
          });
      } catch (error) {
        // The code still shows, without a line to go to.
        console.warn(`Loss Lab: the README could not be read: ${(error as Error).message}`);
      }
    }
    const line = lines.get(code.toLowerCase());
    return line ? readme.with({ fragment: `L${line}` }) : readme;
  };
}

function readmeName(folder: string): string {
  try {
    return fs.readdirSync(folder).find((f) => f.toLowerCase() === 'readme.md') ?? 'README.md';
  } catch {
    return 'README.md'; // an unreadable folder: the link names the usual file, reading it reports the problem
  }
}
