/**
 * Cold start (issue 18, docs/decisions/0034-cold-start.md): what is not configured is not loaded.
 * PostgreSQL, Redis, PeerJS, Janus, Spotify, web-push, sharp, file-type and tus are imported
 * dynamically when configured or first used; a static import of any of them would put it back into
 * every start. Checked two ways: in a real server process (which packages the ESM loader resolved
 * by the time it listens), and in the bundle `npm run build:server` makes (which packages the
 * entry chunk imports statically).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

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
];
/** CommonJS packages (required by other packages) not loaded either: ajv is fastify's default validator, which zod replaces. */
const LAZY_REQUIRED = ['pg', 'ioredis', 'peer', 'sharp', 'web-push', 'superagent', 'ajv', '@fastify/ajv-compiler'];
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

  it('the server bundle (npm run build:server) imports none of them before its first line runs', { timeout: 120_000 }, () => {
    const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['build:server']!;
    const outDir = tempDir('cold-start-bundle-');
    const meta = join(outDir, 'meta.json');
    // The same command, writing elsewhere and describing its output.
    const args = script
      .split(/\s+/)
      .slice(1)
      .map((a) => (a.startsWith('--outdir=') ? `--outdir=${outDir}` : a));
    expect(args).toContain('--splitting');
    execFileSync(join(ROOT, 'node_modules/.bin/esbuild'), [...args, `--metafile=${meta}`], { cwd: ROOT, stdio: 'pipe' });
    const outputs = (JSON.parse(readFileSync(meta, 'utf8')) as { outputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }> }).outputs;
    const key = (file: string) => Object.keys(outputs).find((k) => join(ROOT, k) === file || k === file)!;
    // The entry and every chunk it imports statically, and the packages they import statically.
    const staticPackages = new Set<string>();
    const dynamicPackages = new Set<string>();
    const visited = new Set<string>();
    const walk = (out: string) => {
      if (visited.has(out)) return;
      visited.add(out);
      for (const i of outputs[out]!.imports) {
        if (i.external) (i.kind === 'import-statement' ? staticPackages : dynamicPackages).add(i.path);
        else if (i.kind === 'import-statement') walk(key(join(ROOT, i.path)));
      }
    };
    walk(key(join(outDir, 'main.js')));
    for (const pkg of ['fastify', 'socket.io', 'better-sqlite3']) expect(staticPackages).toContain(pkg);
    // The packages only the PostgreSQL, Redis, Janus… paths use stay out of the start-up imports.
    expect([...staticPackages].filter((s) => LAZY.includes(s) || s.startsWith('spotify-web-api-node'))).toEqual([]);
    // …and they are still in the bundle (one code path): imported by chunks loaded on demand.
    const everywhere = new Set(Object.values(outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)));
    for (const pkg of LAZY) expect(everywhere).toContain(pkg);
    expect(dynamicPackages).toContain('peer');
  });
});
