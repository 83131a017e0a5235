// The preview panel beside the editor (STYLE.md §2): one at a time, revealed if it exists, restored
// after a reload by the serializer, disposed with everything it registered. It follows the active
// loss: the cursor's loss in the active editor, the document's edits (debounced), trust changes.
// The loss module is bundled here and runs only in the page's Web Worker, in a trusted workspace.
import * as crypto from 'crypto';
import * as vscode from 'vscode';
import type { LossInfo } from '../core/analyze';
import { bundleOffThread } from '../core/run/bundler-thread';
import { checksForPanel, clip, dispatch, pageMessage, type HostMessage, type PageMessage, type Handlers, type PanelSettings } from '../protocol';
import { panelHtml } from '../webview-html';
import { analysisPath, isLossDocument, type LossDocuments } from './documents';
import type { Log } from './log';
import type { LossRuntime } from './runtime';
import { readSettings } from './settings';
import { errorsOf } from './summary';

export type PanelMode = 'curves' | 'gradcheck' | 'training';
export const PANEL_TYPE = 'lossLab.preview';
/** After the last edit: bundling on every keystroke would only be thrown away. */
const EDIT_DELAY_MS = 400;

interface Target {
  uri: string;
  name: string;
}

export class PreviewPanels implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private target: Target | undefined;
  private ready = false;
  private trainWhenReady = false;
  /** A section to scroll to once the page shows the loss (the Gradient check CodeLens). */
  private revealWhenReady: 'gradcheck' | undefined;
  private sent = 0;
  private editTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly documents: LossDocuments,
    private readonly runtime: LossRuntime,
    private readonly log: Log,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(PANEL_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          const saved = state as Partial<Target> | undefined;
          if (typeof saved?.uri === 'string' && typeof saved.name === 'string') this.target = { uri: saved.uri, name: saved.name };
          this.adopt(panel);
        },
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => editor && this.follow(editor)),
      vscode.window.onDidChangeTextEditorSelection((e) => e.textEditor === vscode.window.activeTextEditor && this.follow(e.textEditor)),
      documents.onDidAnalyze((doc) => {
        const editor = vscode.window.activeTextEditor;
        // Cursor moves during typing were judged on stale ranges, or skipped: judge again now.
        if (editor?.document === doc) this.follow(editor);
        if (!this.panel || doc.uri.toString() !== this.target?.uri) return;
        clearTimeout(this.editTimer);
        this.editTimer = setTimeout(() => void this.sendLoss(), EDIT_DELAY_MS);
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.sendLoss()),
      runtime.onDidCheck((uri) => uri.toString() === this.target?.uri && void this.sendLoss()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('lossLab') && this.post({ type: 'settings', settings: panelSettings() })),
    );
  }

  /** Opens (or reveals) the panel on a loss; 'training' also starts a training run, 'gradcheck' scrolls to the gradient check. */
  show(doc: vscode.TextDocument, loss: LossInfo, mode: PanelMode): void {
    this.target = { uri: doc.uri.toString(), name: loss.name };
    if (mode === 'training') this.trainWhenReady = true;
    this.revealWhenReady = mode === 'gradcheck' ? 'gradcheck' : undefined;
    if (this.panel) {
      // A hidden panel's page is gone (no retainContextWhenHidden): revealing it loads a new page,
      // which says 'ready' and is sent init and the loss then. A visible one gets the loss now.
      const visible = this.panel.visible;
      this.panel.reveal(this.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
      if (visible) void this.sendLoss();
    } else {
      this.adopt(vscode.window.createWebviewPanel(PANEL_TYPE, `Loss Lab: ${loss.name}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {}));
    }
  }

  /** A new or restored panel: options, HTML and listeners. */
  private adopt(panel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    this.panel = panel;
    this.ready = false;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(dist, 'webview'), vscode.Uri.joinPath(dist, 'wasm')] };
    const nonce = crypto.randomBytes(16).toString('base64');
    panel.webview.html = panelHtml({
      cspSource: panel.webview.cspSource,
      nonce,
      scriptUrl: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview', 'main.js')).toString(),
      styleUrl: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview', 'panel.css')).toString(),
    });
    const handlers: Handlers<PageMessage> = {
      ready: () => {
        this.ready = true;
        const webview = panel.webview;
        this.post({
          type: 'init',
          workerUrl: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview', 'worker.js')).toString(),
          wasmUrl: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'wasm')).toString(),
          settings: panelSettings(),
        });
        void this.sendLoss();
      },
      log: (message) => this.log[message.level](`panel: ${message.message}`),
      manageTrust: () => void vscode.commands.executeCommand('workbench.trust.manage'),
    };
    this.panelDisposables = [
      // Hidden, the page is dropped: nothing may be posted until the new page says 'ready'.
      panel.onDidChangeViewState(() => {
        if (!panel.visible && this.panel === panel) this.ready = false;
      }),
      panel.webview.onDidReceiveMessage((data: unknown) => dispatch(pageMessage, handlers, data, (error) => this.log.warn(`panel: ${error}`))),
      panel.onDidDispose(() => {
        if (this.panel !== panel) return;
        this.panel = undefined;
        this.ready = false;
        this.trainWhenReady = false;
        this.panelDisposables.forEach((d) => d.dispose());
        this.panelDisposables = [];
      }),
    ];
  }

  /** The cursor's loss in a loss document becomes the panel's loss. */
  private follow(editor: vscode.TextEditor): void {
    // An analysis of an older text has older ranges: Enter pressed at the end of one loss would move the panel to the next.
    if (!this.panel || !isLossDocument(editor.document) || !this.documents.isCurrent(editor.document)) return;
    const analysis = this.documents.latest(editor.document);
    const line = editor.selection.active.line;
    const atCursor = analysis?.losses.find((l) => l.range.start.line <= line && line <= l.range.end.line);
    const sameDocument = editor.document.uri.toString() === this.target?.uri;
    const loss = atCursor ?? (sameDocument ? undefined : analysis?.losses[0]);
    if (!loss || (sameDocument && loss.name === this.target?.name)) return;
    this.target = { uri: editor.document.uri.toString(), name: loss.name };
    void this.sendLoss();
  }

  private post(message: HostMessage): void {
    if (this.panel && this.ready) void this.panel.webview.postMessage(message);
  }

  /** Analyses and bundles the target's current text, and sends it; a newer call wins. */
  private async sendLoss(): Promise<void> {
    const target = this.target;
    if (!this.panel || !this.ready || !target) return;
    const turn = ++this.sent;
    let doc: vscode.TextDocument;
    try {
      doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.uri) ?? (await vscode.workspace.openTextDocument(vscode.Uri.parse(target.uri)));
    } catch {
      if (turn === this.sent) this.post({ type: 'noLoss', reason: `${target.uri} cannot be opened any more` });
      return;
    }
    const analysis = await this.documents.analysisOf(doc);
    const loss = analysis.losses.find((l) => l.name === target.name);
    if (turn !== this.sent) return;
    if (!loss) return this.post({ type: 'noLoss', reason: `${target.name} is no longer a loss in ${vscode.workspace.asRelativePath(doc.uri)}` });
    const trusted = vscode.workspace.isTrusted;
    const bundle = trusted ? await bundleOffThread({ file: analysisPath(doc), text: analysis.runModule ?? doc.getText(), hiddenLosses: loss.exportName === undefined ? [loss.name] : [] }) : undefined;
    if (turn !== this.sent || !this.panel) return;
    if (bundle) this.log.info(`panel: bundled ${loss.name} in ${Math.round(bundle.ms)} ms`);
    const problem = !trusted
      ? 'This workspace is not trusted, so Loss Lab runs no loss here (curves, gradient check, training). Static analysis still works.'
      : loss.runSkip
        ? loss.runSkip
        : bundle && !bundle.ok
          ? `The module cannot be loaded: ${bundle.message}`
          : undefined;
    this.panel.title = `Loss Lab: ${loss.name}`;
    this.post({
      type: 'loss',
      loss: {
        uri: target.uri,
        file: vscode.workspace.asRelativePath(doc.uri),
        name: loss.name,
        exportName: loss.exportName ?? loss.name,
        kind: loss.kind,
        task: loss.task,
        params: loss.factoryParams.map((p) => ({ name: clip(p.name, 200), defaultText: clip(p.defaultText, 500), ...(p.value === undefined || !Number.isFinite(p.value) ? {} : { value: p.value }) })),
        code: bundle?.ok ? bundle.code : null,
        ...(problem ? { problem: clip(problem, 5000) } : {}),
        ...(trusted ? {} : { untrusted: true }),
        checks: checksForPanel(this.runtime.resultsFor(doc.uri)?.get(loss.name) ?? []),
        errors: errorsOf(analysis, loss).slice(0, 50).map((d) => d.code),
        version: doc.version,
      },
    });
    if (this.trainWhenReady) {
      this.trainWhenReady = false;
      if (bundle?.ok) this.post({ type: 'train' });
    }
    if (this.revealWhenReady) {
      this.post({ type: 'reveal', section: this.revealWhenReady });
      this.revealWhenReady = undefined;
    }
  }

  dispose(): void {
    clearTimeout(this.editTimer);
    this.panel?.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}

function panelSettings(): PanelSettings {
  const settings = readSettings();
  return { backend: settings.panelBackend, seed: settings.seed, timeoutMs: settings.timeoutMs };
}
