// `npm run bench`: figures measured side by side in one run, printed as a table. Targets are
// checked here, never in timed unit tests (machines are shared and noisy).
import { benchAnalysis } from './analysis';
import { benchBundling } from './bundling';
import { benchPanel } from './panel';
import { benchRuntime } from './runtime';

async function main(): Promise<void> {
  const rows = [...(await benchAnalysis()), ...(await benchBundling()), ...(await benchRuntime()), ...(await benchPanel())];
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`${'measure'.padEnd(width)}  figure`);
  for (const [name, figure] of rows) console.log(`${name.padEnd(width)}  ${figure}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
