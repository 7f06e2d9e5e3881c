// Runs the end-to-end suite in desktop VS Code, downloaded by @vscode/test-electron (on machines that
// can reach VS Code's download servers). The same suite runs in code-server through runCodeServer.mjs.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const workspace = join(mkdtempSync(join(tmpdir(), 'mldebt-e2e-')), 'workspace');
cpSync(join(root, 'test', 'e2e', 'workspace'), workspace, { recursive: true });
try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'test', 'e2e', 'out', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (e) {
  console.error(`e2e: ${e.message ?? e}`);
  process.exit(1);
}
