/**
 * Writes `db/schema-pg/` (the PostgreSQL mirror, pg-core) and the dialect switch at the top of
 * `db/schema/index.ts` from the SQLite tables of `db/schema/`, which stay the one source of truth
 * (ADR 0020). Run by `npm run db:generate` before drizzle-kit; `db/schema-pg.test.ts` fails when the
 * committed files differ from what this would write.
 *
 * Mapping: an auto-increment integer primary key → `serial`; an integer with a foreign key →
 * `integer`; every other integer (ms timestamps, sizes, counters) → `bigint` in number mode;
 * `integer` boolean mode → `boolean`; text (and its enum) → `text`; real → `double precision`;
 * blob → `bytea`. Names, nullability, literal defaults, primary keys, foreign keys (with their
 * on-delete rule), indexes (unique, partial) are carried over unchanged.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { is, SQL, StringChunk } from 'drizzle-orm';
import { getTableConfig, SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core';

const SCHEMA = join(import.meta.dirname, 'schema');
const OUT = join(import.meta.dirname, 'schema-pg');

/** The `export * from './x.js'` files of db/schema/index.ts, in order. */
export function schemaFiles(): string[] {
  const index = readFileSync(join(SCHEMA, 'index.ts'), 'utf8');
  return [...index.matchAll(/^export \* from '\.\/([\w.-]+)\.js';$/gm)].map((m) => m[1]!);
}

interface TableRef {
  file: string;
  name: string;
  table: SQLiteTable;
}

async function loadTables(): Promise<TableRef[]> {
  const out: TableRef[] = [];
  for (const file of schemaFiles()) {
    const mod = (await import(join(SCHEMA, `${file}.ts`))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) if (is(value, SQLiteTable)) out.push({ file, name, table: value });
  }
  return out;
}

function sqlText(s: SQL): string {
  return s.queryChunks
    .map((c) => {
      if (is(c, StringChunk)) return c.value.join('');
      throw new Error('gen-schema-pg: only plain sql`…` text is supported in index conditions');
    })
    .join('');
}

const lit = (v: unknown) => (typeof v === 'string' ? `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(v));

function renderTable(ref: TableRef, byTable: Map<SQLiteTable, TableRef>): string {
  const cfg = getTableConfig(ref.table);
  const imports = new Set<string>(['pgTable']);
  const fileImports = new Map<string, Set<string>>();
  const fkOf = new Map<string, { table: SQLiteTable; column: string; onDelete?: string; onUpdate?: string }>();
  for (const fk of cfg.foreignKeys) {
    const r = fk.reference();
    if (r.columns.length !== 1) throw new Error(`${cfg.name}: composite foreign keys are not supported by gen-schema-pg`);
    fkOf.set(r.columns[0]!.name, { table: r.foreignTable as SQLiteTable, column: r.foreignColumns[0]!.name, onDelete: fk.onDelete, onUpdate: fk.onUpdate });
  }
  const keyOf = (col: SQLiteColumn) => Object.entries(ref.table).find(([, c]) => c === col)?.[0] ?? col.name;
  const lines: string[] = [];
  let selfRef = false;
  for (const col of cfg.columns) {
    const key = keyOf(col);
    const c = col as SQLiteColumn & { autoIncrement?: boolean; enumValues?: string[]; mode?: string };
    let expr: string;
    switch (c.columnType) {
      case 'SQLiteInteger':
        if (c.primary && c.autoIncrement) {
          imports.add('serial');
          expr = `serial('${c.name}')`;
        } else if (fkOf.has(c.name)) {
          imports.add('integer');
          expr = `integer('${c.name}')`;
        } else {
          imports.add('bigint');
          expr = `bigint('${c.name}', { mode: 'number' })`;
        }
        break;
      case 'SQLiteBoolean':
        imports.add('boolean');
        expr = `boolean('${c.name}')`;
        break;
      case 'SQLiteText':
        imports.add('text');
        expr = c.enumValues?.length ? `text('${c.name}', { enum: [${c.enumValues.map(lit).join(', ')}] })` : `text('${c.name}')`;
        break;
      case 'SQLiteReal':
        imports.add('doublePrecision');
        expr = `doublePrecision('${c.name}')`;
        break;
      case 'SQLiteBlobBuffer':
        imports.add('customType');
        expr = `bytea('${c.name}')`;
        break;
      default:
        throw new Error(`${cfg.name}.${c.name}: column type ${c.columnType} has no PostgreSQL mapping in db/gen-schema-pg.ts`);
    }
    if (c.primary) expr += '.primaryKey()';
    else if (c.notNull) expr += '.notNull()';
    if (c.hasDefault && c.default !== undefined) {
      if (is(c.default, SQL)) {
        imports.add('sql');
        expr += `.default(sql\`${sqlText(c.default)}\`)`;
      } else expr += `.default(${lit(c.default)})`;
    }
    const fk = fkOf.get(c.name);
    if (fk) {
      const target = byTable.get(fk.table)!;
      const targetKey = Object.entries(fk.table).find(([, col]) => (col as SQLiteColumn)?.name === fk.column && typeof col === 'object')?.[0] ?? fk.column;
      const opts = [fk.onDelete && fk.onDelete !== 'no action' ? `onDelete: '${fk.onDelete}'` : '', fk.onUpdate && fk.onUpdate !== 'no action' ? `onUpdate: '${fk.onUpdate}'` : '']
        .filter(Boolean)
        .join(', ');
      if (target.table === ref.table) {
        selfRef = true;
        imports.add('type AnyPgColumn');
        expr += `.references((): AnyPgColumn => ${target.name}.${targetKey}${opts ? `, { ${opts} }` : ''})`;
      } else {
        if (!fileImports.has(target.file)) fileImports.set(target.file, new Set());
        fileImports.get(target.file)!.add(target.name);
        expr += `.references(() => ${target.name}.${targetKey}${opts ? `, { ${opts} }` : ''})`;
      }
    }
    lines.push(`    ${key}: ${expr},`);
  }
  const extras: string[] = [];
  for (const pk of cfg.primaryKeys) {
    imports.add('primaryKey');
    extras.push(`primaryKey({ columns: [${pk.columns.map((col) => `t.${keyOf(col as SQLiteColumn)}`).join(', ')}] })`);
  }
  for (const idx of cfg.indexes) {
    const ic = idx.config;
    const fn = ic.unique ? 'uniqueIndex' : 'index';
    imports.add(fn);
    let e = `${fn}('${ic.name}').on(${ic.columns.map((col) => `t.${keyOf(col as SQLiteColumn)}`).join(', ')})`;
    if (ic.where) {
      imports.add('sql');
      e += `.where(sql\`${sqlText(ic.where)}\`)`;
    }
    extras.push(e);
  }
  if (cfg.uniqueConstraints.length || cfg.checks.length) throw new Error(`${cfg.name}: unique()/check() constraints are not supported by gen-schema-pg yet`);
  void selfRef;
  const pgCore = [...imports].filter((i) => i !== 'sql').sort((a, b) => a.replace('type ', '').localeCompare(b.replace('type ', '')));
  const head = [
    `// Generated by db/gen-schema-pg.ts from db/schema/${ref.file}.ts (npm run db:generate); do not edit.`,
    ...(imports.has('sql') ? [`import { sql } from 'drizzle-orm';`] : []),
    `import { ${pgCore.join(', ')} } from 'drizzle-orm/pg-core';`,
    ...[...fileImports].sort().map(([file, names]) => `import { ${[...names].sort().join(', ')} } from './${file}.js';`),
  ];
  if (imports.has('customType')) head.push('', `const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });`);
  const body = [`export const ${ref.name} = pgTable(`, `  '${cfg.name}',`, `  {`, ...lines, `  },`];
  if (extras.length) body.push(`  (t) => [`, ...extras.map((e) => `    ${e},`), `  ],`);
  body.push(`);`);
  return [...head, '', ...body, ''].join('\n');
}

