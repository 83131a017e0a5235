// Runs user losses in child processes, never in the caller's process: a loss that kills its
// process, blocks in a native call or fills memory outside the JS heap takes only its own process
// with it. Each file gets a fresh process (no state crosses from one file's losses to another's);
// warm spares, started ahead with tfjs loaded, spare a check the process start. Limits: time
// (SIGKILL to the process group, which also stops native calls and the processes the loss started)
// and memory (the whole process's resident size, watched from here, plus V8's heap limit).
// Replies are parsed with the protocol's schema and must carry the waiting run's token.
import { fork, type ChildProcess } from 'child_process';
import { randomUUID } from 'crypto';
import pidusage from 'pidusage';
import { findBuilt } from '../built-files';
import type { CheckResult, Task } from '../report';
import { childReply, type CheckJob, type ChildReply, type ChildRequest, type LoadJob } from './protocol';

export interface RunnerOptions {
  /** Default time limit of a run (the checks of one loss, or loading a module), in ms. */
  timeoutMs?: number;
  /** Memory limit of a loss's process, in MB: its resident size, and V8's heap. */
  memoryMb?: number;
  /** The built child script; found next to this bundle or in dist/ by default. */
  workerFile?: string;
  /** Files checked at the same time, each in its own process (default 1). */
  jobs?: number;
  /**
   * A spare process runs the checks once on a built-in loss before it is offered (default true): a
   * fresh process runs tfjs and the checks cold, about twice as slow. Worth it where a spare has time
   * to warm up (the editor); a batch that keeps every core busy may do without.
   */
  warmUp?: boolean;
  /**
   * Most check processes alive at once, spares included (default: twice `jobs`, each file's process
   * and a spare warming up for the next). The CLI says `jobs`: `--jobs N` means N processes, as
   * make's -j does; a spare that warms up while every core checks a file only takes their time.
   */
  processes?: number;
}

/** The end of what a loss's process printed; the rest is dropped and counted. */
export interface OutputTail {
  text: string;
  /** Characters printed before `text`, dropped. */
  dropped: number;
}

interface OutputBuffer extends OutputTail {
  /** Characters printed since the process started. */
  total: number;
}

export interface RunOutcome {
  checks: CheckResult[];
  /** The tfjs backend the checks ran on. */
  backend?: string;
  /** The task preset the checks ran with, when the worker chose another than the job's. */
  task?: Task;
  ms: number;
}

const START_LIMIT_MS = 60_000;
const OUTPUT_KEEP = 8 * 1024;
const WATCH_MS = 100;
export const DEFAULT_MEMORY_MB = 1024;

interface Child {
  proc: ChildProcess;
  ready: Promise<string>;
  output: OutputBuffer;
  /** Why the process is gone, once it is. */
  ended?: string;
  /** Set by the watchdog: the resident size in MB that went over the limit. */
  overMemory?: number;
  onEnd: Set<(why: string) => void>;
  /** Settles when the process's stdout and stderr have been read to their end (or given up on). */
  drained: Promise<void>;
}

export class LossRunner {
  private readonly spares: Child[] = [];
  private readonly leased = new Set<FileSession>();
  private readonly waiting: (() => void)[] = [];
  private disposed = false;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  readonly jobs: number;
  private readonly warm: boolean;
  private readonly processes: number;
  private readonly workerFile: string;
  private readonly watchdog: ReturnType<typeof setInterval>;

  constructor(options: RunnerOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.memoryMb = options.memoryMb ?? DEFAULT_MEMORY_MB;
    this.jobs = Math.max(1, Math.floor(options.jobs ?? 1));
    this.warm = options.warmUp ?? true;
    this.processes = Math.max(this.jobs, Math.floor(options.processes ?? 2 * this.jobs));
    this.workerFile = options.workerFile ?? findBuilt('worker.js');
    this.watchdog = setInterval(() => this.watch(), WATCH_MS);
    this.watchdog.unref();
  }

  /**
   * A fresh process for one file's losses, when one of the `jobs` slots is free. `spare`: start
   * another process ahead for the next file (default true; the CLI says false for its last files).
   */
  async session(options: { spare?: boolean } = {}): Promise<FileSession> {
    if (this.disposed) throw new Error('the runner was disposed');
    while (this.leased.size >= this.jobs) await new Promise<void>((resolve) => this.waiting.push(resolve));
    const child = this.spares.shift() ?? this.start();
    const session = new FileSession(this, child);
    this.leased.add(session);
    if (options.spare !== false) this.keepSpares();
    return session;
  }

