// The integration suite's entry: runs inside VS Code's extension host, as @vscode/test-electron or
// code-server's extensionTestsPath loads it (see test/e2e/run.mjs).
import * as path from 'path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  // E2E_GREP: only the tests whose titles match (the extension host inherits code-server's environment).
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec', ...(process.env.E2E_GREP ? { grep: process.env.E2E_GREP } : {}) });
  mocha.addFile(path.join(__dirname, 'extension.vscode.test.js'));
  mocha.addFile(path.join(__dirname, 'stalls.vscode.test.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration tests failed`)) : resolve()));
  });
}
