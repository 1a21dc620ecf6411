/**
 * Disk full during an upload (issue 11): with the data disk below the free-space floor
 * (FILES_MIN_FREE_MB, read with fs.statfs before bytes are accepted) a tus PATCH fails with 507
 * STORAGE_FULL, the upload keeps its offset, nothing is listed; once space is there again the
 * same upload resumes and ends with the same sha256. The floor is moved above/below the disk's
 * real free space (the statfs reading is real; only the threshold changes, as freeing space would).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newUsers, roomWith, startServer, type Client, type TestServer } from '../test/harness.js';
import { sha256, tusCreate, tusHead, tusPatch } from './test-helpers.js';
import { freeBytes } from './tus.js';

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

const limits = () => server.app.files.limits;
/** A floor just above the disk's real free space: the next byte would cross it. */
const diskFull = async () => (limits().minFreeBytes = (await freeBytes(server.dataDir)) + 1024 * 1024 * 1024);
const spaceFreed = () => (limits().minFreeBytes = 0);

describe('disk full', () => {
  it('a PATCH is refused with 507 STORAGE_FULL, the offset is kept, nothing is listed; the upload resumes after space is freed', async () => {
    const bytes = randomBytes(2 * 1024 * 1024);
    const created = await tusCreate(member, { roomId: String(roomId), filename: 'thesis.pdf' }, bytes.length);
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    expect((await tusPatch(member, location, 0, bytes.subarray(0, 1024 * 1024))).status).toBe(204);

    await diskFull();
    const refused = await tusPatch(member, location, 1024 * 1024, bytes.subarray(1024 * 1024));
    expect(refused.status).toBe(507);
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
