// Runtime checks of many files at once (`loss-lab check --jobs N`, DESIGN.md "Check processes"):
// N processes at a time, the ones started ahead included; each file in a fresh process; the report
// in the files' order and the same whatever N is; a runaway loss stops only its own file's process.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Analyzer } from '../../src/core/analyze';
import type { CheckReport, CheckResult } from '../../src/core/report';
import { checkFiles, type FileRun } from '../../src/core/run/check-files';
import { LossRunner } from '../../src/core/run/runner';

const ROOT = path.resolve(__dirname, '..', '..');
const RUNTIME = path.join(ROOT, 'test', 'fixtures', 'runtime');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const FILES = ['correct.ts', 'wrong.ts', 'huber-delta.ts', 'uses-helper.ts', 'widths.ts'].map((name) => path.join(RUNTIME, name));

/** Each loss's check ids and statuses, in order: what must not depend on the number of jobs. */
function verdicts(results: (Map<string, CheckResult[]> | Error)[]): string[][] {
  return results.map((result) => {
    assert.ok(!(result instanceof Error), String(result));
    return [...result].map(([name, checks]) => `${name}: ${checks.filter((c) => c.id !== 'timeout').map((c) => `${c.id}=${c.status}`).join(' ')}`);
  });
}

describe('runtime checks of many files (--jobs)', function () {
  this.timeout(300_000);
  const analyzer = new Analyzer();
  const runs = (files: string[], timeoutMs = 60_000): FileRun[] =>
    files.map((file) => {
      const text = fs.readFileSync(file, 'utf8');
      const analysis = analyzer.analyze(file, text, { types: 'off' });
      return { file, text: analysis.runModule ?? text, losses: analysis.losses, options: { seed: 1, timeoutMs, sourceText: text } };
    });

  /** The checks with `jobs` processes at most, as the CLI runs them, and the most processes seen alive. */
  async function checkWith(jobs: number, files = FILES, timeoutMs?: number): Promise<{ results: (Map<string, CheckResult[]> | Error)[]; mostAlive: number }> {
    const runner = new LossRunner({ timeoutMs: 60_000, jobs, processes: jobs });
    let mostAlive = 0;
    const watch = setInterval(() => (mostAlive = Math.max(mostAlive, runner.alive)), 5);
    try {
      runner.prestart(files.length);
      mostAlive = Math.max(mostAlive, runner.alive);
      const results = await checkFiles(runner, runs(files, timeoutMs));
      return { results, mostAlive };
    } finally {
      clearInterval(watch);
      await runner.dispose();
    }
  }

  it('gives the same verdicts in the same order with one job and with two', async () => {
    const one = await checkWith(1);
    const two = await checkWith(2);
    assert.deepStrictEqual(verdicts(two.results), verdicts(one.results));
    assert.deepStrictEqual(
      two.results.map((r) => (r instanceof Error ? [] : [...r.keys()])),
      runs(FILES).map((r) => r.losses.map((l) => l.name)),
      "each file's losses, in the files' order",
    );
  });

  it('starts the files with the most losses first, and reports in the files\' order', async () => {
    const started: string[] = [];
    const files = runs(FILES).map((run) => ({ ...run, options: { ...run.options, onLoss: () => started.includes(run.file) || started.push(run.file) } }));
    const runner = new LossRunner({ timeoutMs: 60_000, jobs: 1, processes: 1 });
    try {
      const results = await checkFiles(runner, files);
      const byLosses = [...files].sort((a, b) => b.losses.length - a.losses.length || FILES.indexOf(a.file) - FILES.indexOf(b.file)).map((r) => r.file);
      assert.deepStrictEqual(started, byLosses);
      assert.deepStrictEqual(
        results.map((r) => (r instanceof Error ? [] : [...r.keys()])),
        files.map((r) => r.losses.map((l) => l.name)),
      );
    } finally {
      await runner.dispose();
    }
  });

  it('keeps at most N processes alive with N jobs, spares included, and uses all N', async () => {
    const one = await checkWith(1);
    assert.strictEqual(one.mostAlive, 1, 'one job: one process at a time');
    const two = await checkWith(2);
    assert.strictEqual(two.mostAlive, 2, 'two jobs: two processes, never a third');
  });

  it('keeps a spare beside the running file where the limit allows it (the editor)', async () => {
    const runner = new LossRunner({ timeoutMs: 60_000 });
    try {
      const session = await runner.session();
      assert.strictEqual(runner.alive, 2, "the file's process and a spare for the next check");
      await session.close();
      assert.strictEqual(runner.alive, 1);
    } finally {
      await runner.dispose();
    }
  });

  it('stops a runaway loss in its own process only: the other files are checked beside it', async () => {
    const loop = path.join(RUNTIME, 'isolation', 'loops-at-load.js');
    const { results } = await checkWith(2, [loop, ...FILES.slice(0, 2)], 3000);
    const [looped, ...others] = results;
    assert.ok(looped instanceof Map && looped.size > 0);
    for (const checks of looped.values()) assert.match(checks.find((c) => c.status === 'fail')?.message ?? '', /took longer than 3000 ms/);
    for (const result of others) {
      assert.ok(result instanceof Map && result.size > 0);
      for (const [name, checks] of result) assert.notStrictEqual(checks.find((c) => c.id === 'runs')?.status, 'fail', `${name} runs`);
    }
  });
});

describe('loss-lab check --jobs', function () {
  this.timeout(300_000);
  const check = (jobs: number): CheckReport => {
    const result = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '--jobs', String(jobs), ...FILES], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
    assert.ok(result.status === 0 || result.status === 1, result.stderr);
    return JSON.parse(result.stdout) as CheckReport;
  };
  /** The report without what depends on timing. */
  const timeless = (report: CheckReport): unknown =>
    report.files.map((f) => ({ ...f, losses: f.losses.map((l) => ({ ...l, checks: (l.checks ?? []).filter((c) => c.id !== 'timeout').map(({ ms: _ms, ...c }) => c) })) }));

  it('prints the same report with one job and with two', () => {
    const one = check(1);
    const two = check(2);
    assert.ok(one.files.every((f) => f.losses.every((l) => (l.checks ?? []).length > 0)), 'the runtime checks ran');
    assert.deepStrictEqual(timeless(two), timeless(one));
  });
});
