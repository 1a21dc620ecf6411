/**
 * Disk full during an upload (issue 11): with the data disk below the free-space floor
 * (FILES_MIN_FREE_MB, read with fs.statfs before bytes are accepted) a tus PATCH fails with 507
 * STORAGE_FULL, the upload keeps its offset, nothing is listed; once space is there again the
 * same upload resumes and ends with the same sha256. The floor is moved above/below the disk's
 * real free space (the statfs reading is real; only the threshold changes, as freeing space would).
 * A disk that fills during a PATCH (past the floor's check) is a fault injected in our storage
 * seam: the upload store's byte sink fails with ENOSPC after some bytes, as fs.write would.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { newUsers, roomWith, startServer, type Client, type TestServer } from '../test/harness.js';
import { sha256, tusCreate, tusHead, tusPatch } from './test-helpers.js';
import { diskSink, freeBytes, STORAGE_FULL_MESSAGE, STORAGE_FULL_START_MESSAGE, type UploadSink } from './upload-store.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let server: TestServer;
let member: Client;
let roomId: number;

beforeAll(async () => {
  server = await startServer({ config: { files: { maxFileBytes: 64 * 1024 * 1024, roomQuotaBytes: 256 * 1024 * 1024, jobConcurrency: 1, minFreeBytes: 0 } } });
  let owner: Client;
  [owner, member] = await newUsers(server, 'dfowner', 'dfmember');
  roomId = (await roomWith(owner, [member])).id;
});
afterAll(async () => server.dispose());
// The injected fault never outlives its test.
let realProbe: () => Promise<number>;
beforeAll(() => {
  realProbe = server.app.uploadStore.freeSpace;
});
afterEach(() => {
  server.app.uploadStore.sink = diskSink;
  server.app.uploadStore.freeSpace = realProbe;
  server.app.files.limits.minFreeBytes = 0;
});

const limits = () => server.app.files.limits;
/** A floor just above the disk's real free space: the next byte would cross it. */
const diskFull = async () => (limits().minFreeBytes = (await freeBytes(server.dataDir)) + 1024 * 1024 * 1024);
const spaceFreed = () => (limits().minFreeBytes = 0);

/**
 * A fault in our storage seam: the real disk sink takes `room` bytes, then the disk "fills" and the
 * write fails with `code` (as fs.write does on a full disk). Bytes before it are really written.
 */
function fillsAfter(room: number, code: string): UploadSink {
  return (path, offset) => {
    const disk = diskSink(path, offset);
    let left = room;
    return new Writable({
      write(chunk: Buffer, _enc, done) {
        const part = chunk.subarray(0, Math.max(0, left));
        left -= part.length;
        const fail = part.length < chunk.length ? Object.assign(new Error(`${code}: write failed`), { code }) : null;
        if (part.length === 0) return done(fail);
        disk.write(part, (err) => done(err ?? fail));
      },
      final(done) {
        disk.end(done);
      },
      destroy(err, done) {
        disk.end(() => done(err));
      },
    });
  };
}

