/**
 * `npm run build:server`: the server bundle `npm start` runs (dist/server/main.js), and the options
 * the startup bench and server/cold-start.test.ts bundle with (docs/decisions/0034-cold-start.md).
 *
 * Pure-JavaScript packages (fastify and its plugins, socket.io, zod, drizzle…) are bundled in: a
 * cold start then reads, resolves and compiles one file instead of ~800 (≈ 550 CommonJS files,
 * ≈ 260 ES modules), which was most of the start-up time. What stays a real `import`/`require`:
 * - native addons (`better-sqlite3`, `argon2`, `sharp`, `bufferutil`, `utf-8-validate`);
 * - everything imported lazily when configured or first used (PostgreSQL, Redis, PeerJS, Janus,
 *   Spotify, web-push, file-type, tus): still loaded only then, from node_modules;
 * - fastify's default ajv / fast-json-stringify compilers (required lazily, never used: zod's are);
 * - packages that read their own files at run time (pino's transport worker, pyodide, pdfjs,
 *   node-media-server, fluent-ffmpeg's presets) or keep module-level state shared with an external
 *   package (`yjs` and `lib0`, `prom-client`, `@tus/*`).
 * Bundled files that locate their own files with `__dirname` get the installed location (below).
 * Splitting keeps each dynamic `import()` of our own modules a chunk loaded on demand.
 */
import { readFile } from 'node:fs/promises';
import { dirname, sep } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';

/** Packages never bundled (see above). A package not listed here is bundled. */
export const EXTERNAL_PACKAGES = [
  // native addons
  'better-sqlite3',
  'argon2',
  'sharp',
  'bufferutil',
  'utf-8-validate',
  // lazy: loaded when configured or first used (server/cold-start.test.ts)
  'pg',
  'ioredis',
  '@socket.io/redis-streams-adapter',
  'peer',
  'janode',
  'spotify-web-api-node',
  'web-push',
  'file-type',
  '@tus/server',
  '@tus/file-store',
  '@tus/utils',
  // only required lazily by bundled packages, never on the way to listening: kept out of the
  // source every start parses (fastify's default ajv / fast-json-stringify compilers, replaced by zod's)
  'ajv',
  'ajv-formats',
  '@fastify/ajv-compiler',
  'fast-json-stringify',
  '@fastify/fast-json-stringify-compiler',
  'fast-uri',
  // read their own files, or share module state with another external package
  'pino',
  'pyodide',
  'pdfjs-dist',
  'node-media-server',
  'prom-client',
  'fluent-ffmpeg',
  'yjs',
  'lib0',
];

/** `zod`, `@fastify/static`, `node:fs` → the package (or built-in) a specifier names. */
export function packageOf(specifier: string): string {
  return specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
}

const externals: Plugin = {
  name: 'commonroom-externals',
  setup(build) {
    // Bare specifiers only (not ./, ../ or absolute paths): a listed package stays an import.
    build.onResolve({ filter: /^[^./]/ }, (args) => (EXTERNAL_PACKAGES.includes(packageOf(args.path)) ? { path: args.path, external: true } : undefined));
  },
};

/**
 * A bundled CommonJS file that locates its own files (`path.join(__dirname, 'static')`, as
 * `@fastify/swagger-ui` does) gets `__dirname`/`__filename` of where it is installed, found at run
 * time through the package's `package.json` — an ES module has neither.
 */
const installedDirname: Plugin = {
  name: 'commonroom-installed-dirname',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/].*\.c?js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!/\b__(dirname|filename)\b/.test(source)) return undefined;
      // The path below the outermost node_modules, e.g. `@fastify/swagger-ui/lib/routes.js`.
      const installed = args.path.split(`${sep}node_modules${sep}`).slice(1).join('/node_modules/').split(sep).join('/');
      const prelude = `var __filename = __installedFile(${JSON.stringify(installed)}), __dirname = require('node:path').dirname(__filename);\n`;
      return { contents: prelude + source, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

export function serverBundleOptions(outdir: string, entry = 'server/main.ts'): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins: [externals, installedDirname],
    outdir,
    logLevel: 'warning',
    // Bundled CommonJS calls `require` (built-ins, optional packages inside try/catch): give the
    // ES module one, resolving from the bundle's folder as the package itself would.
    // __installedFile('pkg/lib/x.js'): that file in the first node_modules folder, looking up from
    // the bundle's folder as Node's resolution does (not subject to the package's `exports`).
    banner: {
      js: [
        "import { createRequire as __bundleRequire } from 'node:module';",
        'const require = __bundleRequire(import.meta.url);',
        "const __installedFile = (file) => { const path = require('node:path'), fs = require('node:fs'); const dir = require.resolve.paths('x').find((d) => fs.existsSync(path.join(d, file))); return path.join(dir ?? '', file); };",
      ].join('\n'),
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { build } = await import('esbuild');
  const { rmSync } = await import('node:fs');
  const outdir = process.argv[2] ?? 'dist/server';
  // Chunk names are content hashes: drop the previous build's.
  rmSync(outdir, { recursive: true, force: true });
  await build(serverBundleOptions(outdir));
}
