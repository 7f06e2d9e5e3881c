// Runs the end-to-end suite inside a real VS Code: code-server's workbench and Node extension host,
// driven by headless Chromium. Exits non-zero when a test fails or the run does not finish.
// The same suite runs in desktop VS Code through runElectron.mjs.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const codeServer = join(process.env.MLDEBT_E2E_DIR ?? join(root, '.e2e'), 'code-server', 'node_modules', '.bin', 'code-server');
const screenshots = join(root, 'test-results', 'screenshots');
const RUN_TIMEOUT_MS = 5 * 60 * 1000;

if (!existsSync(codeServer)) {
  console.error(`e2e: ${codeServer} is missing; run test/e2e/install-code-server.sh first`);
  process.exit(2);
}

const temp = mkdtempSync(join(tmpdir(), 'mldebt-e2e-'));
const workspace = join(temp, 'workspace');
cpSync(join(root, 'test', 'e2e', 'workspace'), workspace, { recursive: true });
const results = join(temp, 'results.json');
rmSync(screenshots, { recursive: true, force: true });
mkdirSync(screenshots, { recursive: true });
const userData = join(temp, 'user-data');
mkdirSync(join(userData, 'User'), { recursive: true });
// A calm, predictable workbench for tests and screenshots.
writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'telemetry.telemetryLevel': 'off',
  'editor.minimap.enabled': false,
  'window.commandCenter': false,
  'workbench.colorTheme': 'Default Light Modern',
}));

const port = await freePort();
const env = {
  ...process.env,
  XDG_CONFIG_HOME: join(temp, 'config'),
  XDG_DATA_HOME: join(temp, 'data'),
  XDG_CACHE_HOME: join(temp, 'cache'),
  MLDEBT_E2E_RESULTS: results,
  MLDEBT_E2E_SCREENSHOTS: screenshots,
};
writeFileSync(join(temp, 'config.yaml'), 'auth: none\n');
const server = spawn(codeServer, [
  '--config', join(temp, 'config.yaml'), '--user-data-dir', userData, '--extensions-dir', join(temp, 'extensions'),
  '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
], { env, stdio: ['ignore', 'pipe', 'pipe'] });
let serverLog = '';
server.stdout.on('data', (d) => (serverLog += d));
server.stderr.on('data', (d) => (serverLog += d));

let browser;
let exitCode = 1;
try {
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok, 30_000, 'code-server to answer /healthz');
  const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
  const payload = [['extensionDevelopmentPath', remote(root)], ['extensionTestsPath', remote(join(root, 'test', 'e2e', 'out', 'index.js'))]];
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  browser = await chromium.launchPersistentContext(join(temp, 'chromium'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(url);

  // The suite asks for UI actions by writing <name>.request (a screenshot, or keys to type into the
  // open input box or quick pick); we answer with <name>.done.
  const started = Date.now();
  while (!existsSync(results)) {
    if (Date.now() - started > RUN_TIMEOUT_MS) throw new Error('the suite did not finish in time');
    for (const f of readdirSync(screenshots).filter((n) => n.endsWith('.request')).sort()) {
      const name = f.slice(0, -'.request'.length);
      const action = JSON.parse(readFileSync(join(screenshots, f), 'utf8') || '{"type":"screenshot"}');
      rmSync(join(screenshots, f));
      if (action.type === 'keys') {
        const input = page.locator('.quick-input-widget .quick-input-box input');
        await input.waitFor({ state: 'visible', timeout: 15_000 });
        if (action.text) await input.fill(action.text);
        await page.waitForTimeout(300); // the quick pick filters as it is typed into
        await page.keyboard.press('Enter');
        await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 }).catch(() => undefined);
      } else {
        await page.waitForTimeout(1500); // let the workbench paint squiggles, menus and views
        await page.screenshot({ path: join(screenshots, `${name}.png`) });
      }
      writeFileSync(join(screenshots, `${name}.done`), '');
    }
    await page.waitForTimeout(200);
  }
  const outcome = JSON.parse(readFileSync(results, 'utf8'));
  for (const t of outcome.passed) console.log(`  ✓ ${t}`);
  for (const t of outcome.failed) console.log(`  ✗ ${t.title}\n${t.error.replace(/^/gm, '      ')}`);
  for (const [k, v] of Object.entries(outcome.measurements)) console.log(`  measured ${k}: ${v} ms`);
  writeFileSync(join(root, 'test-results', 'e2e.json'), JSON.stringify(outcome, null, 2));
  console.log(`e2e: ${outcome.passed.length} passed, ${outcome.failed.length} failed`);
  exitCode = outcome.failed.length === 0 && outcome.passed.length > 0 ? 0 : 1;
} catch (e) {
  console.error(`e2e: ${e.message}`);
  console.error(serverLog.split('\n').slice(-30).join('\n'));
} finally {
  await browser?.close().catch(() => undefined);
  server.kill();
  for (const f of readdirSync(screenshots).filter((n) => n.endsWith('.done') || n.endsWith('.request'))) rmSync(join(screenshots, f));
  rmSync(temp, { recursive: true, force: true });
}
process.exit(exitCode);

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitFor(check, timeoutMs, what) {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