export const SWITCH_BEGIN = '// <dialect-switch> generated by db/gen-schema-pg.ts (npm run db:generate); do not edit.';
export const SWITCH_END = '// </dialect-switch>';

/** The block at the top of db/schema/index.ts: with DATABASE_URL set, every table is its pg-core twin. */
function renderSwitch(tables: TableRef[]): string {
  return [
    SWITCH_BEGIN,
    '// Services import tables from here, typed as the SQLite ones; with DATABASE_URL (postgres://) set when',
    '// this module loads, each name is bound to its db/schema-pg twin instead (ADR 0020). A local export',
    "// takes precedence over the same name from the `export *` lines below. The PostgreSQL tables (and",
    "// drizzle's pg-core) are loaded only then: an SQLite server never pays for them (ADR 0034).",
    ...tables.map((t) => `import { ${t.name} as ${t.name}Sqlite } from './${t.file}.js';`),
    "const pg = /^postgres(ql)?:\\/\\//.test(globalThis.process?.env?.DATABASE_URL ?? '') ? await import('../schema-pg/index.js') : null;",
    ...tables.map((t) => `export const ${t.name} = pg ? (pg.${t.name} as unknown as typeof ${t.name}Sqlite) : ${t.name}Sqlite;`),
    SWITCH_END,
  ].join('\n');
}

/** Every file this generator owns, path → content. */
export async function renderAll(): Promise<Map<string, string>> {
  const tables = await loadTables();
  const byTable = new Map(tables.map((t) => [t.table, t]));
  const out = new Map<string, string>();
  for (const file of schemaFiles()) {
    const own = tables.filter((t) => t.file === file);
    if (own.length !== 1) throw new Error(`db/schema/${file}.ts: one table per file expected, found ${own.length}`);
    out.set(join(OUT, `${file}.ts`), renderTable(own[0]!, byTable));
  }
  out.set(
    join(OUT, 'index.ts'),
    ['// Generated by db/gen-schema-pg.ts (npm run db:generate); do not edit. The PostgreSQL mirror of db/schema.', ...schemaFiles().map((f) => `export * from './${f}.js';`), ''].join('\n'),
  );
  const indexPath = join(SCHEMA, 'index.ts');
  const index = readFileSync(indexPath, 'utf8');
  const start = index.indexOf(SWITCH_BEGIN);
  const end = index.indexOf(SWITCH_END);
  const rest = start >= 0 && end > start ? index.slice(0, start) + index.slice(end + SWITCH_END.length).replace(/^\n+/, '') : index;
  out.set(indexPath, `${renderSwitch(tables)}\n\n${rest.replace(/^\n+/, '')}`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = await renderAll();
  const keep = new Set([...files.keys()].map((p) => basename(p)));
  for (const f of readdirSync(OUT, { withFileTypes: true }))
    if (f.isFile() && f.name.endsWith('.ts') && !f.name.endsWith('.test.ts') && !keep.has(f.name) && f.name !== 'README.md') {
      const { rmSync } = await import('node:fs');
      rmSync(join(OUT, f.name));
    }
  for (const [path, content] of files) writeFileSync(path, content);
  console.log(`gen-schema-pg: ${files.size - 2} tables mirrored into db/schema-pg/`);
}
