// `npm start`: the main job. Serves a real VS Code (code-server) on loopback with Loss Lab's .vsix
// installed and examples/ open, and prints its address. Ctrl+C stops it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { installCodeServer, installExtension, makeProfile, startCodeServer } from './code-server.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const port = Number(process.env.PORT ?? 8080);

installCodeServer();
const vsix = path.join(ROOT, 'loss-lab.vsix');
if (!fs.existsSync(vsix)) throw new Error('loss-lab.vsix is missing (npm start packages it first)');
const profile = makeProfile();
installExtension(profile, vsix);
// A trusted folder: the examples are ours, and running losses needs trust.
const server = await startCodeServer(profile, path.join(ROOT, 'examples'), { port });
const url = `${server.url}/?folder=${encodeURIComponent(path.join(ROOT, 'examples'))}`;
console.log(`Loss Lab is running in VS Code at ${url}`);
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
