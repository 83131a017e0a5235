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
import { LossTests, type TestState } from './testing';
import { Notices } from './notices';
import { registerWalkthrough } from './walkthrough';
import type { CheckResult } from '../core/report';

/** What activate() returns: for the integration tests, which cannot see these through VS Code's API. */
export interface LossLabApi {
  activationMs: number;
  testController: vscode.TestController;
  /** The notifications shown so far, as `Loss Lab: message [Button]`. */
  notices: readonly string[];
  /** The status bar item's text ('' when hidden). */
  statusText(): string;
  /** The runtime check results the editor holds for a document (loss name → checks). */
  resultsFor(uri: vscode.Uri): ReadonlyMap<string, readonly CheckResult[]> | undefined;
  /** The last state the Testing view was given for an item id (`uri#loss` or `uri#loss#check`). */
  testState(id: string): TestState;
}

export function activate(context: vscode.ExtensionContext): LossLabApi {
  const started = performance.now();
  const log = new Log();
  const lints = new AnalysisClient();
  const types = new AnalysisClient();
  const collection = vscode.languages.createDiagnosticCollection('lossLab');
  const documents = new LossDocuments({ lints, types }, collection, readmeLinks(context.extensionUri), () => readSettings().task, log);
  const notices = new Notices();
  const runtime = new LossRuntime(log, notices);
  const tests = new LossTests(documents, runtime);
  const panels = new PreviewPanels(context.extensionUri, documents, runtime, log);
  const selector = LOSS_LANGUAGES.map((language) => ({ language }));
  const lenses = new LossCodeLenses(documents);
  const status = new LossStatus(documents, runtime);

  context.subscriptions.push(
    log,
    { dispose: () => [lints, types].forEach((c) => c.dispose()) },
    collection,
    documents,
    runtime,
    tests,
    panels,
    lenses,
    status,
    vscode.languages.registerCodeLensProvider(selector, lenses),
    vscode.languages.registerCodeActionsProvider(selector, new LossQuickFixes(lints), { providedCodeActionKinds: LossQuickFixes.kinds }),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      const analysis = documents.latest(doc);
      if (readSettings().checkOnSave && analysis?.losses.length && vscode.workspace.isTrusted) void tests.runLosses(doc, analysis.losses);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => ['lossLab.task', 'lossLab.include', 'lossLab.exclude'].some((s) => e.affectsConfiguration(s)) && documents.reanalyzeAll()),
  );
  registerCommands(context, { documents, tests, log, panels, notices });
  registerWalkthrough(context);
  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms`);
  return {
    activationMs,
    testController: tests.controller,
    notices: notices.shown,
    statusText: () => status.text,
    resultsFor: (uri) => runtime.resultsFor(uri),
    testState: (id) => tests.stateOf(id),
  };
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
