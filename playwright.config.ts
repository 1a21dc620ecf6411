/**
 * End-to-end tests: real Chromium against the real server (serving the built client) on a fresh
 * data directory. `npm run test:e2e` builds the client first.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { chromiumExecutable, HEADLESS_FLAGS } from './e2e/chromium.js';

const port = Number(process.env.E2E_PORT ?? 3107);
const baseURL = `http://127.0.0.1:${port}`;

// Workers evaluate this file again: share the first evaluation's directory through the env.
process.env.CR_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'commonroom-e2e-'));
const dataDir = process.env.CR_E2E_DATA_DIR;

if (!existsSync('client/dist/index.html')) {
  throw new Error('client/dist is missing: run `npm run build` first (or use `npm run test:e2e`).');
}

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: process.env.CI ? 1 : 2,
  retries: 0,
  // Multi-browser specs on a busy 2-core machine: budgets that hold under load (expectations unchanged).
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  outputDir: 'test-results',
  use: {
    baseURL,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromiumExecutable(),
      args: HEADLESS_FLAGS,
    },
  },
  projects: [{ name: 'chromium' }],
  webServer: {
    // E2E_SERVER=built: the bundle `npm start` runs (`npm run build` first), instead of tsx on the sources.
    command: process.env.E2E_SERVER === 'built' ? 'node dist/server/main.js' : 'npx tsx server/main.ts',
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      // RTMP ingest on a port derived from E2E_PORT, so concurrent runs on other ports do not collide.
      RTMP_PORT: String(port + 10000),
      RTMP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // Many test accounts register from one address; sign-in limits are tested by the server suite.
      AUTH_ATTEMPTS_PER_15MIN: '1000',
      // Janus (when installed): a free WebSocket port and media ports derived from E2E_PORT.
      JANUS_WS_PORT: '0',
      JANUS_RTP_PORTS: `${40000 + (port % 100) * 200}-${40000 + (port % 100) * 200 + 199}`,
    },
  },
});
