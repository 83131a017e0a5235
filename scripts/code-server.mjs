// Starts the real VS Code workbench (code-server 4.100.3, see install-code-server.sh) on loopback,
// with its home, settings and extensions in a temporary folder, and stops its whole process group.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const CODE_SERVER = path.join(ROOT, '.cache', 'code-server', 'node_modules', '.bin', 'code-server');

export function installCodeServer() {
  const result = spawnSync('bash', [path.join(ROOT, 'scripts', 'install-code-server.sh')], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('installing code-server failed');
}

export async function freePort(preferred = 0) {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', () => (preferred ? freePort(0).then(resolve, reject) : reject(new Error('no free port'))));
    server.listen(preferred, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A fresh profile: user data, extensions, settings, home. */
export function makeProfile(settings = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lab-code-server-'));
  const profile = { dir, home: path.join(dir, 'home'), userData: path.join(dir, 'user-data'), extensions: path.join(dir, 'extensions') };
  for (const d of [profile.home, path.join(profile.userData, 'User'), profile.extensions]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(
    path.join(profile.userData, 'User', 'settings.json'),
    JSON.stringify({ 'telemetry.telemetryLevel': 'off', 'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'update.mode': 'none', 'extensions.autoUpdate': false, 'workbench.enableExperiments': false, 'git.openRepositoryInParentFolders': 'never', 'files.autoSave': 'off', 'extensions.ignoreRecommendations': true, ...settings }, null, 2),
  );
  fs.writeFileSync(path.join(dir, 'config.yaml'), 'auth: none\n');
  return profile;
}

function env(profile) {
  // code-server listens on $PORT when it is set, whatever --bind-addr says: our PORT (npm start's
  // choice) must not reach it, or a busy port crashes it instead of giving way to a free one.
  const inherited = { ...process.env };
  delete inherited.PORT;
  return { ...inherited, HOME: profile.home, XDG_CONFIG_HOME: path.join(profile.home, '.config'), XDG_DATA_HOME: path.join(profile.home, '.local', 'share'), XDG_CACHE_HOME: path.join(profile.home, '.cache') };
}

export function installExtension(profile, vsix) {
  const args = ['--user-data-dir', profile.userData, '--extensions-dir', profile.extensions, '--install-extension', vsix];
  const result = spawnSync(CODE_SERVER, args, { env: env(profile), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`installing ${vsix} failed: ${result.stderr || result.stdout}`);
}

/**
 * Starts code-server on loopback; resolves once it answers. `port`: the one to try first (a busy
 * one gives way to a free one: see `port` in the result). `workspaceTrust`: VS Code's trust checks
 * stay on (a new folder asks whether to trust it); off by default, as for the tests and the demo.
 */
export async function startCodeServer(profile, folder, { port = 0, workspaceTrust = false, log = false } = {}) {
  const chosen = await freePort(port);
  const args = [
    '--bind-addr', `127.0.0.1:${chosen}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--user-data-dir', profile.userData, '--extensions-dir', profile.extensions, '--config', path.join(profile.dir, 'config.yaml'),
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']), folder,
  ];
  const child = spawn(CODE_SERVER, args, { env: env(profile), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  const keep = (chunk) => {
    output.push(chunk.toString());
    if (log) process.stderr.write(chunk);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const url = `http://127.0.0.1:${chosen}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited: ${output.join('')}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer within 60 s: ${output.join('')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const stop = () => {
    // Its file watchers and extension hosts are children: stop the whole group.
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  return { url, port: chosen, child, output, stop };
}
