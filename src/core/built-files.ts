// Files the build puts next to the bundles (dist/): found there when running bundled, and in the
// project's dist/ when running from sources (tests, the benchmark).
import * as fs from 'fs';
import * as path from 'path';

export function findBuilt(name: string): string {
  const candidates = [path.join(__dirname, name)];
  for (let dir = __dirname, i = 0; i < 5; i++, dir = path.dirname(dir)) candidates.push(path.join(dir, 'dist', name));
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`${name} not found next to Loss Lab's bundle: run \`npm run build\` first`);
  return found;
}
