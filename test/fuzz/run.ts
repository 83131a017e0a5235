// `npm run fuzz [-- --runs N] [--seed S]`: N seeded mutants (default 10,000) through the CLI's
// static path, in a child process watched by this one, so that a hang or a crash of the whole
// process is recorded and the run goes on. Prints the crashes, the hangs and the slowest files;
// failing mutants are kept in .cache/fuzz/ to replay. Exit 1 when anything failed.
import { fork, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { Analyzer } from '../../src/core/analyze';
import { checkSource, corpus, extremes, FUZZ_SEED, mutantArbitrary, type Source } from './mutants';

const HANG_MS = 30_000;
const OUT = path.resolve(__dirname, '..', '..', '.cache', 'fuzz');

interface Result {
  index: number;
  ms: number;
  problems: string[];
}

function samples(runs: number, seed: number): Source[] {
  return [...extremes(), ...fc.sample(mutantArbitrary(corpus()), { seed, numRuns: runs })];
}

async function child(start: number, runs: number, seed: number): Promise<void> {
  const all = samples(runs, seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lab-fuzz-'));
  const analyzer = new Analyzer();
  try {
    for (let index = start; index < all.length; index++) {
      process.send?.({ started: index });
      const t = performance.now();
      const problems = await checkSource(all[index] as Source, dir, analyzer).catch((error: unknown) => [`threw: ${String(error)}`]);
      process.send?.({ index, ms: performance.now() - t, problems } satisfies Result);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a whole number ≥ 0`);
  return value;
}

async function parent(): Promise<number> {
  const runs = option('--runs', 10_000);
  const seed = option('--seed', FUZZ_SEED);
  const all = samples(runs, seed);
  const started = performance.now();
  const results: Result[] = [];
  const hangs: number[] = [];
  const deaths: Array<{ index: number; how: string }> = [];
  let next = 0;
  while (next < all.length) {
    const from = next;
    next = await new Promise<number>((resolve) => {
      let current = from;
      let timer: NodeJS.Timeout | undefined;
      const worker: ChildProcess = fork(__filename, ['--child', String(from), '--runs', String(runs), '--seed', String(seed)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      let stderr = '';
      worker.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          hangs.push(current);
          worker.kill('SIGKILL');
        }, HANG_MS);
      };
      arm();
      worker.on('message', (m: Result | { started: number }) => {
        if ('started' in m) {
          current = m.started;
          arm();
          return;
        }
        results.push(m);
        if (results.length % 500 === 0) process.stdout.write(`${results.length} of ${all.length} in ${Math.round((performance.now() - started) / 1000)} s\n`);
      });
      worker.on('exit', (code, signal) => {
        clearTimeout(timer);
        const done = results.some((r) => r.index === all.length - 1) || (code === 0 && current === all.length - 1);
        if (done) return resolve(all.length);
        if (!hangs.includes(current)) deaths.push({ index: current, how: `the process died (${signal ?? `exit ${code}`}): ${stderr.trim().split('\n').pop() ?? ''}` });
        resolve(current + 1);
      });
    });
  }
  const seconds = (performance.now() - started) / 1000;
  const failed = results.filter((r) => r.problems.length > 0);
  fs.mkdirSync(OUT, { recursive: true });
  const keep = (index: number): string => {
    const source = all[index] as Source;
    const file = path.join(OUT, `${index}-${path.basename(source.name)}`);
    fs.writeFileSync(file, source.text);
    return path.relative(process.cwd(), file);
  };
  console.log(`\n${all.length} files (${extremes().length} extremes, ${runs} mutants, seed ${seed}) in ${seconds.toFixed(0)} s`);
  console.log(`crashes (an internal error, invalid JSON or a range outside the file): ${failed.length + deaths.length}`);
  for (const r of failed) console.log(`  ${keep(r.index)}: ${r.problems.join('; ')}`);
  for (const d of deaths) console.log(`  ${keep(d.index)}: ${d.how}`);
  console.log(`hangs (over ${HANG_MS / 1000} s): ${hangs.length}`);
  for (const index of hangs) console.log(`  ${keep(index)}`);
  console.log('slowest:');
  for (const r of [...results].sort((a, b) => b.ms - a.ms).slice(0, 10)) {
    const source = all[r.index] as Source;
    console.log(`  ${r.ms.toFixed(0).padStart(6)} ms  #${r.index} from ${source.name} (${source.text.length} characters)`);
  }
  return failed.length + deaths.length + hangs.length > 0 ? 1 : 0;
}

if (process.argv.includes('--child')) {
  void child(option('--child', 0), option('--runs', 10_000), option('--seed', FUZZ_SEED)).then(() => process.exit(0));
} else {
  parent().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 2;
    },
  );
}
