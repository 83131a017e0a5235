// What ships: the .vsix carries no native binary (one package for every platform) and stays
// under 10 MB; the npm tarball installs into an empty folder and its `loss-lab check` runs.
// Slow (packaging, an npm install): run with LOSS_LAB_PACKAGE_TESTS=1 or from `npm run test:packages`.
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yauzl from 'yauzl';

const ROOT = path.resolve(__dirname, '..', '..');
const VSIX = path.join(ROOT, 'loss-lab.vsix');
const enabled = process.env.LOSS_LAB_PACKAGE_TESTS === '1';

/** The kind of native executable a file's first bytes say it is, if any. */
function nativeKind(head: Buffer): string | undefined {
  if (head.length >= 4 && head.readUInt32BE(0) === 0x7f454c46) return 'ELF';
  const magic = head.length >= 4 ? head.readUInt32BE(0) : 0;
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe].includes(magic)) return 'Mach-O';
  // A universal (fat) Mach-O; Java class files share the magic but give a version ≥ 45 where
  // a fat binary gives its (small) number of architectures.
  if (magic === 0xcafebabe && head.length >= 8 && head.readUInt32BE(4) < 45) return 'Mach-O universal';
  if (head.length >= 0x40 && head[0] === 0x4d && head[1] === 0x5a) {
    const pe = head.readUInt32LE(0x3c);
    if (pe + 4 <= head.length && head.readUInt32BE(pe) === 0x50450000) return 'PE';
    return 'PE (MZ header)';
  }
  return undefined;
}

/** Each entry of a zip with the first 4 KB of its content. */
function zipHeads(file: string): Promise<Array<{ name: string; head: Buffer; size: number }>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('no zip'));
      const entries: Array<{ name: string; head: Buffer; size: number }> = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          let length = 0;
          stream.on('data', (chunk: Buffer) => {
            if (length < 4096) chunks.push(chunk);
            length += chunk.length;
          });
          stream.on('error', reject);
          stream.on('end', () => {
            entries.push({ name: entry.fileName, head: Buffer.concat(chunks).subarray(0, 4096), size: entry.uncompressedSize });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

describe('native binary detection', () => {
  it('knows ELF, Mach-O and PE headers, and not wasm, PNG or text', () => {
    const pe = Buffer.alloc(0x100);
    pe.write('MZ', 0, 'latin1');
    pe.writeUInt32LE(0x80, 0x3c);
    pe.write('PE\0\0', 0x80, 'latin1');
    assert.strictEqual(nativeKind(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])), 'ELF');
    assert.strictEqual(nativeKind(Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1])), 'Mach-O');
    assert.strictEqual(nativeKind(Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2])), 'Mach-O universal');
    assert.strictEqual(nativeKind(pe), 'PE');
    assert.strictEqual(nativeKind(Buffer.from('\0asm\x01\0\0\0', 'latin1')), undefined);
    assert.strictEqual(nativeKind(fs.readFileSync(path.join(ROOT, 'media', 'icon.png'))), undefined);
    assert.strictEqual(nativeKind(Buffer.from('#!/usr/bin/env node\n')), undefined);
  });
});

(enabled ? describe : describe.skip)('the packages', function () {
  this.timeout(900_000);

  it('the .vsix holds no native binary, bundles losses with esbuild-wasm, and is at most 10 MB', async () => {
    execFileSync('npx', ['vsce', 'package', '--out', VSIX], { cwd: ROOT, stdio: 'pipe' });
    const entries = await zipHeads(VSIX);
    const native = entries.flatMap((e) => {
      const kind = nativeKind(e.head);
      return kind ? [`${e.name} (${kind})`] : [];
    });
    assert.deepStrictEqual(native, []);
    const names = entries.map((e) => e.name);
    assert.ok(names.includes('extension/node_modules/esbuild-wasm/esbuild.wasm'), 'esbuild-wasm ships');
    assert.ok(names.includes('extension/dist/worker.js') && names.includes('extension/dist/worker-code.js'), 'the check process ships, with the code it loads');
    assert.ok(!names.some((n) => n.includes('node_modules/@esbuild/') || n.startsWith('extension/node_modules/esbuild/')), 'native esbuild does not');
    const mb = fs.statSync(VSIX).size / 1024 / 1024;
    assert.ok(mb <= 10, `the .vsix is ${mb.toFixed(2)} MB`);
  });

  it('npm pack gives a tarball that installs into an empty folder, where npx loss-lab check runs', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lab-pack-'));
    try {
      const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' })) as Array<{ filename: string; files: Array<{ path: string }> }>;
      const tarball = path.join(work, packed[0]!.filename);
      const files = packed[0]!.files.map((f) => f.path);
      assert.ok(files.includes('dist/cli.js') && files.includes('dist/worker.js') && files.includes('dist/worker-code.js'), 'the CLI and its check process');
      assert.ok(!files.some((f) => /^(src|test|webview|examples|media|bench|scripts)\//.test(f) || f.startsWith('dist/extension') || f.startsWith('dist/webview/')), `only what the CLI needs: ${files.filter((f) => !f.startsWith('dist/t')).join(', ')}`);

      const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; engines: Record<string, string> };
      assert.deepStrictEqual(manifest.bin, { 'loss-lab': 'dist/cli.js' });
      assert.match(manifest.engines.node ?? '', />=\s*20/);
      assert.ok(fs.readFileSync(path.join(ROOT, 'dist', 'cli.js'), 'utf8').startsWith('#!/usr/bin/env node\n'));

      const project = path.join(work, 'project');
      fs.mkdirSync(project);
      fs.writeFileSync(path.join(project, 'package.json'), '{ "name": "a-user-project", "private": true }\n');
      // Only the registry: no dev dependencies, no scripts of ours, nothing from this checkout.
      execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', tarball], { cwd: project, stdio: 'pipe' });
      fs.writeFileSync(
        path.join(project, 'huber.ts'),
        fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'runtime', 'huber-delta.ts'), 'utf8'),
      );
      const clean = spawnSync('npx', ['--no-install', 'loss-lab', 'check', 'huber.ts'], { cwd: project, encoding: 'utf8', timeout: 300_000 });
      assert.strictEqual(clean.status, 0, `${clean.stdout}\n${clean.stderr}`);
      assert.match(clean.stdout, /✓ gradcheck/);
      assert.match(clean.stdout, /^1 file, 1 loss: 0 errors/m);

      fs.writeFileSync(path.join(project, 'bugs.ts'), fs.readFileSync(path.join(ROOT, 'examples', 'bugs.ts'), 'utf8'));
      const sarif = spawnSync('npx', ['--no-install', 'loss-lab', 'check', '--static', '--format', 'sarif', '.'], { cwd: project, encoding: 'utf8', timeout: 300_000 });
      assert.strictEqual(sarif.status, 1, sarif.stderr);
      const log = JSON.parse(sarif.stdout) as { runs: Array<{ results: Array<{ ruleId: string }> }> };
      assert.ok(log.runs[0]?.results.some((r) => r.ruleId === 'LL204'));
      assert.match(sarif.stderr, /loss-lab: \.: 2 files/, 'node_modules of the project is skipped');
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
