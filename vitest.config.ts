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
  },
});
