// `npm start`: the main job. Serves a real VS Code (code-server) on loopback with Loss Lab's .vsix
// installed and examples/ open, and prints its address. Ctrl+C stops it.
//   npm start                 examples/ trusted (the demo: every check, the panel and training run)
//   npm start -- --trust      VS Code asks whether to trust examples/, as it does for a new folder:
//                             answer No to see Loss Lab in restricted mode (static analysis only)
//   PORT=9000 npm start       another port; a busy one gives way to a free one, and says so
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { installCodeServer, installExtension, makeProfile, startCodeServer } from './code-server.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { values: options } = parseArgs({ options: { trust: { type: 'boolean', default: false } } });
const port = Number(process.env.PORT ?? 8080);

installCodeServer();
const vsix = path.join(ROOT, 'loss-lab.vsix');
if (!fs.existsSync(vsix)) throw new Error('loss-lab.vsix is missing (npm start packages it first)');
const profile = makeProfile();
installExtension(profile, vsix);
// By default trust checks are off: the examples are ours, and running losses needs trust.
const server = await startCodeServer(profile, path.join(ROOT, 'examples'), { port, workspaceTrust: options.trust });
const url = `${server.url}/?folder=${encodeURIComponent(path.join(ROOT, 'examples'))}`;
if (server.port !== port) console.log(`Port ${port} is busy: using ${server.port} instead (PORT=… chooses another).`);
console.log(`Loss Lab is running in VS Code at ${url}`);
console.log(
  options.trust
    ? 'Workspace trust is on: VS Code asks whether to trust examples/ (No shows restricted mode: static analysis only).'
    : 'examples/ is trusted (npm start -- --trust asks instead, to see restricted mode).',
);
console.log('Open a file in examples/ to see the diagnostics and CodeLens; Ctrl+C stops the server.');
const stop = () => {
  server.stop();
  fs.rmSync(profile.dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.child.on('exit', (code) => {
  console.error(`code-server stopped (exit ${code})`);
  process.exit(1);
});
