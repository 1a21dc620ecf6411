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
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { newUsers, roomWith, startServer, type Client, type TestServer } from '../test/harness.js';
import { sha256, tusCreate, tusHead, tusPatch } from './test-helpers.js';
import { freeBytes } from './tus.js';
import { diskSink, type UploadSink } from './upload-store.js';

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
afterEach(() => (server.app.uploadStore.sink = diskSink));

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
