import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: { '@protocol': fileURLToPath(new URL('./protocol', import.meta.url)) },
  },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules', 'e2e', 'client/dist', '.tmp'],
    environment: 'node',
    // Integration suites boot a real server and hash passwords with argon2 in beforeAll: on a busy
    // 2-core machine that can take longer than the 10 s default. A budget, not a wait.
    hookTimeout: 30_000,
    // The same for a test's own steps (real sockets, argon2 logins, restarts): a budget, not a wait;
    // at load 20+ single integration tests took just over the 5 s default.
    testTimeout: 20_000,
  },
});
