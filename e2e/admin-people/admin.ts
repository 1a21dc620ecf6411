/** An admin for admin-console specs: a fresh account made admin with the real CLI on the e2e server's DATA_DIR. */
import { execFileSync } from 'node:child_process';
import type { Browser } from '@playwright/test';
import { newUserViaApi, type User } from '../fixtures.js';

export async function newAdmin(browser: Browser, prefix = 'admin'): Promise<User> {
  const user = await newUserViaApi(browser, prefix);
  execFileSync('npx', ['tsx', 'server/admin/cli.ts', 'make-admin', user.username], {
    env: { ...process.env, DATA_DIR: process.env.CR_E2E_DATA_DIR!, LOG_LEVEL: 'silent' },
    stdio: 'pipe',
    timeout: 60_000,
  });
  return user;
}
