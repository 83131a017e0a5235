// The preview panel beside the editor: one at a time, revealed if it exists, restored after a
// reload. Until the curves land it shows the loss, its task and its last checks.
import * as crypto from 'crypto';
import * as vscode from 'vscode';
import type { LossInfo } from '../core/analyze';
import type { LossRuntime } from './runtime';

export type PanelMode = 'curves' | 'training';
export const PANEL_TYPE = 'lossLab.preview';

export class PreviewPanels implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly runtime: LossRuntime) {}

  show(doc: vscode.TextDocument, loss: LossInfo, mode: PanelMode): void {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(PANEL_TYPE, 'Loss Lab', vscode.ViewColumn.Beside, {
        enableScripts: false,
        localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    this.panel.title = `Loss Lab: ${loss.name}`;
    this.panel.webview.html = this.html(this.panel.webview, doc, loss, mode);
    this.panel.reveal(vscode.ViewColumn.Beside, true);
  }

  private html(webview: vscode.Webview, doc: vscode.TextDocument, loss: LossInfo, mode: PanelMode): string {
    const nonce = crypto.randomBytes(16).toString('base64');
    const checks = this.runtime.resultsFor(doc.uri)?.get(loss.name) ?? [];
    const rows = checks.map((c) => `<tr><td>${escape(c.id)}</td><td class="${c.status}">${escape(c.status)}</td><td>${escape(c.message)}</td></tr>`).join('');
    const params = loss.factoryParams.map((p) => `${escape(p.name)} = ${escape(p.defaultText)}`).join(', ');
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource} 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1em; }
td { padding: 2px 8px; vertical-align: top; } .fail { color: var(--vscode-errorForeground); } .warn { color: var(--vscode-editorWarning-foreground); }
</style><title>Loss Lab</title></head>
<body><h2>${escape(loss.name)}</h2>
<p>${escape(loss.kind)}${params ? ` (${params})` : ''}, task ${escape(loss.task)}. ${mode === 'training' ? 'Mini training' : 'Loss and gradient curves'} will show here.</p>
${rows ? `<table>${rows}</table>` : '<p>Run <b>Check</b> to see the runtime checks of this loss.</p>'}
</body></html>`;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
