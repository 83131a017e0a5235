// The Testing view: each loss a test item under its file, each runtime check a child. Running an
// item runs the runtime checks; failures carry their message and the loss's location.
import * as vscode from 'vscode';
import type { LossInfo } from '../core/analyze';
import { CHECK_IDS, type CheckResult } from '../core/report';
import { toRange } from './convert';
import { isLossDocument, type LossDocuments } from './documents';
import type { LossRuntime } from './runtime';

const ID_SEPARATOR = '#';

export class LossTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('lossLab', 'Loss Lab');
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly documents: LossDocuments, private readonly runtime: LossRuntime) {
    this.controller.createRunProfile('Run checks', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token), true);
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.discoverWorkspace();
    };
    this.controller.refreshHandler = () => this.discoverWorkspace();
    this.subscriptions.push(documents.onDidAnalyze((doc) => this.update(doc)));
  }

  /** Runs the checks of some losses of a document, with the results shown here. */
  async runLosses(doc: vscode.TextDocument, losses: readonly LossInfo[], token?: vscode.CancellationToken): Promise<Map<string, CheckResult[]>> {
    const fileItem = this.fileItem(doc.uri, await this.documents.analysisOf(doc).then((a) => a.losses));
    const items = losses.map((l) => fileItem.children.get(itemId(doc.uri, l.name))).filter((i): i is vscode.TestItem => i !== undefined);
    const run = this.controller.createTestRun(new vscode.TestRunRequest(items), `Loss Lab: ${losses.map((l) => l.name).join(', ')}`, true);
    try {
      return await this.execute(run, doc, losses, items, token);
    } finally {
      run.end();
    }
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    if (!request.include) await this.discoverWorkspace();
    const roots = request.include ?? [...iterate(this.controller.items)];
    // Group the requested losses by file: a file item means all its losses.
    const byFile = new Map<string, { uri: vscode.Uri; names: Set<string> }>();
    for (const item of roots) {
      const [file, loss] = splitId(item.id);
      if (!item.uri) continue;
      const entry = byFile.get(file) ?? { uri: item.uri, names: new Set<string>() };
      if (loss === undefined) for (const child of iterate(item.children)) entry.names.add(splitId(child.id)[1] ?? '');
      else entry.names.add(loss);
      byFile.set(file, entry);
    }
    const run = this.controller.createTestRun(request);
    try {
      for (const { uri, names } of byFile.values()) {
        if (token.isCancellationRequested) break;
        const doc = await vscode.workspace.openTextDocument(uri);
        const analysis = await this.documents.analysisOf(doc);
        const losses = analysis.losses.filter((l) => names.has(l.name));
        const fileItem = this.fileItem(uri, analysis.losses);
        const items = losses.map((l) => fileItem.children.get(itemId(uri, l.name))).filter((i): i is vscode.TestItem => i !== undefined);
        await this.execute(run, doc, losses, items, token);
      }
    } finally {
      run.end();
    }
  }

  private async execute(run: vscode.TestRun, doc: vscode.TextDocument, losses: readonly LossInfo[], items: vscode.TestItem[], token?: vscode.CancellationToken): Promise<Map<string, CheckResult[]>> {
    for (const item of items) run.started(item);
    if (!vscode.workspace.isTrusted) {
      for (const item of items) run.skipped(item);
      run.appendOutput('Loss Lab runs losses only in a trusted workspace.\r\n');
      this.runtime.mayRun();
      return new Map();
    }
    const results = await this.runtime.check(doc, losses, token, (await this.documents.analysisOf(doc)).runModule);
    for (const loss of losses) {
      const item = items.find((i) => i.id === itemId(doc.uri, loss.name));
      if (!item) continue;
      const checks = results.get(loss.name);
      if (!checks) {
        run.skipped(item);
        continue;
      }
      const location = new vscode.Location(doc.uri, toRange(loss.nameRange));
      for (const check of checks) {
        const child = item.children.get(`${item.id}${ID_SEPARATOR}${check.id}`) ?? this.checkItem(item, check.id);
        report(run, child, check, location);
      }
      const failed = checks.filter((c) => c.status === 'fail');
      const ms = checks.reduce((sum, c) => sum + c.ms, 0);
      if (failed.length === 0) run.passed(item, ms);
      else run.failed(item, failed.map((c) => withLocation(new vscode.TestMessage(`${c.id}: ${c.message}`), location)), ms);
    }
    return results;
  }

  private update(doc: vscode.TextDocument): void {
    const analysis = this.documents.latest(doc);
    if (!analysis) return;
    const existing = this.controller.items.get(doc.uri.toString());
    if (analysis.losses.length === 0) {
      if (existing) this.controller.items.delete(existing.id);
      return;
    }
    const item = this.fileItem(doc.uri, analysis.losses);
    this.controller.invalidateTestResults?.(item);
  }

  private fileItem(uri: vscode.Uri, losses: readonly LossInfo[]): vscode.TestItem {
    const id = uri.toString();
    const item = this.controller.items.get(id) ?? this.controller.createTestItem(id, vscode.workspace.asRelativePath(uri), uri);
    this.controller.items.add(item);
    const children = losses.map((loss) => {
      const child = item.children.get(itemId(uri, loss.name)) ?? this.controller.createTestItem(itemId(uri, loss.name), loss.name, uri);
      child.range = toRange(loss.nameRange);
      child.description = `${loss.kind}, ${loss.task}`;
      if (child.children.size === 0) for (const check of CHECK_IDS) if (check !== 'reference') this.checkItem(child, check);
      return child;
    });
    item.children.replace(children);
    return item;
  }

  private checkItem(parent: vscode.TestItem, check: string): vscode.TestItem {
    const child = this.controller.createTestItem(`${parent.id}${ID_SEPARATOR}${check}`, check, parent.uri);
    if (parent.range) child.range = parent.range;
    parent.children.add(child);
    return child;
  }

  /** Finds the loss files of the workspace (a cheap text filter, then the fast analysis). */
  private async discoverWorkspace(): Promise<void> {
    const files = await vscode.workspace.findFiles('**/*.{ts,js,mts,mjs,cts,cjs}', '{**/node_modules/**,**/dist/**,**/out/**,**/*.d.ts}', 500);
    for (const uri of files) {
      const bytes = await vscode.workspace.fs.readFile(uri);
      const text = Buffer.from(bytes).toString('utf8');
      if (!/tensorflow|@loss|yPred|y_pred|Tensor/.test(text)) continue;
      const doc = await vscode.workspace.openTextDocument(uri);
      if (!isLossDocument(doc)) continue;
      const analysis = await this.documents.analysisOf(doc);
      if (analysis.losses.length > 0) this.fileItem(uri, analysis.losses);
    }
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.controller.dispose();
  }
}

function report(run: vscode.TestRun, item: vscode.TestItem, check: CheckResult, location: vscode.Location): void {
  run.started(item);
  if (check.status === 'fail') run.failed(item, withLocation(new vscode.TestMessage(check.message), location), check.ms);
  else if (check.status === 'skip') run.skipped(item);
  else {
    if (check.status === 'warn') run.appendOutput(`${check.id}: ${check.message}\r\n`, location, item);
    run.passed(item, check.ms);
  }
}

function withLocation(message: vscode.TestMessage, location: vscode.Location): vscode.TestMessage {
  message.location = location;
  return message;
}

function itemId(uri: vscode.Uri, loss: string): string {
  return `${uri.toString()}${ID_SEPARATOR}${loss}`;
}

function splitId(id: string): [string, string | undefined, string | undefined] {
  const [file, loss, check] = id.split(ID_SEPARATOR);
  return [file ?? id, loss, check];
}

function* iterate(collection: vscode.TestItemCollection): Generator<vscode.TestItem> {
  for (const [, item] of collection) yield item;
}