describe('disk full', () => {
  it('a disk that fills in the middle of a PATCH: 507 STORAGE_FULL, what was written is kept, nothing listed; resume ends with the same sha256', async () => {
    const MiB = 1024 * 1024;
    const bytes = randomBytes(3 * MiB);
    const created = await tusCreate(member, { roomId: String(roomId), filename: 'recording.wav' }, bytes.length);
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    expect((await tusPatch(member, location, 0, bytes.subarray(0, MiB))).status).toBe(204);

    const store = server.app.uploadStore;
    store.sink = fillsAfter(MiB / 2, 'ENOSPC');
    const refused = await tusPatch(member, location, MiB, bytes.subarray(MiB));
    expect(refused.status, await refused.clone().text()).toBe(507);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error).toEqual({ code: 'STORAGE_FULL', message: 'The server is out of disk space. Your upload is kept: resume it once space is freed.' });
    // The half megabyte that reached the disk counts: HEAD says where to resume.
    expect((await tusHead(member, location)).headers.get('upload-offset')).toBe(String(MiB + MiB / 2));
    expect((await member.get(`/api/rooms/${roomId}/files/search?q=recording`)).body.files).toEqual([]);

    // Any other write error (here EIO): 500 that says the upload is kept; the offset still moves on.
    store.sink = fillsAfter(MiB / 4, 'EIO');
    const broken = await tusPatch(member, location, MiB + MiB / 2, bytes.subarray(MiB + MiB / 2));
    expect(broken.status).toBe(500);
    expect(((await broken.json()) as { error: { code: string } }).error.code).toBe('INTERNAL');
    const offset = Number((await tusHead(member, location)).headers.get('upload-offset'));
    expect(offset).toBe(MiB + MiB / 2 + MiB / 4);
    expect((await member.get(`/api/rooms/${roomId}/files/search?q=recording`)).body.files).toEqual([]);

    // Space freed: the same upload resumes from the kept offset and is whole.
    store.sink = diskSink;
    const done = await tusPatch(member, location, offset, bytes.subarray(offset));
    expect(done.status).toBe(204);
    const file = (await member.get(`/api/rooms/${roomId}/files/${Number(done.headers.get('x-file-id'))}`)).body.file;
    expect(file.sha256).toBe(sha256(bytes));
  });

  it('a PATCH is refused with 507 STORAGE_FULL, the offset is kept, nothing is listed; the upload resumes after space is freed', async () => {
    const bytes = randomBytes(2 * 1024 * 1024);
    const created = await tusCreate(member, { roomId: String(roomId), filename: 'thesis.pdf' }, bytes.length);
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    expect((await tusPatch(member, location, 0, bytes.subarray(0, 1024 * 1024))).status).toBe(204);

    await diskFull();
    const refused = await tusPatch(member, location, 1024 * 1024, bytes.subarray(1024 * 1024));
    expect(refused.status, await refused.clone().text()).toBe(507);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('STORAGE_FULL');
    expect(body.error.message).toMatch(/out of disk space/);
    expect((await tusHead(member, location)).headers.get('upload-offset')).toBe(String(1024 * 1024));
    expect((await member.get(`/api/rooms/${roomId}/files/search?q=thesis`)).body.files).toEqual([]);
    // A new upload is refused at creation, before a byte is stored.
    const another = await tusCreate(member, { roomId: String(roomId), filename: 'more.bin' }, 10);
    expect(another.status).toBe(507);
    expect(((await another.json()) as { error: { code: string } }).error.code).toBe('STORAGE_FULL');

    spaceFreed();
    const done = await tusPatch(member, location, 1024 * 1024, bytes.subarray(1024 * 1024));
    expect(done.status).toBe(204);
    const fileId = Number(done.headers.get('x-file-id'));
    const file = (await member.get(`/api/rooms/${roomId}/files/${fileId}`)).body.file;
    expect(file.sha256).toBe(sha256(bytes));
    expect(file.name).toBe('thesis.pdf');
  });

  it('the floor from FILES_MIN_FREE_MB is in the config (MiB to bytes)', async () => {
    const { loadConfig } = await import('../config.js');
    expect(loadConfig({ FILES_MIN_FREE_MB: '3' }, {}).files.minFreeBytes).toBe(3 * 1024 * 1024);
    expect(() => loadConfig({ FILES_MIN_FREE_MB: '-1' }, {})).toThrow();
  });
});

/**
 * The free-space probe is the storage layer's (UploadStore.freeSpace, statfs of the upload
 * directory by default). These tests inject a probe that reports a nearly full disk, so they run on
 * any machine; the floor check, the 507 and what is (not) written are real. diskfull-real.test.ts
 * does the same on a real full tmpfs where mounting is allowed (root).
 */
