/**
 * How our Chromium is launched, shared by playwright.config.ts, the call specs (e2e/fixtures.ts)
 * and the browser benches (bench/sfu-*.ts). Plain Node: no test-runner imports.
 */
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/** Headless on a server without GPU, no background traffic. */
export const HEADLESS_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Fake camera, microphone and screen, no permission prompts, loopback ICE, autoplay: what calls need. */
export function callFlags(extra: string[] = []): string[] {
  return [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    ...extra,
    // Without it the `stream` event fires on one machine but no frames flow.
    '--allow-loopback-in-peer-connection',
    '--auto-select-desktop-capture-source=Entire screen',
    '--autoplay-policy=no-user-gesture-required',
  ];
}

/** Debian's Chromium (or CHROMIUM_PATH); undefined means a Playwright-installed browser. */
export function chromiumExecutable(): string | undefined {
  for (const candidate of [process.env.CHROMIUM_PATH, '/usr/bin/chromium']) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  try {
    if (existsSync(chromium.executablePath())) return undefined;
  } catch {
    // No bundled browser registered.
  }
  throw new Error('No Chromium found. install Chromium: apt-get install chromium, or npx playwright install chromium (or set CHROMIUM_PATH).');
}
