/**
 * Room files (issue 11). In one process: the real app (buildApp) on 127.0.0.1 with a fresh data
 * directory, driven over real HTTP.
 *  - Upload: a `fileMb` MB file of random bytes sent with one tus PATCH streamed from disk, vs a plain
 *    file copy on the same disk (ratio); process RSS sampled every 100 ms during the upload (flat =
 *    streamed, never whole files in memory). The upload includes the finish: sha256 and type sniffing.
 *  - Download: the same file through our route (curl, whole and a 100 MB middle Range) vs curl from
 *    a plain static server (python3 -m http.server) serving the same bytes.
 *  - Search: `files` file rows in one room (realistic names, 8 kinds, 20 uploaders, 200 folders),
 *    then HTTP search latency over name fragments, kinds and uploaders (SQLite; the same rows and
 *    queries on both dialects, PostgreSQL with and without pg_trgm: bench/files-search.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFile, open, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileFolders, roomFiles } from '../db/schema/index.js';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import type { BenchReport } from './lib/report.js';
import { type Table } from './lib/stats.js';
import { measureSearch, pathKind } from './files-search.js';
import { makeDataDir, removeDataDir } from './lib/tempdir.js';

export interface FilesOptions {
  fileMb: number;
  files: number;
  queries: number;
}

const log = (msg: string) => process.stderr.write(`[files] ${msg}\n`);
const MB = 1024 * 1024;

async function writeRandomFile(path: string, bytes: number): Promise<void> {
  const fh = await open(path, 'w');
  const chunk = Buffer.alloc(8 * MB);
  try {
    for (let left = bytes; left > 0; left -= chunk.length) {
      for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, i);
      await fh.write(chunk, 0, Math.min(chunk.length, left));
    }
  } finally {
    await fh.close();
  }
}

/**
 * One download by curl, asynchronously: the server under test runs in this process, so a
 * synchronous child (spawnSync) would stop the very event loop that has to answer it.
 */