describe('the free-space floor against an injected probe', () => {
  const MiB = 1024 * 1024;
  const FLOOR = 64 * MiB;
  let free = 0;
  const uploadDir = () => join(server.dataDir, 'files', 'uploads');
  const onDisk = () => new Set(readdirSync(uploadDir()));
  const used = async () => (await member.get(`/api/rooms/${roomId}/files/settings`)).body.usedBytes as number;
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

  beforeEach(() => {
    limits().minFreeBytes = FLOOR;
    server.app.uploadStore.freeSpace = async () => free;
  });

  it('an upload that would cross the floor is refused at creation: 507 with a clear message, no upload file, no quota taken, nothing listed', async () => {
    free = FLOOR + 2 * MiB;
    const files = onDisk();
    const before = await used();
    const refused = await tusCreate(member, { roomId: String(roomId), filename: 'lecture.mkv' }, 2 * MiB + 1);
    expect(refused.status).toBe(507);
    expect(await errorOf(refused)).toEqual({ code: 'STORAGE_FULL', message: STORAGE_FULL_START_MESSAGE });
    expect(onDisk()).toEqual(files);
    expect(await used()).toBe(before);
    expect((await member.get(`/api/rooms/${roomId}/files/search?q=lecture`)).body.files).toEqual([]);
    // Exactly down to the floor is still allowed.
    const fits = await tusCreate(member, { roomId: String(roomId), filename: 'lecture.mkv' }, 2 * MiB);
    expect(fits.status).toBe(201);
    expect((await fetch(server.url + fits.headers.get('location')!, { method: 'DELETE', headers: { cookie: member.cookie, 'tus-resumable': '1.0.0' } })).status).toBe(204);
    expect(await used()).toBe(before);
  });

  it('a PATCH that would cross the floor: 507 before a byte of it is written, the offset stays; it resumes once space is there', async () => {
    const bytes = randomBytes(3 * MiB);
    free = FLOOR + 10 * MiB;
    const created = await tusCreate(member, { roomId: String(roomId), filename: 'scan.tif' }, bytes.length);
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    const id = location.split('/').pop()!;
    expect((await tusPatch(member, location, 0, bytes.subarray(0, MiB))).status).toBe(204);

    // Something else filled the disk: half a MiB above the floor is left.
    free = FLOOR + MiB / 2;
    const refused = await tusPatch(member, location, MiB, bytes.subarray(MiB));
    expect(refused.status).toBe(507);
    expect(await errorOf(refused)).toEqual({ code: 'STORAGE_FULL', message: STORAGE_FULL_MESSAGE });
    expect((await tusHead(member, location)).headers.get('upload-offset')).toBe(String(MiB));
    // No partial write: the upload's bytes on disk are exactly what was accepted before.
    expect(statSync(join(uploadDir(), id)).size).toBe(MiB);
    expect((await member.get(`/api/rooms/${roomId}/files/search?q=scan`)).body.files).toEqual([]);
    // A chunk that still fits above the floor is taken; the next one is not.
    expect((await tusPatch(member, location, MiB, bytes.subarray(MiB, MiB + MiB / 2))).status).toBe(204);
    free = FLOOR;
    expect((await tusPatch(member, location, MiB + MiB / 2, bytes.subarray(MiB + MiB / 2))).status).toBe(507);
    expect(statSync(join(uploadDir(), id)).size).toBe(MiB + MiB / 2);

    // Space freed: the rest goes in and the file is whole.
    free = FLOOR + 100 * MiB;
    const done = await tusPatch(member, location, MiB + MiB / 2, bytes.subarray(MiB + MiB / 2));
    expect(done.status).toBe(204);
    const file = (await member.get(`/api/rooms/${roomId}/files/${Number(done.headers.get('x-file-id'))}`)).body.file;
    expect(file.sha256).toBe(sha256(bytes));
    expect(onDisk().has(id)).toBe(false);
  });

  it('a probe that cannot read the disk refuses the upload (500) and stores nothing', async () => {
    server.app.uploadStore.freeSpace = async () => {
      throw Object.assign(new Error('statfs failed'), { code: 'EIO' });
    };
    const files = onDisk();
    const refused = await tusCreate(member, { roomId: String(roomId), filename: 'x.bin' }, 10);
    expect(refused.status).toBe(500);
    expect((await errorOf(refused)).message).not.toMatch(/statfs|EIO/);
    expect(onDisk()).toEqual(files);
  });

  it('outsiders and garbage meet the membership and id checks before the disk is asked', async () => {
    let asked = 0;
    server.app.uploadStore.freeSpace = async () => {
      asked++;
      return 0;
    };
    const [stranger] = await newUsers(server, 'dfstranger');
    expect((await tusCreate(stranger!, { roomId: String(roomId), filename: 'a' }, 10)).status).toBe(403);
    expect((await tusCreate(stranger!, { roomId: '424242', filename: 'a' }, 10)).status).toBe(404);
    expect((await tusCreate(member, { roomId: 'nope', filename: 'a' }, 10)).status).toBe(400);
    expect((await tusPatch(stranger!, `/api/files/tus/${'0'.repeat(32)}`, 0, Buffer.alloc(10))).status).toBe(404);
    expect(asked).toBe(0);
    // A member is refused by the (full) disk, with the clear message.
    const full = await tusCreate(member, { roomId: String(roomId), filename: 'a' }, 10);
    expect(full.status).toBe(507);
    expect(asked).toBe(1);
  });
});
