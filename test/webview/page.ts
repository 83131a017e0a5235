// The panel's built page (dist/webview) in Debian's headless Chromium, served on 127.0.0.1 with
// the HTML and Content-Security-Policy the extension gives it (src/webview-html.ts). A stand-in for
// acquireVsCodeApi records what the page posts and keeps its state; the tests post host messages
// as VS Code does (window messages), with losses bundled by the real core/run/bundle.ts.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { bundleLoss } from '../../src/core/run/bundle';
import type { HostMessage, PageMessage, PanelLoss, PanelSettings } from '../../src/protocol';
import { panelHtml } from '../../src/webview-html';

const ROOT = path.resolve(__dirname, '..', '..');
export const RESULTS = path.join(ROOT, 'test-results');
const FILES: Record<string, string> = {
  '/webview/main.js': 'dist/webview/main.js',
  '/webview/worker.js': 'dist/webview/worker.js',
  '/webview/panel.css': 'dist/webview/panel.css',
  '/wasm/tfjs-backend-wasm.wasm': 'dist/wasm/tfjs-backend-wasm.wasm',
  '/wasm/tfjs-backend-wasm-simd.wasm': 'dist/wasm/tfjs-backend-wasm-simd.wasm',
};
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.html': 'text/html' };

/** A few of the default themes' variables, as VS Code sets them on the page. */
const THEMES: Record<'light' | 'dark', Record<string, string>> = {
  light: {
    '--vscode-foreground': '#3b3b3b', '--vscode-editor-background': '#ffffff', '--vscode-descriptionForeground': '#717171', '--vscode-editorWidget-background': '#f8f8f8',
    '--vscode-widget-border': '#e5e5e5', '--vscode-charts-blue': '#1a85ff', '--vscode-charts-red': '#e51400', '--vscode-charts-green': '#388a34', '--vscode-charts-orange': '#d18616',
    '--vscode-charts-purple': '#652d90', '--vscode-charts-yellow': '#bf8803', '--vscode-button-background': '#005fb8', '--vscode-button-foreground': '#ffffff', '--vscode-errorForeground': '#f85149',
    '--vscode-input-background': '#ffffff', '--vscode-input-border': '#cecece', '--vscode-font-family': 'system-ui, sans-serif', '--vscode-font-size': '13px',
    // Light Modern's status colours, made for icons: as text on white they miss WCAG AA.
    '--vscode-testing-iconPassed': '#73c991', '--vscode-editorWarning-foreground': '#bf8803', '--vscode-button-secondaryBackground': '#e5e5e5', '--vscode-button-secondaryForeground': '#3b3b3b',
  },
  dark: {
    '--vscode-foreground': '#cccccc', '--vscode-editor-background': '#1f1f1f', '--vscode-descriptionForeground': '#9d9d9d', '--vscode-editorWidget-background': '#202020',
    '--vscode-widget-border': '#313131', '--vscode-charts-blue': '#3794ff', '--vscode-charts-red': '#f14c4c', '--vscode-charts-green': '#89d185', '--vscode-charts-orange': '#d18616',
    '--vscode-charts-purple': '#b180d7', '--vscode-charts-yellow': '#cca700', '--vscode-button-background': '#0078d4', '--vscode-button-foreground': '#ffffff', '--vscode-errorForeground': '#f85149',
    '--vscode-input-background': '#313131', '--vscode-input-border': '#3c3c3c', '--vscode-font-family': 'system-ui, sans-serif', '--vscode-font-size': '13px',
    '--vscode-testing-iconPassed': '#73c991', '--vscode-editorWarning-foreground': '#cca700', '--vscode-button-secondaryBackground': '#313131', '--vscode-button-secondaryForeground': '#cccccc',
  },
};

function stubScript(theme: 'light' | 'dark', state: unknown): string {
  return `(() => {
  const theme = ${JSON.stringify(THEMES[theme])};
  for (const [k, v] of Object.entries(theme)) document.documentElement.style.setProperty(k, v);
  document.addEventListener('DOMContentLoaded', () => document.body.classList.add(${JSON.stringify(`vscode-${theme}`)}));
  // tsx names the functions it compiles with a __name helper; page.evaluate sends them here without it.
  window.__name = (f) => f;
  window.__posted = [];
  window.__state = ${JSON.stringify(state ?? null)};
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return { postMessage: (m) => window.__posted.push(m), getState: () => window.__state, setState: (s) => { window.__state = s; } };
  };
})();`;
}

