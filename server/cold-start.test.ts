/**
 * Cold start (issue 18, docs/decisions/0034-cold-start.md): what is not configured is not loaded.
 * PostgreSQL, Redis, PeerJS (and any Express), Janus, Spotify, web-push, sharp, file-type and tus
 * are imported dynamically when configured or first used; a static import of any of them would put
 * it back into every start. Checked two ways: in a real server process (which packages the ESM
 * loader resolved by the time it listens), and in the bundle `npm run build:server` makes (which
 * packages the entry chunk imports statically, and that the pure-JS ones are bundled in).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { EXTERNAL_PACKAGES, packageOf, serverBundleOptions } from './bundle.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Not loaded by a server on SQLite with nothing optional configured and nothing used yet. */
const LAZY = [
  'pg',
  'drizzle-orm/pg-core',
  'drizzle-orm/node-postgres',
  'drizzle-orm/node-postgres/migrator',
  'ioredis',
  '@socket.io/redis-streams-adapter',
  'peer',
  'janode',
  'janode/plugins/videoroom',
  'janode/plugins/streaming',
  'sharp',
  'file-type',
  '@tus/server',
  'web-push',
  'spotify-web-api-node/src/http-manager.js',
  '@fastify/express',
];
/**
 * CommonJS packages (required by other packages) not loaded either: ajv is fastify's default
 * validator, which zod replaces; Express comes with PeerJS on its first use.
 */
const LAZY_REQUIRED = ['pg', 'ioredis', 'peer', 'sharp', 'web-push', 'superagent', 'ajv', '@fastify/ajv-compiler', 'express'];
/**
 * Lazy packages the bundle carries in its on-demand chunks rather than importing them, by a file
 * only their own path uses (drizzle's core itself imports a few pg-core column files).
 */
const LAZY_BUNDLED: Record<string, string> = {
  'drizzle-orm/pg-core': 'node_modules/drizzle-orm/pg-core/dialect.js',
  'drizzle-orm/node-postgres': 'node_modules/drizzle-orm/node-postgres/driver.js',
  'drizzle-orm/node-postgres/migrator': 'node_modules/drizzle-orm/node-postgres/migrator.js',
};
/** Loaded by every server: shows the recording works at all. */
const ALWAYS = ['fastify', 'socket.io', 'better-sqlite3', 'drizzle-orm/better-sqlite3', 'zod'];

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

describe('cold start loads only what is configured', () => {
  it('a server on SQLite without Redis, Janus or Spotify has not imported their packages when it listens', async () => {
    const dataDir = tempDir('cold-start-');
    // A clean environment: no DATABASE_URL (npm run test:pg sets one), REDIS_URL, SPOTIFY_* or JANUS_URL.
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent', JANUS_ENABLED: 'off', STREAMING_ENABLED: 'false' };
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/test/boot-imports.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
    const { imported, required } = JSON.parse(out.trim().split('\n').at(-1)!) as { imported: string[]; required: string[] };
    for (const pkg of ALWAYS) expect(imported).toContain(pkg);
    for (const pkg of ['fastify', 'socket.io', 'better-sqlite3']) expect(required).toContain(pkg);
    expect(imported.filter((s) => LAZY.includes(s) || s.startsWith('spotify-web-api-node'))).toEqual([]);
    expect(required.filter((s) => LAZY_REQUIRED.includes(s) || s.startsWith('spotify-web-api-node'))).toEqual([]);
    // A budget, not a wait: tsx compiling the whole server took 40 s at load 40 on the 2-core machine.
  }, 180_000);

  it('the server bundle (npm run build:server) bundles the pure-JS packages and imports none of the lazy ones before its first line runs', { timeout: 120_000 }, async () => {
    const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['build:server']!;
    expect(script).toBe('tsx server/bundle.ts dist/server');
    // The same options, writing elsewhere and describing the output.
    const outDir = tempDir('cold-start-bundle-');
    const { metafile } = (await build({ ...serverBundleOptions(outDir, join(ROOT, 'server/main.ts')), absWorkingDir: ROOT, metafile: true, logLevel: 'silent' })) as { metafile: Metafile };
    const outputs = metafile.outputs;
    const key = (file: string) => Object.keys(outputs).find((k) => join(ROOT, k) === file || k === file)!;
    // The entry and every chunk it imports statically: the packages they import or require, and
    // the node_modules files bundled into them.
    const external = new Set<string>();
    const bundled = new Set<string>();
    const visited = new Set<string>();
    const walk = (out: string) => {
      if (visited.has(out)) return;
      visited.add(out);
      for (const i of outputs[out]!.imports) {
        if (i.external) {
          if (i.kind !== 'dynamic-import') external.add(i.path);
        } else if (i.kind === 'import-statement') walk(key(join(ROOT, i.path)));
      }
      for (const input of Object.keys(outputs[out]!.inputs)) bundled.add(input);
    };
    walk(key(join(outDir, 'main.js')));
    const bundledPackage = (specifier: string) => [...bundled].some((f) => f.startsWith(`node_modules/${specifier}/`));
    // Native addons stay imports; fastify, socket.io, zod and drizzle are read from the bundle, not
    // resolved file by file from node_modules (what `--packages=external` did: most of a cold start).
    for (const pkg of ['better-sqlite3', 'argon2']) expect(external).toContain(pkg);
    for (const pkg of ['fastify', 'socket.io', 'engine.io', 'zod', 'drizzle-orm', 'find-my-way', 'yaml', 'semver']) expect(bundledPackage(pkg), pkg).toBe(true);
    // Nothing else is left to node_modules: built-ins, the listed externals, and `debug`'s optional
    // `supports-color` (required inside try/catch, not installed).
    expect([...external].filter((s) => !isBuiltin(s) && !EXTERNAL_PACKAGES.includes(packageOf(s)) && s !== 'supports-color')).toEqual([]);
    // The packages only the PostgreSQL, Redis, Janus… paths use stay out of the start-up imports…
    expect([...external].filter((s) => LAZY.includes(s) || s.startsWith('spotify-web-api-node'))).toEqual([]);
    for (const file of Object.values(LAZY_BUNDLED)) expect(bundled, file).not.toContain(file);
    expect(bundledPackage('express')).toBe(false);
    // …and they are still in the bundle (one code path): imported, or carried, by chunks loaded on demand.
    const everywhere = new Set(Object.values(outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)));
    const everywhereBundled = new Set(Object.values(outputs).flatMap((o) => Object.keys(o.inputs)));
    for (const pkg of LAZY.filter((p) => !(p in LAZY_BUNDLED) && p !== '@fastify/express')) expect(everywhere).toContain(pkg);
    for (const file of Object.values(LAZY_BUNDLED)) expect(everywhereBundled).toContain(file);
  });
});
