// The preview panel's HTML: the page skeleton the webview bundle fills in, under a strict
// Content-Security-Policy. Used by the extension (src/vscode/panel.ts) and by the page's tests,
// which serve the same HTML with the same policy.

export interface PanelHtmlOptions {
  /** webview.cspSource: the origin of the extension's files. */
  cspSource: string;
  nonce: string;
  scriptUrl: string;
  styleUrl: string;
  /** Scripts to run first, with the nonce (the tests' acquireVsCodeApi stand-in). */
  preludeUrls?: string[];
}

/**
 * The policy: nothing by default; scripts only with the nonce; styles and fetches (our worker
 * script, tfjs's .wasm files) only from the extension's folder; workers only from blob: URLs (the
 * page builds each worker from our script plus the loss module: a webview may not start a worker
 * from another origin), which the worker may fetch (the .wasm bytes); 'wasm-unsafe-eval' compiles
 * WebAssembly and nothing else (no eval, no Function).
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'wasm-unsafe-eval'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `connect-src ${cspSource} blob:`,
    'worker-src blob:',
  ].join('; ');
}

export function panelHtml(o: PanelHtmlOptions): string {
  const scripts = [...(o.preludeUrls ?? []), o.scriptUrl].map((src) => `<script nonce="${o.nonce}" src="${src}"></script>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(o.cspSource, o.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${o.styleUrl}">
<title>Loss Lab</title>
</head>
<body data-runnable="false">
<header>
  <h1 id="loss-name">Loss Lab</h1>
  <p id="loss-where" class="muted">Waiting for the editor…</p>
  <p id="loss-checks" class="muted"></p>
  <div id="problem-box" class="problem" role="alert" hidden>
    <p id="problem"></p>
    <p><button id="manage-trust" type="button" hidden>Manage Workspace Trust</button></p>
  </div>
</header>
<main>
<section id="sliders-box" class="card" aria-labelledby="sliders-title" hidden>
  <h2 id="sliders-title">Factory parameters</h2>
  <div id="sliders"></div>
</section>
<section id="curves" class="card wide" aria-labelledby="curves-title">
  <h2 id="curves-title">Loss and slope</h2>
  <div class="pair">
    <div class="chart"><canvas id="loss-chart" role="img" aria-label="The loss as yPred sweeps, with the built-in losses"></canvas></div>
    <div class="chart"><canvas id="grad-chart" role="img" aria-label="The slope of the loss as yPred sweeps"></canvas></div>
  </div>
  <p><span id="curve-notes" class="muted"></span> <span id="curve-timing" class="muted"></span></p>
  <details id="values"><summary>Values</summary><div class="scroll"><table id="values-table"></table></div></details>
</section>
<section id="robustness" class="card" aria-labelledby="robustness-title">
  <h2 id="robustness-title">Robustness</h2>
  <p id="robustness-sentence"></p>
  <div id="influence-chart-box" class="chart small"><canvas id="influence-chart" role="img" aria-label="Influence against the residual, with MSE and MAE"></canvas></div>
</section>
<section id="gradcheck" class="card" aria-labelledby="gradcheck-title">
  <h2 id="gradcheck-title" tabindex="-1">Gradient check</h2>
  <p id="gradcheck-status" class="status"></p>
  <p><span id="gradcheck-meta" class="muted"></span> <button id="recheck" type="button" disabled>Check again</button></p>
  <div class="chart small"><canvas id="gradcheck-chart" role="img" aria-label="Autodiff against central differences, per element"></canvas></div>
  <div class="scroll short"><table id="gradcheck-table"></table></div>
</section>
<section id="training" class="card wide" aria-labelledby="training-title" data-state="idle">
  <h2 id="training-title">Mini training</h2>
  <div class="controls">
    <label>Data <select id="dataset"></select></label>
    <label>Baseline <select id="baseline"></select></label>
    <label>Epochs <input id="epochs" type="number" min="1" max="1000" value="60"></label>
    <span class="buttons">
      <button id="train" type="button" disabled>Train</button>
      <button id="stop" type="button" disabled>Stop</button>
    </span>
    <button id="retime" type="button" class="secondary" title="Time webgl, wasm and cpu again, then train on the fastest" disabled>Re-time backends</button>
  </div>
  <p id="dataset-hint" class="muted"></p>
  <p id="train-backend" class="muted"></p>
  <p id="train-progress" aria-live="polite">Train a small network with this loss and with a built-in one, from the same initial weights on the same data.</p>
  <div id="train-charts" class="triple" hidden>
    <div class="chart"><canvas id="train-data-chart" role="img" aria-label="The training data with what each model learned"></canvas></div>
    <div class="chart"><canvas id="train-loss-chart" role="img" aria-label="Training loss per epoch"></canvas></div>
    <div class="chart"><canvas id="train-metric-chart" role="img" aria-label="Metric per epoch"></canvas></div>
  </div>
</section>
</main>
${scripts}
</body>
</html>`;
}
