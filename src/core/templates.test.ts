// Every template passes every check, run as a user would: through the built CLI.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CheckReport } from './report';
import { snippetsJson, TEMPLATES } from './templates';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

describe('loss templates', function () {
  this.timeout(180_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lab-templates-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('has the eleven templates the editor offers', () => {
    assert.deepStrictEqual(TEMPLATES.map((t) => t.id), ['mse', 'mae', 'huber', 'logcosh', 'bce', 'cce', 'focal', 'dice', 'tversky', 'quantile', 'contrastive']);
  });

  it('passes every static and runtime check, with no warning, on its own task', () => {
    const files = TEMPLATES.map((t) => {
      const file = path.join(dir, `${t.id}.ts`);
      fs.writeFileSync(file, t.body);
      return file;
    });
    const result = spawnSync(process.execPath, [CLI, 'check', '--json', ...files], { encoding: 'utf8', timeout: 170_000 });
    const report = JSON.parse(result.stdout) as CheckReport;
    const problems = report.files.flatMap((f) => [
      ...f.diagnostics.map((d) => `${f.file}: ${d.code} ${d.message}`),
      ...f.losses.flatMap((l) => [
        ...l.diagnostics.map((d) => `${l.name}: ${d.code} ${d.message}`),
        ...l.checks.filter((c) => c.status !== 'pass').map((c) => `${l.name}: ${c.id} ${c.status} ${c.message}`),
      ]),
    ]);
    assert.deepStrictEqual(problems, []);
    assert.strictEqual(result.status, 0);
    report.files.forEach((f, i) => assert.strictEqual(f.losses[0]?.task, TEMPLATES[i]?.task, f.file));
    assert.strictEqual(report.summary.losses, TEMPLATES.length);
  });

  it('makes one snippet per template, without the import, with $ escaped', () => {
    const snippets = snippetsJson();
    assert.strictEqual(Object.keys(snippets).length, TEMPLATES.length);
    const huber = snippets['Huber (factory)'];
    assert.strictEqual(huber?.prefix, 'loss-huber');
    assert.ok(!huber?.body.join('\n').includes('import'));
  });
});
