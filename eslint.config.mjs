/**
 * Lint for what the type checker cannot see: promises. Every service is async (one code path for
 * SQLite and PostgreSQL), so a forgotten `await` is a real bug: a membership check that is always
 * truthy, a write that is not finished when the ack goes out. `npm run typecheck` runs this.
 *
 * It also keeps SQLite-only calls (better-sqlite3's sync `.get()/.all()/.run()`, `prepare()`,
 * `$client`) out of services; the few files that are SQLite-only by design are listed below.
 */
import tseslint from 'typescript-eslint';

const SQLITE_ONLY = [
  {
    selector: "CallExpression[arguments.length=0][callee.property.name=/^(get|all|run)$/]",
    message: 'better-sqlite3 sync call: await the query builder instead (it works on SQLite and PostgreSQL).',
  },
  { selector: "CallExpression[callee.property.name='prepare']", message: 'prepare() is SQLite-only: await the query builder.' },
  { selector: "MemberExpression[property.name='$client']", message: '$client is driver-specific: go through Drizzle.' },
];

const IGNORES = ['**/*.test.ts', 'server/test/**'];

export default tseslint.config(
  // Build output: the server bundle carries its packages' code (and their eslint-disable comments).
  { ignores: ['dist/', '.tmp/', 'client/dist/'] },
  {
    files: ['server/**/*.ts', 'db/**/*.ts', 'media/**/*.ts'],
    ignores: IGNORES,
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    languageOptions: { parser: tseslint.parser, parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
      'no-restricted-syntax': ['error', ...SQLITE_ONLY],
    },
  },
  {
    // media/ has no database (its .run() is FFmpeg's). SQLite-only by design: the connection itself, its timing probe, hot statements prepared once (db/hot.ts), and the SQL twins chosen per dialect.
    files: ['media/**/*.ts', 'db/client.ts', 'db/index.ts', 'db/tx.ts', 'db/hot.ts', 'db/migrate.ts', 'db/copy-to-postgres.ts', 'server/metrics/db-timing.ts', 'server/**/*-sql.ts'],
    ignores: IGNORES,
    rules: { 'no-restricted-syntax': 'off' },
  },
);
