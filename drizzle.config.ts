import { readdirSync } from 'node:fs';
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  // The table files, not db/schema/index.ts: its dialect switch uses top-level await, which
  // drizzle-kit's CommonJS loader cannot run (ADR 0034). Same tables either way.
  schema: readdirSync('./db/schema')
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.endsWith('.test.ts'))
    .map((f) => `./db/schema/${f}`),
  out: './db/migrations',
  casing: 'snake_case',
});
