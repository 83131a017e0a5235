// `loss-lab check [--format text|json|sarif|github] [--json] [--static] [--task T] [--seed N] [--timeout MS] [--reference NAME[:PARAM]] FILE...`
// Exit 0: no error diagnostic and no failed check; 1: at least one; 2: usage error or unreadable file.
import { parseArgs } from 'node:util';
import * as path from 'path';
import { Analyzer, type FileAnalysis } from './core/analyze';
import { isTask } from './core/analyze/task';
import { parseReference, REFERENCE_NAMES } from './core/checks/reference';
import { formatText } from './core/format';
import { summarize, type CheckReport, type FileReport, type LossReport, type Task } from './core/report';
import { formatGithub } from './core/cli/github';
import { formatSarif } from './core/cli/sarif';
import { expandTargets, WALKED_EXTENSIONS } from './core/cli/targets';
import { checkFileLosses } from './core/run/check-file';
import { LossRunner } from './core/run/runner';
import { readSourceFile, SourceFileError } from './core/source-file';

export const REFERENCES = REFERENCE_NAMES;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- bundled by esbuild: the version that ships
const VERSION = (require('../package.json') as { version: string }).version;

const USAGE = `usage: loss-lab check [--format text|json|sarif|github] [--static]
                      [--task auto|regression|binary|categorical|sparse|segmentation]
                      [--seed N] [--timeout MS] [--reference NAME[:PARAM]] PATH...

Finds the loss functions (yTrue, yPred) => tf.Tensor in PATH..., checks their signatures and lints
their bodies; without --static it also runs them on sample tensors. A PATH is a file, a folder
(its ${WALKED_EXTENSIONS.join(', ')} files) or a glob ('src/**/*.ts'); folders and globs skip
node_modules and what .gitignore ignores.
  --format F        text (default), json, sarif (SARIF 2.1.0, for code scanning) or github
                    (GitHub Actions annotations)
  --json            the same as --format json
  --static          analysis only: no code is run
  --task T          sample tensors to check with (default auto; a @lossTask tag wins)
  --seed N          seed of the sample tensors (default 1)
  --timeout MS      time limit of each loss run (default 5000)
  --reference NAME[:PARAM]
                    compare with a tfjs built-in along the panel's sweeps (a mismatch fails):
                    ${REFERENCES.join(', ')};
                    huber:1.5 sets Huber's delta, a factory's own delta is the default
Exit status: 0 no errors, 1 errors or failed checks (a --reference mismatch too), 2 usage error or
unreadable file.`;

class UsageError extends Error {}

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export interface CheckOptions {
  format: Format;
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
        format: { type: 'string' },
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
  const format = values.format ?? (values.json ? 'json' : 'text');
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be ${FORMATS.join(', ')}, not '${format}'`);
  if (values.json && format !== 'json') throw new UsageError(`--json is --format json: it cannot go with --format ${format}`);
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
  if (positionals.length === 0) throw new UsageError('no PATH given');
  return {
    format: format as Format,
    static: values.static as boolean,
    task: task as CheckOptions['task'],
    seed,
    timeoutMs,
    ...(reference === undefined ? {} : { reference }),
    files: positionals,
  };
}

export async function runCheck(options: CheckOptions, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  const started = performance.now();
  const analyzer = new Analyzer();
  const runner = options.static ? undefined : new LossRunner({ timeoutMs: options.timeoutMs });
  const files: FileReport[] = [];
  const targets = expandTargets(options.files);
  for (const target of targets.targets) {
    if (target.empty !== undefined) {
      err(`loss-lab: ${target.target}: ${target.empty}\n`);
      files.push(unreadableFile(target.target, target.empty));
    } else if (target.kind !== 'file') {
      const skipped = target.ignored > 0 ? `; node_modules and ${target.ignored} paths a .gitignore ignores skipped` : '; node_modules skipped';
      err(`loss-lab: ${target.target}: ${target.files.length} ${target.files.length === 1 ? 'file' : 'files'}${skipped}\n`);
    }
  }
  try {
    for (const file of targets.files) {
      let text: string;
      try {
        text = readSourceFile(file);
      } catch (error) {
        if (!(error instanceof SourceFileError)) throw error;
        err(`loss-lab: ${error.message}\n`);
        files.push(unreadableFile(file, error.message));
        continue;
      }
      const analysis = analyzer.analyze(file, text, { task: options.task });
      if (runner) await runLosses(runner, analysis, text, options);
      files.push(toFileReport(file, analysis));
    }
  } finally {
    await runner?.dispose();
  }
  const report: CheckReport = { version: 1, files, summary: summarize(files, performance.now() - started) };
  out(formatReport(report, options.format));
  if (report.summary.unreadable > 0) return 2;
  return report.summary.errors > 0 ? 1 : 0;
}

function formatReport(report: CheckReport, format: Format): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'sarif':
      return formatSarif(report, { cwd: process.cwd(), version: VERSION });
    case 'github':
      return formatGithub(report);
    case 'text':
      return formatText(report);
  }
}

function unreadableFile(file: string, reason: string): FileReport {
  return { file: displayPath(file), diagnostics: [], losses: [], unreadable: reason };
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
      // An internal failure, not the user's: say so plainly, with the stack for a bug report.
      process.stderr.write(`loss-lab: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