export interface PanelPage {
  page: Page;
  /** Sends a host message to the page as VS Code does. */
  send(message: HostMessage | Record<string, unknown>): Promise<void>;
  posted(): Promise<PageMessage[]>;
  state(): Promise<Record<string, unknown> | null>;
  url: string;
}

export class PanelServer {
  private server: http.Server | undefined;
  private context: BrowserContext | undefined;
  private origin = '';
  private stubs = new Map<string, string>();
  /** Violations of the page's CSP, from the browser's console: there must be none. */
  readonly cspViolations: string[] = [];

  /** `wasm: false` serves no .wasm files, as where they cannot load: the page falls back to tfjs's cpu backend. */
  constructor(private readonly options: { wasm?: boolean } = {}) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', this.origin || 'http://127.0.0.1');
      const stub = this.stubs.get(url.pathname);
      if (stub !== undefined) return this.reply(res, url.pathname, stub);
      if (url.pathname === '/index.html') {
        const nonce = Math.random().toString(36).slice(2);
        const html = panelHtml({ cspSource: this.origin, nonce, scriptUrl: '/webview/main.js', styleUrl: '/webview/panel.css', preludeUrls: [`/stub-${url.searchParams.get('stub')}.js`] });
        return this.reply(res, 'index.html', html);
      }
      const file = FILES[url.pathname];
      if (!file || (this.options.wasm === false && file.endsWith('.wasm'))) {
        res.writeHead(404).end();
        return;
      }
      this.reply(res, file, fs.readFileSync(path.join(ROOT, file)));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lab-webview-')), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1100, height: 900 },
      args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }

  private reply(res: http.ServerResponse, name: string, body: string | Buffer): void {
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(name)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    res.end(body);
  }

  /** A fresh page, as VS Code opens (or restores, with `state`) the panel. */
  async open(options: { theme?: 'light' | 'dark'; state?: unknown; width?: number } = {}): Promise<PanelPage> {
    if (!this.context) throw new Error('start() first');
    const id = String(this.stubs.size);
    this.stubs.set(`/stub-${id}.js`, stubScript(options.theme ?? 'light', options.state));
    const page = await this.context.newPage();
    if (options.width) await page.setViewportSize({ width: options.width, height: 900 });
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) this.cspViolations.push(m.text());
    });
    const url = `${this.origin}/index.html?stub=${id}`;
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
    return {
      page,
      url,
      send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
      posted: () => page.evaluate(() => (window as unknown as { __posted: PageMessage[] }).__posted),
      state: () => page.evaluate(() => (window as unknown as { __state: Record<string, unknown> | null }).__state),
    };
  }

  /** The init message the extension sends after 'ready'. */
  init(settings: Partial<PanelSettings> = {}): HostMessage {
    return { type: 'init', workerUrl: `${this.origin}/webview/worker.js`, wasmUrl: `${this.origin}/wasm`, settings: { backend: 'auto', seed: 1, timeoutMs: 10_000, ...settings } };
  }

  async stop(): Promise<void> {
    await this.context?.close();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** A loss message for a function of a file in test/fixtures, bundled as the extension bundles it. */
export async function lossFrom(
  file: string,
  name: string,
  loss: Partial<PanelLoss> = {},
  text?: string,
): Promise<Extract<HostMessage, { type: 'loss' }>> {
  const absolute = path.join(ROOT, 'test', 'fixtures', file);
  const bundle = await bundleLoss({ file: absolute, ...(text === undefined ? {} : { text }) });
  if (!bundle.ok) throw new Error(bundle.message);
  return {
    type: 'loss',
    loss: { uri: `file://${absolute}`, file, name, exportName: name, kind: 'loss', task: 'regression', params: [], code: bundle.code, checks: [], version: 1, ...loss },
  };
}

/** Pixels of a canvas that differ from its most common colour: 0 for a blank chart. */
export async function inkOf(page: Page, canvasId: string): Promise<number> {
  return page.evaluate((id) => {
    const canvas = document.getElementById(id) as HTMLCanvasElement;
    const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
    if (!data) return 0;
    let ink = 0;
    for (let i = 3; i < data.length; i += 4) if ((data[i] as number) > 0) ink++;
    return ink;
  }, canvasId);
}

/** A panel server for the suite it is called in: started before its tests (with the results folder), stopped after. */
export function suiteServer(): PanelServer {
  const server = new PanelServer();
  before(async () => {
    fs.mkdirSync(RESULTS, { recursive: true });
    await server.start();
  });
  after(() => server.stop());
  return server;
}
