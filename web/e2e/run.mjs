#!/usr/bin/env node
// Browser tests: build check -> start a real InsightIQ server -> drive the web app in
// headless system Chromium (playwright-core, no browser download) -> screenshots.
//
//   INSIGHTIQ_BIN        server binary (default $CARGO_TARGET_DIR/debug/insightiq,
//                        CARGO_TARGET_DIR defaulting to ~/.cache/insightiq/target)
//   CHROMIUM_PATH        browser (default /usr/bin/chromium)
//   E2E_BASE_URL         use an already running server instead of starting one
//   E2E_HEADED=1         show the browser
//   E2E_STRICT=1         count flows skipped for missing endpoints as failures
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { runAll } from './harness.mjs';
import { registerFlows } from './flows.mjs';
import { startServer } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const webDir = resolve(here, '..');
const outDir = join(webDir, 'test-output');
mkdirSync(outDir, { recursive: true });
for (const f of readdirSync(outDir)) if (f.startsWith('FAILED-')) rmSync(join(outDir, f));

const serverLog = [];
const log = (chunk) => serverLog.push(String(chunk));

async function main() {
  if (!existsSync(join(webDir, 'dist', 'index.html'))) {
    console.error('web/dist is missing: run `npm run build` first.');
    process.exit(1);
  }

  let server;
  if (process.env.E2E_BASE_URL) {
    server = { base: process.env.E2E_BASE_URL.replace(/\/$/, ''), stop: async () => {} };
  } else {
    try {
      server = await startServer({ webDir: join(webDir, 'dist'), log });
    } catch (e) {
      console.error(`e2e: ${e.message}`);
      if (serverLog.length) console.error(serverLog.join('').slice(-4000));
      process.exit(1);
    }
  }
  console.log(`e2e: server at ${server.base}${server.health ? ` (version ${server.health.version})` : ''}`);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: process.env.E2E_HEADED !== '1',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: server.base, acceptDownloads: true });
  context.setDefaultTimeout(Number(process.env.E2E_TIMEOUT_MS ?? 15_000));
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));

  // Flows that need endpoints the server does not have yet (absent from its OpenAPI
  // document) are skipped and named, so the suite can run while the API grows.
  const routes = await fetch(`${server.base}/api/v1/openapi.json`)
    .then((r) => (r.ok ? r.json() : null))
    .then((doc) => (doc?.paths ? new Set(Object.keys(doc.paths).map(normRoute)) : null))
    .catch(() => null);
  if (!routes) console.log('e2e: no OpenAPI document; assuming every endpoint exists');

  const ctx = {
    hasRoute: (r) => !routes || routes.has(normRoute(r)),
    base: server.base,
    dataDir: server.dataDir,
    browser,
    context,
    page,
    outDir,
    repoRoot: resolve(webDir, '..'),
    consoleErrors,
    state: {},
    onFailure: async (name) => {
      const file = join(outDir, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`      screenshot: ${file}; url: ${page.url()}`);
    },
  };
  registerFlows();
  let result;
  try {
    result = await runAll(ctx);
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
    writeFileSync(join(outDir, 'server.log'), serverLog.join(''));
    if (consoleErrors.length) writeFileSync(join(outDir, 'browser-console.log'), consoleErrors.join('\n'));
  }
  process.exit(result.failed > 0 ? 1 : 0);
}

function normRoute(r) {
  return r.replace(/\{[^}]*\}/g, '{}').replace(/\/$/, '');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
