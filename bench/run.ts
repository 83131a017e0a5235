// `npm run bench`: figures measured side by side in one run, printed as a table. Targets are
// checked here, never in timed unit tests (machines are shared and noisy).
// `npm run bench -- cli analysis` runs only those sections.
import { benchAnalysis } from './analysis';
import { benchBundling } from './bundling';
import { benchCli } from './cli';
import { benchEditor } from './editor';
import { benchPanel } from './panel';
import { benchJobs, benchRuntime } from './runtime';

const SECTIONS: Record<string, () => Promise<Array<[string, string]>>> = { analysis: benchAnalysis, cli: benchCli, editor: benchEditor, bundling: benchBundling, runtime: benchRuntime, jobs: benchJobs, panel: benchPanel };

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in SECTIONS));
  if (unknown.length > 0) throw new Error(`no bench section ${unknown.join(', ')}: choose from ${Object.keys(SECTIONS).join(', ')}`);
  const rows: Array<[string, string]> = [];
  for (const [name, bench] of Object.entries(SECTIONS)) if (asked.length === 0 || asked.includes(name)) rows.push(...(await bench()));
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`${'measure'.padEnd(width)}  figure`);
  for (const [name, figure] of rows) console.log(`${name.padEnd(width)}  ${figure}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
