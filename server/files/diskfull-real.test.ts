/**
 * Disk full for real (issue 11): the server's `files` directory is a small tmpfs, filled by another
 * file until a few MiB are left, so an upload's PATCH meets the kernel's own ENOSPC (no injected
 * fault, no moved threshold). It must answer 507 STORAGE_FULL, keep what reached the disk as the
 * upload's offset, list nothing; after the filler is deleted the same upload resumes and ends with
 * the same sha256. The free-space floor (FILES_MIN_FREE_MB) is then checked against the real statfs
 * of that small disk. Needs root to mount (CI is root); skipped with the reason otherwise.
 * diskfull.test.ts covers the same paths with injected faults on any machine.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newUsers, roomWith, startServer, until, type Client, type TestServer } from '../test/harness.js';
import { mountSmallDisk, smallDiskUnavailable, type SmallDisk } from '../test/small-disk.js';
import { sha256, tusCreate, tusHead, tusPatch } from './test-helpers.js';
import { STORAGE_FULL_MESSAGE, STORAGE_FULL_START_MESSAGE } from './upload-store.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const MiB = 1024 * 1024;
const unavailable = smallDiskUnavailable(mkdtempSync(join(tmpdir(), 'cr-disk-probe-')));
if (unavailable) console.warn(`real disk-full tests skipped: ${unavailable}`);

describe.skipIf(unavailable !== null)('a real full disk (tmpfs under DATA_DIR/files)', () => {
  let dataDir: string;
  let disk: SmallDisk;
  let server: TestServer;
  let member: Client;
  let roomId: number;
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
  const listed = async (q: string) => (await member.get(`/api/rooms/${roomId}/files/search?q=${q}`)).body.files as unknown[];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cr-diskfull-'));
    disk = mountSmallDisk(join(dataDir, 'files'), 24);
    server = await startServer({ dataDir, config: { files: { maxFileBytes: 64 * MiB, roomQuotaBytes: 256 * MiB, jobConcurrency: 1, minFreeBytes: 0 } } });
    let owner: Client;
    [owner, member] = await newUsers(server, 'rdfowner', 'rdfmember');
    roomId = (await roomWith(owner, [member])).id;
  });
  afterAll(async () => {
    // Closed first: the data directory is removed only once the small disk is unmounted from it.
    await server?.close();
    disk?.unmount();
    await server?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the disk fills while a PATCH is being written: the kernel\'s ENOSPC becomes 507 STORAGE_FULL, the bytes on disk are the offset, nothing listed; after space is freed the same upload resumes to the same sha256', async () => {
    const bytes = randomBytes(12 * MiB);
    const created = await tusCreate(member, { roomId: String(roomId), filename: 'lecture-notes.bin' }, bytes.length);
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    const onDisk = () => statSync(join(dataDir, 'files', 'uploads', location.split('/').pop()!)).size;
    expect((await tusPatch(member, location, 0, bytes.subarray(0, 2 * MiB))).status).toBe(204);

    // The rest goes in one streamed PATCH. It starts with plenty of room (the free-space check
    // passes); once its first MiB is on disk, something else fills the disk to 1 MiB free.
    let push!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (push = c) });
    const patch = fetch(server.url + location, {
      method: 'PATCH',
      headers: { 'tus-resumable': '1.0.0', 'upload-offset': String(2 * MiB), 'content-type': 'application/offset+octet-stream', 'content-length': String(10 * MiB), cookie: member.cookie },
      body,
      duplex: 'half',
    } as RequestInit);
    push.enqueue(new Uint8Array(bytes.subarray(2 * MiB, 3 * MiB)));
    await until(() => onDisk() >= 3 * MiB, 'the first streamed MiB on disk');
    await disk.fill(MiB);
    for (let at = 3 * MiB; at < bytes.length; at += MiB) push.enqueue(new Uint8Array(bytes.subarray(at, at + MiB)));
    push.close();
    const refused = await patch;
    expect(refused.status, await refused.clone().text()).toBe(507);
    expect(await errorOf(refused)).toEqual({ code: 'STORAGE_FULL', message: STORAGE_FULL_MESSAGE });
    const offset = Number((await tusHead(member, location)).headers.get('upload-offset'));
    // What the kernel took before it said ENOSPC is kept (the offset is the file's real size), never the bytes it refused.
    expect(offset).toBeGreaterThanOrEqual(3 * MiB);
    expect(offset).toBeLessThan(bytes.length);
    expect(offset).toBe(onDisk());
    expect(await listed('lecture')).toEqual([]);
    expect(await disk.available()).toBeLessThan(MiB);

    // A new upload is refused at creation now: the real statfs says there is no room for it.
    const other = await tusCreate(member, { roomId: String(roomId), filename: 'other.bin' }, 2 * MiB);
    expect(other.status).toBe(507);
    expect(await listed('other')).toEqual([]);

    // Space freed: the same upload URL resumes from the kept offset and the file is whole.
    disk.free();
    const done = await tusPatch(member, location, offset, bytes.subarray(offset));
    expect(done.status, await done.clone().text()).toBe(204);
    const file = (await member.get(`/api/rooms/${roomId}/files/${Number(done.headers.get('x-file-id'))}`)).body.file;
    expect(file.sha256).toBe(sha256(bytes));
    expect(file.size).toBe(bytes.length);
    const download = await fetch(`${server.url}/api/rooms/${roomId}/files/${file.id}/content?download=1`, { headers: { cookie: member.cookie } });
    expect(download.status).toBe(200);
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(sha256(bytes));
  });

  it('the free-space floor reads the real small disk: above what is free, a new upload is refused at creation with 507 and no file is written', async () => {
    const uploads = join(dataDir, 'files', 'uploads');
    const before = new Set(readdirSync(uploads));
    // The floor sits 1 MiB under what the tmpfs has free: a 2 MiB upload would cross it.
    server.app.files.limits.minFreeBytes = (await disk.available()) - MiB;
    try {
      const refused = await tusCreate(member, { roomId: String(roomId), filename: 'poster.png' }, 2 * MiB);
      expect(refused.status).toBe(507);
      expect(await errorOf(refused)).toEqual({ code: 'STORAGE_FULL', message: STORAGE_FULL_START_MESSAGE });
      expect(new Set(readdirSync(uploads))).toEqual(before);
      const fits = await tusCreate(member, { roomId: String(roomId), filename: 'poster.png' }, MiB / 2);
      expect(fits.status).toBe(201);
    } finally {
      server.app.files.limits.minFreeBytes = 0;
    }
  });
});