function curlSpeed(url: string, headers: string[]): Promise<{ seconds: number; bytes: number } | null> {
  return new Promise((resolve) => {
    const child = spawn('curl', ['-s', '-o', '/dev/null', '-w', '%{time_total} %{size_download}', ...headers.flatMap((h) => ['-H', h]), url], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', () => resolve(null));
    child.on('close', (code) => {
      if (code !== 0) return resolve(null);
      const [t, n] = out.trim().split(' ').map(Number);
      resolve({ seconds: t!, bytes: n! });
    });
  });
}

/** One tus PATCH of the whole file by curl (a separate process), streamed from disk. */
function curlPatch(url: string, file: string, cookie: string): Promise<{ status: number; fileId: number }> {
  return new Promise((resolve, reject) => {
    const args = ['-s', '-o', '/dev/null', '-D', '-', '-X', 'PATCH', '-H', `Cookie: ${cookie}`, '-H', 'Tus-Resumable: 1.0.0', '-H', 'Upload-Offset: 0', '-H', 'Content-Type: application/offset+octet-stream', '-T', file, url];
    const child = spawn('curl', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let head = '';
    child.stdout.on('data', (c: Buffer) => (head += c.toString()));
    child.on('error', reject);
    child.on('close', () => {
      // The last status line (a `100 Continue` may come first).
      const status = Number([...head.matchAll(/^HTTP\/[\d.]+ (\d{3})/gm)].at(-1)?.[1] ?? 0);
      resolve({ status, fileId: Number(/^x-file-id: *(\d+)/im.exec(head)?.[1] ?? 0) });
    });
  });
}

export async function filesBench(opts: FilesOptions): Promise<BenchReport> {
  const dir = makeDataDir('files');
  const notes: string[] = [];
  const tables: Table[] = [];
  const config = loadConfig({ LOG_LEVEL: 'silent', JANUS_ENABLED: 'off' }, { dataDir: dir, clientDist: undefined, streamingEnabled: false, files: { maxFileBytes: (opts.fileMb + 1) * MB, roomQuotaBytes: 10 * (opts.fileMb + 1) * MB, jobConcurrency: 1, minFreeBytes: 0 } });
  const app = await buildApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  try {
    const reg = await fetch(`${base}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'benchuser', password: 'correct horse battery' }) });
    const cookie = reg.headers.get('set-cookie')!.split(';')[0]!;
    const userId = ((await reg.json()) as { user: { id: number } }).user.id;
    const roomRes = await fetch(`${base}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ name: 'Bench' }) });
    const roomId = ((await roomRes.json()) as { room: { id: number } }).room.id;

    // ---- upload ----
    const src = join(dir, 'source.bin');
    log(`writing a ${opts.fileMb} MB source file`);
    await writeRandomFile(src, opts.fileMb * MB);
    const size = (await stat(src)).size;
    const tCopy = performance.now();
    await copyFile(src, join(dir, 'copy.bin'));
    const copySec = (performance.now() - tCopy) / 1000;
    await rm(join(dir, 'copy.bin'));

    const meta = `roomId ${Buffer.from(String(roomId)).toString('base64')},filename ${Buffer.from('big.bin').toString('base64')}`;
    const created = await fetch(`${base}/api/files/tus`, { method: 'POST', headers: { cookie, 'tus-resumable': '1.0.0', 'upload-length': String(size), 'upload-metadata': meta } });
    const location = created.headers.get("location")!;
    log(`created ${created.status} ${location}`);
    const rss: number[] = [];
    const rssBefore = process.memoryUsage().rss;
    const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 100);
    log('uploading through tus');
    const tUp = performance.now();
    // curl in a child process streams the file from disk, as a browser or `curl -T` would (an
    // in-process client shares the event loop with the server and measures itself, not the server).
    const patched = await curlPatch(`${base}${location}`, src, cookie);
    if (patched.status !== 204) throw new Error(`PATCH ${patched.status}`);
    const fileId = patched.fileId;
    const upSec = (performance.now() - tUp) / 1000;
    clearInterval(sampler);
    const rssMax = Math.max(...rss);
    tables.push({
      title: `Upload of ${opts.fileMb} MB over loopback (curl streams from disk in its own process; the server writes, then sha256 + sniff)`,
      columns: ['figure', 'value'],
      rows: [
        ['tus upload (MB/s, incl. finish)', (size / MB / upSec).toFixed(0)],
        ['plain file copy, same disk (MB/s)', (size / MB / copySec).toFixed(0)],
        ['tus / copy ratio', (copySec / upSec).toFixed(2)],
        ['server RSS before (MB)', (rssBefore / MB).toFixed(0)],
        ['server RSS max during upload (MB)', (rssMax / MB).toFixed(0)],
        ['server RSS growth (MB)', ((rssMax - rssBefore) / MB).toFixed(0)],
        ['server RSS min..max during upload (MB)', `${(Math.min(...rss) / MB).toFixed(0)}..${(rssMax / MB).toFixed(0)}`],
        ['server RSS samples (every 100 ms)', String(rss.length)],
      ],
    });

    // ---- download ----
    const url = `${base}/api/rooms/${roomId}/files/${fileId}/content`;
    const ours = await curlSpeed(url, [`Cookie: ${cookie}`]);
    const mid = Math.floor(size / 2);
    const ranged = await curlSpeed(url, [`Cookie: ${cookie}`, `Range: bytes=${mid}-${Math.min(size - 1, mid + 100 * MB - 1)}`]);
    let staticRun: { seconds: number; bytes: number } | null = null;
    const sport = port + 1;
    const py = spawn('python3', ['-m', 'http.server', String(sport), '--bind', '127.0.0.1', '--directory', dir], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !staticRun; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const probe = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${sport}/`], { encoding: 'utf8' });
        if (probe.stdout === '200') staticRun = await curlSpeed(`http://127.0.0.1:${sport}/source.bin`, []);
      }
    } finally {
      py.kill();
    }
    const rate = (r: { seconds: number; bytes: number } | null) => (r ? (r.bytes / MB / r.seconds).toFixed(0) : 'n/a');
    tables.push({
      title: 'Download with curl over loopback (MB/s)',
      columns: ['what', 'MB/s'],
      rows: [
        ['our route, whole file', rate(ours)],
        ['our route, 100 MB Range from the middle', rate(ranged)],
        ['python3 -m http.server, same file', rate(staticRun)],
        ['ours / static', ours && staticRun ? (ours.bytes / ours.seconds / (staticRun.bytes / staticRun.seconds)).toFixed(2) : 'n/a'],
      ],
    });
    if (!ours || ours.bytes !== size) notes.push(`download size mismatch: ${ours?.bytes} vs ${size}`);

    // ---- search ----
    log(`seeding ${opts.files.toLocaleString('en')} file rows`);
    const db = app.db;
    const folderIds: number[] = [];
    for (let i = 0; i < 200; i++) folderIds.push(db.insert(fileFolders).values({ roomId, parentId: null, name: `Folder ${i}`, createdBy: userId, createdAt: Date.now() }).returning().get().id);
    const uploaders = [userId];
    for (let i = 1; i < 20; i++) {
      const r = await fetch(`${base}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `uploader${i}`, password: 'correct horse battery' }) });
      uploaders.push(((await r.json()) as { user: { id: number } }).user.id);
    }
    const t0 = Date.now() - opts.files * 1000;
    db.$client.transaction(() => {
      for (let i = 0; i < opts.files; i++) {
        const p = pathKind(i);
        db.insert(roomFiles)
          .values({ roomId, folderId: folderIds[i % folderIds.length]!, name: p.name, nameLower: p.name.toLowerCase(), size: 1000 + i, mime: p.mime, kind: p.kind, sha256: i.toString(16).padStart(64, '0'), uploaderId: uploaders[i % uploaders.length]!, createdAt: t0 + i * 1000, thumb: 'none' })
          .run();
      }
    })();
    db.$client.pragma('optimize');
    const rows = await measureSearch(base, cookie, roomId, opts.files, uploaders, opts.queries, notes);
    tables.push({ title: `Search latency over HTTP (ms), ${opts.files.toLocaleString('en')} files in one room, page of 50`, columns: ['query', 'n', 'p50', 'p95', 'max'], rows });
    notes.push('search: indexed columns (room, kind, uploader, created); name fragments of 3+ characters through the FTS5 trigram index when it matches at most 2,000 files, otherwise LIKE over the newest files first; target p95 under 50 ms');
    return { name: 'files', tables, notes };
  } finally {
    await app.close();
    removeDataDir(dir);
  }
}
