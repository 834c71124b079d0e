// Starts a real InsightIQ server for the browser tests: free port, temp data dir, with the demo account.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export function serverBinary() {
  if (process.env.INSIGHTIQ_BIN) return process.env.INSIGHTIQ_BIN;
  const target = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'insightiq', 'target');
  return join(target, 'debug', 'insightiq');
}

/** A comma-separated host list with `host` in it. */
function allowHosts(list, host) {
  return [...new Set([...(list ?? '').split(',').map((h) => h.trim()).filter(Boolean), host])].join(',');
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function waitForHealth(base, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early with code ${child.exitCode}`);
    try {
      const r = await fetch(`${base}/api/v1/health`);
      if (r.ok) return await r.json();
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not become healthy in ${timeoutMs} ms (${last})`);
}

export async function startServer({ webDir, log }) {
  const bin = serverBinary();
  if (!existsSync(bin)) {
    const err = new Error(`InsightIQ server binary not found at ${bin}. Build it (cargo build -p insightiq-server) or set INSIGHTIQ_BIN.`);
    err.code = 'NO_SERVER';
    throw err;
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'insightiq-e2e-'));
  const args = ['serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir];
  const child = spawn(bin, args, {
    env: {
      ...process.env,
      INSIGHTIQ_WEB_DIR: resolve(webDir),
      INSIGHTIQ_DISABLE_RATE_LIMITS: process.env.INSIGHTIQ_DISABLE_RATE_LIMITS ?? 'true',
      INSIGHTIQ_LOG: process.env.INSIGHTIQ_LOG ?? 'warn',
      // The connector flow reads a REST API the test serves on loopback, and PostgreSQL
      // on 127.0.0.1; connectors refuse private and loopback hosts unless listed here.
      INSIGHTIQ_CONNECTOR_ALLOW_HOSTS: allowHosts(process.env.INSIGHTIQ_CONNECTOR_ALLOW_HOSTS, '127.0.0.1'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => log(d));
  child.stderr.on('data', (d) => log(d));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const health = await waitForHealth(base, child, Number(process.env.E2E_SERVER_TIMEOUT_MS ?? 60_000));
    return { base, health, stop, bin, dataDir };
  } catch (e) {
    await stop();
    throw e;
  }
}
