// `loss-lab check [--json] [--static] [--task T] [--seed N] [--timeout MS] [--reference NAME[:PARAM]] FILE...`
// Exit 0: no error diagnostic and no failed check; 1: at least one; 2: usage error or unreadable file.
import { parseArgs } from 'node:util';
import * as path from 'path';
import { Analyzer, type FileAnalysis } from './core/analyze';
import { isTask } from './core/analyze/task';
import { parseReference, REFERENCE_NAMES } from './core/checks/reference';
import { formatText } from './core/format';
import { summarize, type CheckReport, type FileReport, type LossReport, type Task } from './core/report';
import { checkFileLosses } from './core/run/check-file';
import { LossRunner } from './core/run/runner';
import { readSourceFile, SourceFileError } from './core/source-file';

export const REFERENCES = REFERENCE_NAMES;

const USAGE = `usage: loss-lab check [--json] [--static] [--task auto|regression|binary|categorical|sparse|segmentation]
                      [--seed N] [--timeout MS] [--reference NAME[:PARAM]] FILE...

Finds the loss functions (yTrue, yPred) => tf.Tensor in FILE..., checks their signatures and lints
their bodies; without --static it also runs them on sample tensors.
  --json            print the report as JSON
  --static          analysis only: no code is run
  --task T          sample tensors to check with (default auto; a @lossTask tag wins)
  --seed N          seed of the sample tensors (default 1)
  --timeout MS      time limit of each loss run (default 5000)
  --reference NAME[:PARAM]
                    compare with a tfjs built-in along the panel's sweeps (a mismatch fails):
                    ${REFERENCES.join(', ')};
                    huber:1.5 sets Huber's delta, a factory's own delta is the default
Exit status: 0 no errors, 1 errors or failed checks (a --reference mismatch too), 2 usage error,
unreadable file or internal error (the other files are still reported).`;

class UsageError extends Error {}

export interface CheckOptions {
  json: boolean;
  static: boolean;
  task: 'auto' | Task;
  seed: number;
  timeoutMs: number;
  /** `NAME` or `NAME:PARAM`, validated. */
  reference?: string;
  files: string[];
}

export function parseCheckArgs(argv: string[]): CheckOptions {
  const [command, ...rest] = argv;
  if (command !== 'check') throw new UsageError(command === undefined ? 'missing command' : `unknown command '${command}'`);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        static: { type: 'boolean', default: false },
        task: { type: 'string', default: 'auto' },
        seed: { type: 'string', default: '1' },
        timeout: { type: 'string', default: '5000' },
        reference: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const task = values.task as string;
  if (task !== 'auto' && !isTask(task)) throw new UsageError(`--task must be auto, regression, binary, categorical, sparse or segmentation, not '${task}'`);
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number ≥ 0, not '${values.seed}'`);
  const timeoutMs = Number(values.timeout);
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000) {
    throw new UsageError(`--timeout must be a whole number of milliseconds from 100 to 600000, not '${values.timeout}'`);
  }
  const reference = values.reference;
  if (reference !== undefined) {
    const spec = parseReference(reference);
    if (typeof spec === 'string') throw new UsageError(`--reference ${spec}`);
  }
  if (positionals.length === 0) throw new UsageError('no FILE given');
  return {
    json: values.json as boolean,
    static: values.static as boolean,
    task: task as CheckOptions['task'],
    seed,
    timeoutMs,
    ...(reference === undefined ? {} : { reference }),
    files: positionals,
  };
}

/** `analyzer`: one kept across runs (the fuzz test runs thousands), else a new one. */
export async function runCheck(options: CheckOptions, out: (text: string) => void, err: (text: string) => void, analyzer = new Analyzer()): Promise<number> {
  const started = performance.now();
  const runner = options.static ? undefined : new LossRunner({ timeoutMs: options.timeoutMs });
  const files: FileReport[] = [];
  let unreadable = false;
  try {
    for (const file of options.files) {
      let text: string;
      try {
        text = readSourceFile(file);
      } catch (error) {
        if (!(error instanceof SourceFileError)) throw error;
        err(`loss-lab: ${error.message}\n`);
        unreadable = true;
        continue;
      }
      let analysis: FileAnalysis;
      try {
        analysis = analyzer.analyze(file, text, { task: options.task });
        if (runner) await runLosses(runner, analysis, text, options);
      } catch (error) {
        // A bug of Loss Lab's costs this file its report, never the others theirs.
        err(`loss-lab: internal error while checking ${file}: ${oneLine(error)}\n`);
        unreadable = true;
        continue;
      }
      files.push(toFileReport(file, analysis));
    }
  } finally {
    await runner?.dispose();
  }
  const report: CheckReport = { version: 1, files, summary: summarize(files, performance.now() - started) };
  out(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatText(report));
  if (unreadable) return 2;
  return report.summary.errors > 0 ? 1 : 0;
}

async function runLosses(runner: LossRunner, analysis: FileAnalysis, text: string, options: CheckOptions): Promise<void> {
  const tasks = new Map<string, Task>();
  const checks = await checkFileLosses(runner, path.resolve(analysis.file), analysis.runModule ?? text, analysis.losses, {
    seed: options.seed,
    timeoutMs: options.timeoutMs,
    task: options.task,
    sourceText: text,
    ...(options.reference ? { reference: options.reference } : {}),
    onLoss: (name, _checks, _ms, task) => tasks.set(name, task),
  });
  for (const loss of analysis.losses) {
    loss.checks = checks.get(loss.name) ?? [];
    // The preset the checks ran with: auto may have moved to another when the first did not run.
    loss.task = tasks.get(loss.name) ?? loss.task;
  }
}

/** Exactly the contract's fields, in the contract's order. */
function toFileReport(file: string, analysis: FileAnalysis): FileReport {
  return {
    file: displayPath(file),
    diagnostics: analysis.diagnostics,
    losses: analysis.losses.map((loss): LossReport => ({
      name: loss.name,
      kind: loss.kind,
      range: loss.range,
      task: loss.task,
      diagnostics: loss.diagnostics,
      checks: loss.checks,
    })),
  };
}

/** An error as one line: its message, never its stack. */
function oneLine(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).replace(/\s+/g, ' ').slice(0, 300);
}

function displayPath(file: string): string {
  const relative = path.isAbsolute(file) ? file : path.normalize(file);
  return relative.split(path.sep).join('/');
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let options: CheckOptions;
  try {
    options = parseCheckArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`loss-lab: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  return runCheck(options, (t) => process.stdout.write(t), (t) => process.stderr.write(t));
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // An internal failure, not the user's: one line (exit 2), never a stack trace in the user's terminal.
      process.stderr.write(`loss-lab: internal error: ${oneLine(error)}\n`);
      process.exitCode = 2;
    },
  );
}