  /** Starts a spare process ahead of the first run (tfjs takes a moment to load); resolves when it is ready. */
  async warmUp(): Promise<string> {
    this.keepSpares();
    const spare = this.spares[0];
    if (!spare) return '';
    // Held while waited for: an idle spare alone does not keep the caller's process alive.
    refChild(spare);
    try {
      return await spare.ready;
    } finally {
      if (this.spares.includes(spare)) unrefChild(spare);
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearInterval(this.watchdog);
    for (const child of this.spares.splice(0)) kill(child, 'the runner was disposed');
    for (const session of [...this.leased]) session.close();
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  /** @internal A session's process is done with: the slot goes to the next file. */
  release(session: FileSession): void {
    if (!this.leased.delete(session)) return;
    this.waiting.shift()?.();
  }

  /** Check processes alive now: the spares and the files' processes. */
  get alive(): number {
    return this.spares.length + this.leased.size;
  }

  /**
   * Starts up to `count` processes ahead (within `jobs` spares and the `processes` limit), for files
   * about to come: the CLI starts them while it analyses the files.
   */
  prestart(count: number): void {
    this.keepSpares(count);
  }

  private keepSpares(count = this.jobs): void {
    const wanted = Math.min(count, this.jobs);
    while (!this.disposed && this.spares.length < wanted && this.spares.length + this.leased.size < this.processes) this.spares.push(this.start());
  }

  private start(): Child {
    const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
    delete env.NODE_OPTIONS; // the caller's preloads are not the loss's
    const proc = fork(this.workerFile, this.warm ? ['--warm-up'] : [], {
      // V8 optimises a function once it has run a while (its "interrupt budget"); in a process that
      // lives a second, most of that optimising, done on a second core, never pays back. Eight times
      // the default budget: 10–15 % less CPU per file, the same time (DESIGN.md "Check processes").
      execArgv: [`--max-old-space-size=${this.memoryMb}`, `--interrupt-budget=${8 * 67_584}`],
      // The loss's console output and tfjs's banner must not mix into the caller's stdout (JSON).
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // NaN and Infinity survive structured clone; JSON would make them null.
      serialization: 'advanced',
      // Its own process group, so that a kill also reaches what the loss started (execSync's child).
      detached: process.platform !== 'win32',
      env,
    });
    const child: Child = { proc, ready: Promise.resolve(''), output: { text: '', dropped: 0, total: 0 }, onEnd: new Set(), drained: Promise.resolve() };
    // Both pipes closed (the process's own 'close' also waits for its IPC channel, which may linger).
    const closed = (stream: NodeJS.ReadableStream | null): Promise<void> => (stream ? new Promise((resolve) => stream.once('close', () => resolve())) : Promise.resolve());
    child.drained = Promise.all([closed(proc.stdout), closed(proc.stderr)]).then(() => undefined);
    const keep = (chunk: Buffer): void => {
      const added = chunk.toString('utf8');
      const text = child.output.text + added;
      const cut = Math.max(0, text.length - OUTPUT_KEEP);
      child.output.total += added.length;
      child.output.dropped += cut;
      child.output.text = text.slice(cut);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    // Messages nobody waits for (a module's own process.send, replies after a timeout) are dropped
    // here: with no 'message' listener Node queues them on the channel, and one that arrives after
    // the channel is closed throws in this process (a TypeError in its child_process internals).
    proc.on('message', () => undefined);
    const end = (why: string): void => markEnded(child, why);
    // After its exit, what it printed last may still be in the pipes: read it first (a short while:
    // a process the loss started may hold them open).
    proc.once('exit', (code, signal) => {
      const why = signal ? `signal ${signal}` : `exit code ${code}`;
      const timer = setTimeout(() => end(why), 200);
      void child.drained.then(() => {
        clearTimeout(timer);
        end(why);
      });
    });
    proc.once('error', (error) => end(`error: ${error.message}`));
    proc.once('disconnect', () => setTimeout(() => end('disconnected'), 200).unref());
    child.ready = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the check process did not start within ${START_LIMIT_MS / 1000} s`)), START_LIMIT_MS);
      timer.unref();
      const onMessage = (message: unknown): void => {
        const reply = childReply.safeParse(message);
        if (reply.success && reply.data.type === 'ready') {
          clearTimeout(timer);
          proc.off('message', onMessage);
          resolve(reply.data.backend);
        }
      };
      proc.on('message', onMessage);
      child.onEnd.add((why) => {
        clearTimeout(timer);
        reject(new Error(`the check process stopped while starting (${why})${lastOutput(child)}`));
      });
    });
    child.ready.catch(() => undefined);
    // A spare that has not been used must not keep the caller alive.
    unrefChild(child);
    return child;
  }

  private watch(): void {
    for (const session of this.leased) {
      const child = session.child;
      const pid = child.proc.pid;
      if (child.ended || pid === undefined) continue;
      pidusage(pid, (error, stats) => {
        if (error || !stats || child.ended) return;
        const mb = stats.memory / (1024 * 1024);
        if (mb > this.memoryMb) {
          child.overMemory = Math.round(mb);
          kill(child, 'memory');
        }
      });
    }
    if (this.leased.size === 0) pidusage.clear();
  }
}

/** One file's process: its module is loaded once, then each loss is checked in turn. */
export class FileSession {
  private closed = false;

  constructor(
    private readonly runner: LossRunner,
    /** @internal */ readonly child: Child,
  ) {}

  /** Loads the file's module; the failed check that says why it cannot be loaded, or undefined. */
  async load(job: LoadJob, timeoutMs = this.runner.timeoutMs): Promise<CheckResult | undefined> {
    const started = performance.now();
    const answer = await this.exchange({ type: 'load', run: '', job }, timeoutMs, 'loading the module');
    if ('failure' in answer) return answer.failure;
    if (answer.reply.type === 'loaded' && !answer.reply.ok) {
      return { id: 'runs', status: 'fail', message: answer.reply.message ?? 'the module throws when it loads', ms: Math.round(performance.now() - started) };
    }
    return undefined;
  }

  /** Runs the checks of one loss of the loaded module. */
  async run(job: CheckJob, timeoutMs = this.runner.timeoutMs): Promise<RunOutcome> {
    const started = performance.now();
    const answer = await this.exchange({ type: 'check', run: '', job }, timeoutMs, 'the run');
    const ms = performance.now() - started;
    if ('failure' in answer) return { checks: [answer.failure], ms };
    const reply = answer.reply;
    if (reply.type === 'error') return { checks: [failure('runs', `the check process failed: ${reply.message}`)], ms };
    if (reply.type !== 'checks') return { checks: [failure('runs', 'the check process answered out of turn')], ms };
    const checks = reply.checks as CheckResult[];
    if (!checks.some((c) => c.id === 'timeout')) {
      checks.push({ id: 'timeout', status: 'pass', message: `the run took ${Math.round(ms)} ms of the ${timeoutMs} ms allowed`, value: ms, ms: 0 });
    }
    return { checks, backend: reply.backend, ...(reply.task ? { task: reply.task } : {}), ms };
  }

  /**
   * Ends the process (nothing of this file may reach another's) and frees the slot. Resolves with
   * what the file's code printed (the last 8 KB, and how much was dropped), once the process's
   * output has been read to its end.
   */
  close(): Promise<OutputTail> {
    if (!this.closed) {
      this.closed = true;
      kill(this.child, 'closed');
      this.runner.release(this);
    }
    return this.child.drained.then(() => tail(this.child.output));
  }

  private async exchange(request: ChildRequest, timeoutMs: number, what: string): Promise<{ reply: ChildReply } | { failure: CheckResult }> {
    const child = this.child;
    refChild(child);
    try {
      await child.ready;
    } catch (error) {
      return { failure: failure('runs', `the check process could not start: ${(error as Error).message}`) };
    }
    if (child.ended) return { failure: this.death(child.ended, what, timeoutMs) };
    // A token nobody else knows: replies of an earlier run, or forged ones, are not taken for this one.
    const run = randomUUID();
    return new Promise((resolve) => {
      const done = (value: { reply: ChildReply } | { failure: CheckResult }): void => {
        clearTimeout(timer);
        child.proc.off('message', onMessage);
        child.onEnd.delete(onEnd);
        unrefChild(child);
        resolve(value);
      };
      const onMessage = (message: unknown): void => {
        if (typeof message !== 'object' || message === null || (message as { run?: unknown }).run !== run) return;
        const reply = childReply.safeParse(message);
        if (!reply.success) {
          done({ failure: failure('runs', `the check process sent a report Loss Lab cannot read (${describeIssue(reply.error.issues[0])}): does the module send messages of its own?`) });
          // Nothing more from this process is believed: the file's next loss gets a fresh one.
          kill(child, 'malformed');
          return;
        }
        done({ reply: reply.data });
      };
      const onEnd = (why: string): void => done({ failure: this.death(why, what, timeoutMs) });
      const timer = setTimeout(() => kill(child, 'timeout'), timeoutMs);
      child.proc.on('message', onMessage);
      child.onEnd.add(onEnd);
      try {
        child.proc.send({ ...request, run });
      } catch (error) {
        done({ failure: failure('runs', `the check process cannot be reached: ${(error as Error).message}`) });
        kill(child, 'unreachable');
      }
    });
  }

  /** The failed check that says why the process ended. */
  private death(why: string, what: string, timeoutMs: number): CheckResult {
    const child = this.child;
    const limit = this.runner.memoryMb;
    if (why === 'timeout') {
      return failure('timeout', `${what} took longer than ${timeoutMs} ms and was stopped: an endless loop, a blocking call, or a loss too slow to train with?`);
    }
    if (why === 'memory' || child.overMemory !== undefined) {
      return failure(
        'runs',
        `the loss's process ran out of memory: it used ${child.overMemory ?? '?'} MB, over the ${limit} MB limit, and was stopped: a huge tensor, or memory kept outside the JavaScript heap (Buffers, typed arrays)?`,
      );
    }
    if (/heap out of memory|Reached heap limit/i.test(child.output.text)) {
      return failure('runs', `the loss ran out of memory (the heap limit is ${limit} MB): a huge tensor or an endless array?`);
    }
    if (why.startsWith('exit code')) return failure('runs', `the loss ended its process (${why}): does it call process.exit?${lastOutput(child)}`);
    if (why.startsWith('signal')) return failure('runs', `the loss's process was stopped by ${why.slice('signal '.length)}: does it kill its own process?${lastOutput(child)}`);
    if (why === 'disconnected') return failure('runs', `the loss's process closed its channel to Loss Lab (process.disconnect?)${lastOutput(child)}`);
    return failure('runs', `the loss crashed its process (${why})${lastOutput(child)}`);
  }
}

/** SIGKILL to the process's group: native calls stop too, and so do the processes the loss started. */
function kill(child: Child, why: string): void {
  const { proc } = child;
  if (proc.pid !== undefined && child.ended === undefined) {
    try {
      if (process.platform !== 'win32') process.kill(-proc.pid, 'SIGKILL');
      else proc.kill('SIGKILL');
    } catch {
      proc.kill('SIGKILL');
    }
  }
  if (proc.connected) proc.disconnect();
  // Processes the loss started may still hold the pipes: read what is there, then stop waiting.
  const timer = setTimeout(() => {
    proc.stdout?.destroy();
    proc.stderr?.destroy();
  }, 300);
  void child.drained.then(() => clearTimeout(timer));
  markEnded(child, why);
}

/** The first reason a process ended is its reason; whoever waits on it is told. */
function markEnded(child: Child, why: string): void {
  if (child.ended !== undefined) return;
  child.ended = why;
  for (const listener of child.onEnd) listener(why);
}

function refChild(child: Child): void {
  child.proc.ref();
  (child.proc.channel as { ref?: () => void } | undefined)?.ref?.();
}

function unrefChild(child: Child): void {
  child.proc.unref();
  (child.proc.channel as { unref?: () => void } | undefined)?.unref?.();
  (child.proc.stdout as { unref?: () => void } | null)?.unref?.();
  (child.proc.stderr as { unref?: () => void } | null)?.unref?.();
}

function describeIssue(issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (!issue) return 'invalid';
  const where = issue.path.map(String).join('.');
  return where ? `${where}: ${issue.message}` : issue.message;
}

/** tfjs's advice to install tfjs-node, printed by every Node process that uses tfjs: not the loss's. */
const TFJS_BANNER = /=+\s*Hi, looks like you are running TensorFlow\.js in Node\.js[^=]*=+/g;

function tail(output: OutputBuffer): OutputTail {
  return { text: output.text.replace(TFJS_BANNER, '').trim(), dropped: output.dropped };
}

function lastOutput(child: Child): string {
  const tail = child.output.text.replace(TFJS_BANNER, '').trim().slice(-300);
  if (!tail) return '';
  const before = child.output.total - tail.length;
  return ` Its last output${before > 0 ? ` (after ${before.toLocaleString('en-US')} characters not shown)` : ''}: ${JSON.stringify(tail)}`;
}

function failure(id: CheckResult['id'], message: string): CheckResult {
  return { id, status: 'fail', message, ms: 0 };
}
