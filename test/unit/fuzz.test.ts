// Seeded fuzzing of the static analysis, through the CLI's own path: the torture run's extremes and
// 500 mutants of the examples and fixtures. `npm run fuzz` runs 10,000 and reports the slowest.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { Analyzer } from '../../src/core/analyze';
import { checkSource, corpus, extremes, FUZZ_SEED, mutantArbitrary } from '../fuzz/mutants';

describe('fuzzing the static analysis', function () {
  this.timeout(600_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lab-fuzz-'));
  const analyzer = new Analyzer();
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const extreme of extremes()) {
    it(`reports ${extreme.name} with no internal error, valid JSON and every range inside the file`, async () => {
      assert.deepStrictEqual(await checkSource(extreme, dir, analyzer), []);
    });
  }

  it('survives 500 seeded mutants of the examples and fixtures', async () => {
    const sources = corpus();
    assert.ok(sources.length > 20, 'the corpus holds the examples and fixtures');
    await fc.assert(
      fc.asyncProperty(mutantArbitrary(sources), async (mutant) => {
        const problems = await checkSource(mutant, dir, analyzer);
        assert.deepStrictEqual(problems, [], `a mutant of ${mutant.name}`);
      }),
      { seed: FUZZ_SEED, numRuns: 500 },
    );
  });
});
