// The preview panel's page: talks to the extension host (src/protocol.ts, validated both ways),
// keeps its state through VS Code's getState/setState, and runs the user's loss only in Web Workers
// (loss-worker.ts): one on a CPU backend for curves and gradient checks, one for training.
import { dispatch, hostMessage, type HostMessage, type Handlers, type PageMessage, type PanelLoss, type PanelSettings } from '../src/protocol';
import { describeChecks, describeErrors } from '../src/vscode/summary';
import { describeCharts, followTheme } from './charts';
import { LossWorker, type WorkerSource } from './loss-worker';
import { CurvesView } from './views/curves';
import { element, say } from './views/dom';
import { GradcheckPanel } from './views/gradcheck';
import { Sliders } from './views/sliders';
import { BASELINE_LABELS, DATASET_LABELS, TrainingView, baselinesFor, datasetFor } from './views/training';
import type { DatasetName } from './worker/datasets';
import type { Baseline, LossRef } from './worker/protocol';
import type { WasmFiles } from './worker/backends';
import type { Backend } from '../src/protocol';

interface VsCodeApi {
  postMessage(message: PageMessage): void;
  getState(): unknown;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** What survives a hidden panel and a reload; the host reads uri and name to find the loss again. */
interface PanelState {
  uri?: string;
  name?: string;
  /** Slider values per loss (uri#name). */
  args?: Record<string, Record<string, number>>;
  dataset?: DatasetName;
  baseline?: Baseline;
  epochs?: number;
  /** The backend the trial chose (lossLab.panel.backend = auto), kept while the panel lives. */
  trial?: { backend: Backend; reason: string };
}

const vscode = acquireVsCodeApi();
const state: PanelState = (vscode.getState() as PanelState | null) ?? {};
const saveState = (): void => vscode.setState(state);
const log = (level: 'info' | 'warn' | 'error', message: string): void => vscode.postMessage({ type: 'log', level, message });

followTheme();
const curvesView = new CurvesView();
const gradcheckView = new GradcheckPanel();
const trainingView = new TrainingView();
const sliders = new Sliders((args, values) => {
  if (!current) return;
  state.args = { ...state.args, [keyOf(current)]: values };
  saveState();
  currentArgs = args;
  requestCurves();
  scheduleGradcheck();
});

let settings: PanelSettings = { backend: 'auto', seed: 1, timeoutMs: 5000 };
/**
 * Our worker script, once init says where it is. A message may come before init (the host's
 * queue after the page was recreated): work it starts waits here instead of failing for good.
 */
let giveSource: ((loading: Promise<WorkerSource>) => void) | undefined;
const source = new Promise<WorkerSource>((resolve) => {
  giveSource = resolve;
});
let current: PanelLoss | undefined;
let currentArgs: (number | null)[] = [];
interface TrainingRun {
  code: string;
  id?: number;
  worker?: LossWorker;
  stopRequested?: boolean;
}
let training: TrainingRun | undefined;

const keyOf = (loss: PanelLoss): string => `${loss.uri}#${loss.name}`;
const lossRef = (): LossRef => ({ exportName: current?.exportName ?? '', kind: current?.kind ?? 'loss', args: currentArgs });

/** Our worker script and tfjs's .wasm files as blob URLs, fetched once from the extension's folder. */
async function loadSource(workerUrl: string, wasmUrl: string): Promise<WorkerSource> {
  const script = await (await fetch(workerUrl)).text();
  const wasm: WasmFiles = {};
  await Promise.all(
    (['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'] as const).map(async (name) => {
      try {
        const response = await fetch(`${wasmUrl}/${name}`);
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        wasm[name] = URL.createObjectURL(new Blob([await response.arrayBuffer()], { type: 'application/wasm' }));
      } catch (error) {
        log('warn', `the wasm backend is unavailable: ${name} could not be loaded (${(error as Error).message})`);
      }
    }),
  );
  return { script, wasm };
}

interface Workers {
  curves: LossWorker;
  training: LossWorker;
}
/** The workers of the current code: one promise per code, made before any await, so concurrent callers share it. */
let pool: { code: string; ready: Promise<Workers> } | undefined;

function workersFor(code: string): Promise<Workers> {
  if (pool?.code === code) return pool.ready;
  const old = pool;
  const report = (level: 'warn' | 'error', message: string): void => log(level, message);
  const ready = source.then((loaded) => ({
    curves: new LossWorker(loaded, 'curves', code, report),
    training: new LossWorker(loaded, 'training', code, report),
  }));
  const entry = { code, ready };
  pool = entry;
  // A failure is not kept: the next request for this code tries again.
  ready.catch(() => pool === entry && (pool = undefined));
  if (training && training.code !== code) stopTraining('the loss changed: train again to see the new one');
  old?.ready.then((w) => [w.curves, w.training].forEach((worker) => worker.dispose()), () => undefined);
  return ready;
}

// Slider moves arrive faster than curves compute: one request in flight, the latest one queued.
let curvesBusy = false;
/** Curves drawn so far: the tests and the benchmark wait for the next one. */
let drawings = 0;
let curvesQueued = false;
function requestCurves(): void {
  if (curvesBusy) {
    curvesQueued = true;
    return;
  }
  const loss = current;
  if (!loss?.code) return;
  curvesBusy = true;
  const started = performance.now();
  const ref = lossRef();
  workersFor(loss.code)
    .then((w) => w.curves.ask({ type: 'curves', loss: ref, task: loss.task }, 'curves', settings.timeoutMs))
    .then((reply) => {
      if (loss !== current) return;
      const drawMs = curvesView.show(reply.curves);
      const total = performance.now() - started;
      const box = element('curves');
      drawings++;
      Object.assign(box.dataset, { computeMs: reply.curves.ms.toFixed(1), drawMs: drawMs.toFixed(1), totalMs: total.toFixed(1), points: String(reply.curves.x.length), drawings: String(drawings) });
      say('curve-timing', `computed in ${Math.round(reply.curves.ms)} ms, drawn in ${Math.round(drawMs)} ms`);
    })
    .catch((error: Error) => {
      if (loss !== current) return;
      curvesView.clear(`The curves could not be computed: ${error.message}`);
      log('warn', `curves of ${loss.name}: ${error.message}`);
    })
    .finally(() => {
      curvesBusy = false;
      if (curvesQueued) {
        curvesQueued = false;
        requestCurves();
      }
    });
}

let gradcheckTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleGradcheck(delay = 250): void {
  clearTimeout(gradcheckTimer);
  gradcheckTimer = setTimeout(runGradcheck, delay);
}
function runGradcheck(): void {
  const loss = current;
  if (!loss?.code) return;
  say('gradcheck-status', 'Checking…');
  const ref = lossRef();
  workersFor(loss.code)
    .then((w) => w.curves.ask({ type: 'gradcheck', loss: ref, task: loss.task, seed: settings.seed }, 'gradcheck', settings.timeoutMs))
    .then((reply) => loss === current && gradcheckView.show(reply.result))
    .catch((error: Error) => loss === current && gradcheckView.clear(`The gradient check could not run: ${error.message}`));
}

/** How many lossLab.timeoutMs a training run may go without a reply (the backend trial is the longest wait). */
const TRAINING_SILENCE = 5;

function startTraining(): void {
  const loss = current;
  if (!loss?.code) return;
  stopTraining();
  const dataset = element('dataset', HTMLSelectElement).value as DatasetName;
  const baseline = element('baseline', HTMLSelectElement).value as Baseline;
  const epochs = Math.max(1, Math.min(1000, Math.round(Number(element('epochs', HTMLInputElement).value) || 60)));
  Object.assign(state, { dataset, baseline, epochs });
  saveState();
  const kept = settings.backend === 'auto' ? state.trial : undefined;
  trainingView.start(baseline, settings.backend === 'auto' && !kept);
  setTraining(true);
  // Replies of an earlier run (stopped, replaced) arrive late: each callback checks it is still this run.
  const ready = workersFor(loss.code);
  const run: TrainingRun = { code: loss.code };
  training = run;
  const request = { type: 'train', loss: lossRef(), dataset, labels: loss.task === 'sparse' ? 'sparse' : 'one-hot', baseline, epochs, backend: settings.backend, seed: settings.seed, ...(kept ? { kept } : {}) } as const;
  const end = (message: string, failed = false): void => {
    if (training !== run) return;
    training = undefined;
    if (failed) trainingView.fail(message);
    else trainingView.finish(message);
    setTraining(false);
  };
  ready.then((w) => {
    if (training !== run) return;
    run.worker = w.training;
    run.id = w.training.request(
      request,
      (reply) => {
        if (training !== run) return reply.type === 'done';
        if (reply.type === 'data') trainingView.showData(reply.data);
        else if (reply.type === 'backend') {
          trainingView.showBackend(reply);
          if (settings.backend === 'auto' && !reply.kept && reply.trials.some((t) => t.msPerEpoch !== null)) {
            state.trial = { backend: reply.backend, reason: reply.reason };
            saveState();
          }
          log('info', `training ${loss.name} on ${reply.backend} (${reply.renderer}): ${reply.kept ? 'kept from the earlier trial' : reply.reason}`);
        } else if (reply.type === 'epoch') trainingView.addEpoch(reply.report, epochs);
        else if (reply.type === 'done') end(reply.stopped ? 'stopped' : 'done');
        return reply.type === 'done';
      },
      (message) => {
        if (training !== run) return;
        log('warn', `training ${loss.name}: ${message}`);
        // A loss that cannot train says so itself; anything else may be the backend's fault: time them again next run.
        if (!/^Your loss cannot train/.test(message)) forgetTrial();
        end(/^Your loss cannot train/.test(message) ? message : `Training failed: ${message}`, true);
      },
      // A run may take minutes, but each epoch answers: a worker silent this long is stuck in the loss.
      TRAINING_SILENCE * settings.timeoutMs,
    );
    if (run.stopRequested) w.training.stop(run.id);
  }, (error: Error) => end(`Training could not start: ${error.message}`, true));
}

/** Re-time is for the measured choice only. */
function showRetime(): void {
  element('retime').hidden = settings.backend !== 'auto';
}

function forgetTrial(): void {
  delete state.trial;
  saveState();
}

/** Asks the running training to stop: it ends at its next epoch (or as soon as it has started), with 'stopped'. */
function requestStop(): void {
  if (!training) return;
  training.stopRequested = true;
  if (training.worker && training.id !== undefined) training.worker.stop(training.id);
}

/** Abandons the running training at once (the loss changed, or a new run starts), saying why if `message`. */
function stopTraining(message?: string): void {
  const run = training;
  if (!run) return;
  training = undefined;
  if (run.worker && run.id !== undefined) run.worker.stop(run.id);
  if (message) trainingView.finish(message);
  setTraining(false);
}

function setTraining(running: boolean): void {
  element('train', HTMLButtonElement).disabled = running || document.body.dataset.runnable !== 'true';
  element('retime', HTMLButtonElement).disabled = running || document.body.dataset.runnable !== 'true';
  element('stop', HTMLButtonElement).disabled = !running;
  element('training').dataset.state = running ? 'running' : 'idle';
}

/** Why the loss cannot run, said once above everything, with VS Code's trust editor a click away when trust is the reason. */
function showProblem(problem: string | undefined, untrusted: boolean): void {
  element('problem-box').hidden = !problem;
  say('problem', problem ?? '');
  element('manage-trust', HTMLButtonElement).hidden = !untrusted;
}

/** Without code to run the cards are hidden and their buttons disabled: nothing looks as if it could run. */
function setRunnable(runnable: boolean): void {
  document.body.dataset.runnable = String(runnable);
  element('recheck', HTMLButtonElement).disabled = !runnable;
  if (!training) for (const id of ['train', 'retime']) element(id, HTMLButtonElement).disabled = !runnable;
}

function fillSelect(select: HTMLSelectElement, options: [string, string][], value: string | undefined): void {
  select.replaceChildren(...options.map(([v, label]) => new Option(label, v, false, v === value)));
  if (value && !options.some(([v]) => v === value)) select.selectedIndex = 0;
}

function showTrainingControls(loss: PanelLoss): void {
  const datasetSelect = element('dataset', HTMLSelectElement);
  const dataset = state.dataset ?? datasetFor(loss.task);
  fillSelect(datasetSelect, Object.entries(DATASET_LABELS) as [string, string][], dataset);
  const updateBaselines = (): void => {
    const chosen = datasetSelect.value as DatasetName;
    fillSelect(element('baseline', HTMLSelectElement), baselinesFor(chosen, loss.task).map((b) => [b, BASELINE_LABELS[b]]), state.baseline);
    say('dataset-hint', chosen === datasetFor(loss.task) ? '' : `This set's labels are not those of a ${loss.task} loss: expect odd results.`);
  };
  datasetSelect.onchange = updateBaselines;
  updateBaselines();
  if (state.epochs) element('epochs', HTMLInputElement).value = String(state.epochs);
}

function showLoss(loss: PanelLoss): void {
  const previous = current;
  const sameLoss = previous !== undefined && keyOf(previous) === keyOf(loss);
  const sameParams = sameLoss && JSON.stringify(previous.params) === JSON.stringify(loss.params);
  // The host resends after each check run and each edit: recompute only what the loss's code or task changed.
  const unchanged = sameParams && previous.code === loss.code && previous.task === loss.task;
  // Unchanged, the loss keeps its identity: replies on their way for it are still wanted.
  current = unchanged ? Object.assign(previous, loss) : loss;
  Object.assign(state, { uri: loss.uri, name: loss.name });
  saveState();
  say('loss-name', loss.name);
  say('loss-where', `${loss.file} · task ${loss.task}${loss.kind === 'factory' ? ' · factory' : ''}`);
  // The editor's words (src/vscode/summary.ts): warn as warn, skip as skip, and the errors in the code beside them.
  const errors = (loss.errors ?? []).map((code) => ({ code }));
  const code = describeErrors(errors);
  say('loss-checks', loss.checks.length === 0 ? (code ? `Not checked; ${code}.` : '') : `Checks: ${describeChecks(loss.checks)}${code ? `; ${code}` : ''}.`);
  showProblem(loss.problem, loss.untrusted === true);
  setRunnable(loss.code !== null);
  if (!sameParams) currentArgs = sliders.show(loss.params, state.args?.[keyOf(loss)]);
  if (!sameLoss) showTrainingControls(loss);
  if (unchanged) return;
  if (!loss.code) {
    // The problem above says why, once; the charts are hidden, not drawn empty.
    curvesView.clear('');
    gradcheckView.clear('');
    stopTraining();
    return;
  }
  requestCurves();
  scheduleGradcheck(sameLoss ? 250 : 0);
}

const handlers: Handlers<HostMessage> = {
  init: (message) => {
    settings = message.settings;
    showRetime();
    if (!giveSource) return; // a second init (the host resends after each 'ready'): the page already loads its worker
    const loading = loadSource(message.workerUrl, message.wasmUrl);
    loading.catch((error: Error) => log('error', `the worker script could not be loaded: ${error.message}`));
    giveSource(loading);
    giveSource = undefined;
  },
  loss: (message) => showLoss(message.loss),
  noLoss: (message) => {
    current = undefined;
    stopTraining('the loss is gone');
    say('loss-name', 'No loss');
    say('loss-where', message.reason);
    say('loss-checks', '');
    showProblem(undefined, false);
    setRunnable(false);
    currentArgs = sliders.show([], undefined);
    curvesView.clear(message.reason);
    gradcheckView.clear('');
  },
  settings: (message) => {
    settings = message.settings;
    showRetime();
  },
  train: () => {
    element('training').scrollIntoView({ block: 'start' });
    startTraining();
  },
  reveal: (message) => {
    element(message.section).scrollIntoView({ block: 'start' });
    if (message.section === 'gradcheck') element('gradcheck-title').focus({ preventScroll: true });
  },
};

window.addEventListener('message', (event: MessageEvent) => dispatch(hostMessage, handlers, event.data, (error) => log('warn', error)));
element('train', HTMLButtonElement).addEventListener('click', startTraining);
element('stop', HTMLButtonElement).addEventListener('click', requestStop);
element('retime', HTMLButtonElement).addEventListener('click', () => {
  forgetTrial();
  startTraining();
});
element('recheck', HTMLButtonElement).addEventListener('click', () => runGradcheck());
element('manage-trust', HTMLButtonElement).addEventListener('click', () => vscode.postMessage({ type: 'manageTrust' }));
vscode.postMessage({ type: 'ready' });

/** For the page's tests and the benchmark: what the training view shows, as numbers. */
(globalThis as Record<string, unknown>).lossLabPanel = { training: () => trainingView.summary(), charts: describeCharts };
