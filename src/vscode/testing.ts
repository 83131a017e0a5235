// The Testing view: each loss a test item under its file, each runtime check a child. Running an
// item runs the runtime checks; failures carry their message and the loss's location.
import * as vscode from 'vscode';
import { findFilesInScope } from './file-scope';
import type { LossInfo } from '../core/analyze';
import { CHECK_IDS, type CheckResult } from '../core/report';
import { toRange } from './convert';
import { isLossDocument, MANY_LOSSES, type LossDocuments } from './documents';

/** Loss items added per turn of the event loop in a file of many losses. */
const TEST_ITEM_BATCH = 100;
import type { LossRuntime } from './runtime';
import { describeChecks, describeErrors, errorsOf } from './summary';

const ID_SEPARATOR = '#';
/** A loss item's id ends in ~N after its results were dropped N times (see unset). */
const GENERATION = /~\d+$/;

/** What the Testing view was last told about an item; 'passed (warn)' is a pass with a warning. */
export type TestState = 'unset' | 'passed' | 'passed (warn)' | 'failed' | 'skipped';

export class LossTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('lossLab', 'Loss Lab');
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly states = new Map<string, TestState>();
  private readonly generations = new Map<string, number>();

  constructor(private readonly documents: LossDocuments, private readonly runtime: LossRuntime) {
    this.controller.createRunProfile('Run checks', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token), true);
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.discoverWorkspace();
    };
    this.controller.refreshHandler = () => this.discoverWorkspace();
    this.subscriptions.push(
      documents.onDidAnalyze((doc) => this.update(doc)),
      // Results belong to a version of the text: an edit or File: Revert drops them (gutter, inline message, state).
      runtime.onDidDrop((uri) => this.unset(uri)),
    );
  }

  stateOf(id: string): TestState {
    return this.states.get(id) ?? 'unset';
  }

  /** The id of a loss's item: the file, the loss, and the generation of its results. */
  private itemId(uri: vscode.Uri, loss: string): string {
    const generation = this.generations.get(uri.toString()) ?? 0;
    return `${uri.toString()}${ID_SEPARATOR}${loss}${generation ? `~${generation}` : ''}`;
  }

  /** Runs the checks of some losses of a document, with the results shown here. */
  async runLosses(doc: vscode.TextDocument, losses: readonly LossInfo[], token?: vscode.CancellationToken): Promise<Map<string, CheckResult[]>> {
    const fileItem = this.fileItem(doc.uri, await this.documents.analysisOf(doc).then((a) => a.losses));
    const items = losses.map((l) => fileItem.children.get(this.itemId(doc.uri, l.name))).filter((i): i is vscode.TestItem => i !== undefined);
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
        const items = losses.map((l) => fileItem.children.get(this.itemId(uri, l.name))).filter((i): i is vscode.TestItem => i !== undefined);
        await this.execute(run, doc, losses, items, token);
      }
    } finally {
      run.end();
    }
  }

  private async execute(run: vscode.TestRun, doc: vscode.TextDocument, losses: readonly LossInfo[], items: vscode.TestItem[], token?: vscode.CancellationToken): Promise<Map<string, CheckResult[]>> {
    for (const item of items) run.started(item);
    if (!vscode.workspace.isTrusted) {
      for (const item of items) this.mark(run, item, 'skipped');
      run.appendOutput('Loss Lab runs losses only in a trusted workspace.\r\n');
      this.runtime.mayRun();
      return new Map();
    }
    const version = doc.version;
    const results = await this.runtime.check(doc, losses, token, (await this.documents.analysisOf(doc)).runModule);
    if (doc.version !== version) {
      // The text changed while the checks ran: what they found describes a text that is gone.
      for (const item of items) this.mark(run, item, 'skipped');
      run.appendOutput('The text changed while the checks ran: check again.\r\n');
      return results;
    }
    const analysis = this.documents.isCurrent(doc) ? this.documents.latest(doc) : await this.documents.analysisOf(doc);
    for (const loss of losses) {
      const item = items.find((i) => i.id === this.itemId(doc.uri, loss.name));
      if (!item) continue;
      const checks = results.get(loss.name);
      if (!checks) {
        this.mark(run, item, 'skipped');
        continue;
      }
      const location = new vscode.Location(doc.uri, toRange(loss.nameRange));
      for (const check of checks) {
        const child = item.children.get(`${item.id}${ID_SEPARATOR}${check.id}`) ?? this.checkItem(item, check.id);
        this.report(run, child, check, location);
      }
      const failed = checks.filter((c) => c.status === 'fail');
      const ms = checks.reduce((sum, c) => sum + c.ms, 0);
      // An error diagnostic on the loss: never a green tick beside it, whatever the runtime checks say.
      const errors = errorsOf(analysis, loss);
      item.description = `${loss.kind}, ${loss.task} · ${describeChecks(checks)}${errors.length ? `; ${describeErrors(errors)}` : ''}`;
      const messages = [
        ...failed.map((c) => withLocation(new vscode.TestMessage(`${c.id}: ${c.message || 'failed'}`), location)),
        ...errors.map((d) => withLocation(new vscode.TestMessage(`${d.code}: ${d.message}`), new vscode.Location(doc.uri, toRange(d.range)))),
      ];
      for (const message of messages) run.appendOutput(`${message.message.toString()}\r\n`, message.location, item);
      if (messages.length === 0) this.mark(run, item, checks.some((c) => c.status === 'warn') ? 'passed (warn)' : 'passed', ms);
      else this.mark(run, item, 'failed', ms, messages);
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
    if (analysis.losses.length > MANY_LOSSES) {
      void this.fileItemInBatches(doc, analysis.losses);
      return;
    }
    const item = this.fileItem(doc.uri, analysis.losses);
    this.controller.invalidateTestResults?.(item);
  }

  /**
   * The file's loss items, added a batch at a time with a turn of the event loop between batches:
   * 3,000 items at once kept the extension host busy for over a second. Stops when a newer analysis
   * of the document arrives.
   */
  private async fileItemInBatches(doc: vscode.TextDocument, losses: readonly LossInfo[]): Promise<void> {
    const analysis = this.documents.latest(doc);
    const uri = doc.uri;
    const item = this.controller.items.get(uri.toString()) ?? this.controller.createTestItem(uri.toString(), vscode.workspace.asRelativePath(uri), uri);
    this.controller.items.add(item);
    const wanted = new Set(losses.map((l) => this.itemId(uri, l.name)));
    for (const child of [...iterate(item.children)]) if (!wanted.has(child.id)) item.children.delete(child.id);
    for (let start = 0; start < losses.length; start += TEST_ITEM_BATCH) {
      if (this.documents.latest(doc) !== analysis) return;
      for (const loss of losses.slice(start, start + TEST_ITEM_BATCH)) {
        const id = this.itemId(uri, loss.name);
        const known = item.children.get(id);
        const child = known ?? this.controller.createTestItem(id, loss.name, uri);
        const range = toRange(loss.nameRange);
        if (!child.range?.isEqual(range)) child.range = range;
        const description = `${loss.kind}, ${loss.task}`;
        if (child.description !== description) child.description = description;
        if (!known) item.children.add(child);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Invalidating 3,000 items is work for VS Code too: only when some have results.
    const prefix = `${uri.toString()}${ID_SEPARATOR}`;
    if ([...this.states.keys()].some((id) => id.startsWith(prefix))) this.controller.invalidateTestResults?.(item);
  }

  private fileItem(uri: vscode.Uri, losses: readonly LossInfo[]): vscode.TestItem {
    const id = uri.toString();
    const item = this.controller.items.get(id) ?? this.controller.createTestItem(id, vscode.workspace.asRelativePath(uri), uri);
    this.controller.items.add(item);
    // A file of many losses gets its check items when a run reports them, not 18 per loss up front.
    const eager = losses.length <= MANY_LOSSES;
    const children = losses.map((loss) => {
      const child = item.children.get(this.itemId(uri, loss.name)) ?? this.controller.createTestItem(this.itemId(uri, loss.name), loss.name, uri);
      // Each change is an update for the Testing view to send: unchanged values are left alone.
      const range = toRange(loss.nameRange);
      if (!child.range?.isEqual(range)) child.range = range;
      const description = `${loss.kind}, ${loss.task}`;
      if (child.description !== description) child.description = description;
      if (eager && child.children.size === 0) for (const check of CHECK_IDS) if (check !== 'reference') this.checkItem(child, check);
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
    const files = await findFilesInScope(500);
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

  private report(run: vscode.TestRun, item: vscode.TestItem, check: CheckResult, location: vscode.Location): void {
    run.started(item);
    // The Testing view has no "warned" state: a warning passes, and says so beside the check's name.
    item.description = check.status === 'warn' ? `warns: ${check.message.slice(0, 120)}` : check.status === 'skip' ? `skipped: ${check.message.slice(0, 120)}` : undefined;
    // The output is what the failure peek shows beside the message: never empty.
    if (check.status !== 'pass') run.appendOutput(`${check.id} ${check.status}: ${check.message}\r\n`, location, item);
    if (check.status === 'fail') this.mark(run, item, 'failed', check.ms, [withLocation(new vscode.TestMessage(check.message || `${check.id} failed`), location)]);
    else if (check.status === 'skip') this.mark(run, item, 'skipped');
    else this.mark(run, item, check.status === 'warn' ? 'passed (warn)' : 'passed', check.ms);
  }

  /**
   * Forgets the results of a document's items. VS Code keeps a test's last result until a new one
   * comes, and an item set back to unset still shows the one before (gutter icon): so the items are
   * replaced by new ones (the same losses under a new generation of ids), which have no results.
   */
  private unset(uri: vscode.Uri): void {
    const file = this.controller.items.get(uri.toString());
    if (!file) return;
    for (const id of [...this.states.keys()]) if (id.startsWith(`${uri.toString()}${ID_SEPARATOR}`)) this.states.delete(id);
    this.generations.set(uri.toString(), (this.generations.get(uri.toString()) ?? 0) + 1);
    const fresh = [...iterate(file.children)].map((old) => {
      const item = this.controller.createTestItem(this.itemId(uri, old.label), old.label, uri);
      item.range = old.range;
      item.description = old.description?.split(' · ')[0];
      for (const check of iterate(old.children)) this.checkItem(item, check.label);
      return item;
    });
    this.controller.invalidateTestResults?.([...iterate(file.children)]);
    file.children.replace(fresh);
    // The editor shows inline failure messages from the newest run: a run that only queues the new
    // items, and ends, leaves none to show.
    const run = this.controller.createTestRun(new vscode.TestRunRequest(fresh), 'Loss Lab: the text changed', false);
    for (const item of fresh) run.enqueued(item);
    run.end();
  }

  /** Tells the run an item's state, and remembers it. */
  private mark(run: vscode.TestRun, item: vscode.TestItem, state: Exclude<TestState, 'unset'>, ms?: number, messages: vscode.TestMessage[] = []): void {
    this.states.set(logicalId(item.id), state);
    if (state === 'skipped') run.skipped(item);
    else if (state === 'failed') run.failed(item, messages, ms);
    else run.passed(item, ms);
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.controller.dispose();
  }
}


function withLocation(message: vscode.TestMessage, location: vscode.Location): vscode.TestMessage {
  message.location = location;
  return message;
}


function splitId(id: string): [string, string | undefined, string | undefined] {
  const [file, loss, check] = id.split(ID_SEPARATOR);
  return [file ?? id, loss?.replace(GENERATION, ''), check];
}

/** An item's id without its generation: `uri#loss` or `uri#loss#check`, as the tests name them. */
function logicalId(id: string): string {
  const [file, loss, check] = splitId(id);
  return [file, loss, check].filter((p) => p !== undefined).join(ID_SEPARATOR);
}

function* iterate(collection: vscode.TestItemCollection): Generator<vscode.TestItem> {
  for (const [, item] of collection) yield item;
}
