import { defineConfig } from 'drizzle-kit';

/** PostgreSQL migrations (ADR 0020): db/schema-pg is generated from db/schema by db/gen-schema-pg.ts. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema-pg/index.ts',
  out: './db/migrations-pg',
  casing: 'snake_case',
});
