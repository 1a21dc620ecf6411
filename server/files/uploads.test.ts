/**
 * Room files through the real server: tus uploads (interrupted and resumed), type sniffing,
 * sha256, live events, downloads with Range/ETag/If-Range, and who may do what.
 */
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TUS_PATH } from '../../protocol/files-constants.js';
import { command, newUsers, nextEvent, roomWith, startServer, type Client, type TestServer } from '../test/harness.js';
import { sha256, tusCreate, tusHead, tusJsUpload, tusPatch, uploadBytes } from './test-helpers.js';

// A 1x1 PNG (named .txt below: the bytes decide).
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082', 'hex');

// A shared 2-core machine: booting and argon2 registrations can take seconds (budgets, not assertions).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let server: TestServer;
let owner: Client, member: Client, outsider: Client, kicked: Client;
let roomId: number;

beforeAll(async () => {
  server = await startServer({ config: { files: { maxFileBytes: 8 * 1024 * 1024, roomQuotaBytes: 20 * 1024 * 1024, jobConcurrency: 1, minFreeBytes: 0 } } });
  [owner, member, outsider, kicked] = await newUsers(server, 'fowner', 'fmember', 'foutsider', 'fkicked');
  roomId = (await roomWith(owner, [member, kicked])).id;
});
afterAll(async () => server.dispose());

const content = (c: Client, fileId: number, headers: Record<string, string> = {}, query = '') =>
  fetch(`${c.url}/api/rooms/${roomId}/files/${fileId}/content${query}`, { headers: { ...(c.cookie ? { cookie: c.cookie } : {}), ...headers } });

describe('tus uploads', () => {
  it('an upload is listed for other members with the type from its bytes and its sha256', async () => {
    const sock = await member.socket();
    await command(sock, 'room:enter', { roomId });
    const seen = nextEvent(sock, 'files:file', (f) => f.file.name === 'not-text.txt');
    const id = await uploadBytes(owner, roomId, 'not-text.txt', PNG);
    const fact = await seen;
    expect(fact.file).toMatchObject({ id, mime: 'image/png', kind: 'image', size: PNG.length, sha256: sha256(PNG), uploader: { id: owner.userId } });
    const text = await uploadBytes(owner, roomId, 'photo.png', Buffer.from('just words\n'));
    const listing = await member.get(`/api/rooms/${roomId}/files`);
    expect(listing.status).toBe(200);
    expect(listing.body.files.find((f: { id: number }) => f.id === text)).toMatchObject({ mime: 'text/plain', kind: 'text', name: 'photo.png' });
    sock.close();
  });

  it('an upload interrupted half-way resumes from the server offset with a new client object and the same URL', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    // First client: raw PATCH cut off mid-body (the connection dies).
    const created = await tusCreate(member, { roomId: String(roomId), filename: 'big.bin' }, bytes.length);
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    await new Promise<void>((resolve) => {
      const u = new URL(server.url + location);
      const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'PATCH', headers: { cookie: member.cookie, 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'content-length': String(bytes.length) } });
      req.on('error', () => resolve());
      req.write(bytes.subarray(0, 1024 * 1024 + 5), () => setTimeout(() => { req.destroy(); resolve(); }, 200));
    });
    // The server keeps what arrived (poll: the write finishes after the socket closes).
    let offset = 0;
    for (let i = 0; i < 100 && offset === 0; i++) {
      const head = await tusHead(member, location);
      expect(head.status).toBe(200);
      offset = Number(head.headers.get('upload-offset'));
      if (offset === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(bytes.length);
    // A new tus-js-client object with the same URL asks HEAD and sends only the rest.
    let firstProgress = -1;
    const sock = await owner.socket();
    await command(sock, 'room:enter', { roomId });
    const seen = nextEvent(sock, 'files:file', (f) => f.file.name === 'big.bin', 10_000);
    await tusJsUpload(member, bytes, { roomId, name: 'big.bin', uploadUrl: server.url + location, onProgress: (s) => { if (firstProgress < 0) firstProgress = s; } });
    expect(firstProgress).toBeGreaterThanOrEqual(offset);
    const fact = await seen;
    expect(fact.file.sha256).toBe(sha256(bytes));
    const got = Buffer.from(await (await content(owner, fact.file.id)).arrayBuffer());
    expect(sha256(got)).toBe(sha256(bytes));
    sock.close();
  });

  it('tus-js-client paused (aborted) mid-way and resumed by a fresh object ends with the same bytes', async () => {
    const bytes = randomBytes(2 * 1024 * 1024);
    const first = await tusJsUpload(owner, bytes, { roomId, name: 'paused.bin', chunkSize: 256 * 1024, abortAfter: 600 * 1024 });
    expect(first.aborted).toBe(true);
    const head = await tusHead(owner, new URL(first.url).pathname);
    expect(Number(head.headers.get('upload-offset'))).toBeGreaterThan(0);
    await tusJsUpload(owner, bytes, { roomId, name: 'paused.bin', uploadUrl: first.url, chunkSize: 256 * 1024 });
    const found = await owner.get(`/api/rooms/${roomId}/files/search?q=paused`);
    expect(found.body.files[0].sha256).toBe(sha256(bytes));
  });

  it('refuses strangers, outsiders, anonymous callers and garbage before storing a byte', async () => {
    const before = await owner.get(`/api/rooms/${roomId}/files/settings`);
    const created = await tusCreate(member, { roomId: String(roomId), filename: 'secret.bin' }, 100);
    const location = created.headers.get('location')!;
    // A stranger (not a member) and another member holding the URL: 404 on HEAD, PATCH and DELETE.
    for (const who of [outsider, owner]) {
      expect((await tusHead(who, location)).status).toBe(404);
      expect((await tusPatch(who, location, 0, Buffer.alloc(100))).status).toBe(404);
      expect((await fetch(server.url + location, { method: 'DELETE', headers: { cookie: who.cookie, 'tus-resumable': '1.0.0' } })).status).toBe(404);
    }
    const anon = { url: server.url, cookie: '' } as Client;
    expect((await tusHead(anon, location)).status).toBe(401);
    expect((await tusCreate(anon, { roomId: String(roomId), filename: 'a' }, 10)).status).toBe(401);
    // Outsider creating in the room; unknown room; garbage metadata and lengths.
    expect((await tusCreate(outsider, { roomId: String(roomId), filename: 'a' }, 10)).status).toBe(403);
    expect((await tusCreate(outsider, { roomId: '999999', filename: 'a' }, 10)).status).toBe(404);
    expect((await tusCreate(member, { roomId: 'x', filename: 'a' }, 10)).status).toBe(400);
    expect((await tusCreate(member, { roomId: String(roomId), filename: '../..' }, 10)).status).toBe(400);
    expect((await tusCreate(member, { roomId: String(roomId), filename: 'a', folderId: '-1' }, 10)).status).toBe(400);
    expect((await tusCreate(member, { roomId: String(roomId), filename: 'a', folderId: '424242' }, 10)).status).toBe(404);
    expect((await tusCreate(member, { roomId: String(roomId), filename: 'a' }, 10, { 'upload-length': 'lots' })).status).toBe(400);
    expect((await tusCreate(member, { roomId: String(roomId), filename: 'a' }, 10, { 'upload-length': '', 'upload-defer-length': '1' })).status).toBe(400);
    expect((await fetch(`${server.url}${TUS_PATH}/not-an-id`, { method: 'HEAD', headers: { cookie: member.cookie, 'tus-resumable': '1.0.0' } })).status).toBe(400);
    // A foreign page cannot start one with the member's cookie.
    expect((await tusCreate(member, { roomId: String(roomId), filename: 'a' }, 10, { origin: 'https://evil.example' })).status).toBe(403);
    // Size limit and quota are refused at creation.
    const tooBig = await tusCreate(member, { roomId: String(roomId), filename: 'huge' }, 9 * 1024 * 1024);
    expect(tooBig.status).toBe(413);
    expect(await tooBig.text()).toMatch(/at most 8 MB/);
    // The member's own unfinished upload is cancelled; nothing of it is listed.
    expect((await fetch(server.url + location, { method: 'DELETE', headers: { cookie: member.cookie, 'tus-resumable': '1.0.0' } })).status).toBe(204);
    const after = await owner.get(`/api/rooms/${roomId}/files/settings`);
    expect(after.body.usedBytes).toBe(before.body.usedBytes);
    expect((await owner.get(`/api/rooms/${roomId}/files/search?q=secret`)).body.files).toEqual([]);
  });

  it('the room quota counts stored files and unfinished uploads', async () => {
    const s = (await owner.get(`/api/rooms/${roomId}/files/settings`)).body;
    const left = s.quotaBytes - s.usedBytes;
    const a = await tusCreate(owner, { roomId: String(roomId), filename: 'reserve' }, Math.min(left - 10, 8 * 1024 * 1024));
    expect(a.status).toBe(201);
    const rest = (await owner.get(`/api/rooms/${roomId}/files/settings`)).body;
    const b = await tusCreate(owner, { roomId: String(roomId), filename: 'over' }, rest.quotaBytes - rest.usedBytes + 1);
    expect(b.status).toBe(413);
    expect(await b.text()).toMatch(/storage is full/);
    await fetch(server.url + a.headers.get('location')!, { method: 'DELETE', headers: { cookie: owner.cookie, 'tus-resumable': '1.0.0' } });
  });

  it('moderators-only uploads refuse members, and a kicked member cannot continue an upload', async () => {
    expect((await member.patch(`/api/rooms/${roomId}/files/settings`, { uploadRole: 'moderator' })).status).toBe(403);
    expect((await owner.patch(`/api/rooms/${roomId}/files/settings`, { uploadRole: 'moderator' })).body.uploadRole).toBe('moderator');
    expect((await tusCreate(member, { roomId: String(roomId), filename: 'a' }, 10)).status).toBe(403);
    expect((await owner.patch(`/api/rooms/${roomId}/files/settings`, { uploadRole: 'member' })).body.uploadRole).toBe('member');
    expect((await owner.patch(`/api/rooms/${roomId}/files/settings`, { uploadRole: 'everyone' })).status).toBe(400);

    const created = await tusCreate(kicked, { roomId: String(roomId), filename: 'half.bin' }, 20);
    const location = created.headers.get('location')!;
    expect((await tusPatch(kicked, location, 0, Buffer.alloc(10, 1))).status).toBe(204);
    expect((await owner.post(`/api/rooms/${roomId}/members/${kicked.userId}/kick`)).status).toBe(204);
    // Refused as a former member (403), or already gone: a kick drops their unfinished uploads (404).
    expect([403, 404]).toContain((await tusPatch(kicked, location, 10, Buffer.alloc(10, 1))).status);
    expect((await owner.get(`/api/rooms/${roomId}/files/search?q=half`)).body.files).toEqual([]);
  });

  it('names are cleaned and made unique in their folder; the stored path never comes from the name', async () => {
    const a = await uploadBytes(owner, roomId, '..\\..\\etc/pass\u202ewd\u0000.txt', Buffer.from('a'));
    const b = await uploadBytes(owner, roomId, 'pass\u202ewd.txt', Buffer.from('b'));
    const files = (await owner.get(`/api/rooms/${roomId}/files`)).body.files as { id: number; name: string }[];
    expect(files.find((f) => f.id === a)!.name).toBe('passwd.txt');
    expect(files.find((f) => f.id === b)!.name).toBe('passwd (2).txt');
    const stored = readdirSync(join(server.dataDir, 'files', 'store', 'blobs'), { recursive: true }) as string[];
    expect(stored.every((p) => /^[0-9a-f]{2}(\/[0-9a-f]{64})?$/.test(p))).toBe(true);
  });
});

describe('downloads', () => {
  let fileId: number;
  const bytes = randomBytes(10_000);
  let etag: string;

  beforeAll(async () => {
    fileId = await uploadBytes(member, roomId, 'data.bin', bytes);
    etag = `"${sha256(bytes)}"`;
  });

  it('serves the whole file with ETag, nosniff, a sandbox CSP and attachment for unsafe types', async () => {
    const res = await content(member, fileId);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(etag);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toMatch(/sandbox/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="data.bin"/);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    const html = await uploadBytes(member, roomId, 'page.html', Buffer.from('<html><script>alert(1)</script></html>'));
    const h = await content(member, html);
    expect(h.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(h.headers.get('content-type')).not.toMatch(/html/);
    const png = await uploadBytes(member, roomId, 'dot.png', PNG);
    expect((await content(member, png)).headers.get('content-disposition')).toMatch(/^inline/);
    expect((await content(member, png, {}, '?download=1')).headers.get('content-disposition')).toMatch(/^attachment/);
  });

  it('answers ranges: first byte, middle, last byte, suffix, open end; 416 out of range; If-Range mismatch sends all', async () => {
    const cases: [string, number, number][] = [['bytes=0-0', 0, 0], ['bytes=100-199', 100, 199], ['bytes=9999-9999', 9999, 9999], ['bytes=-10', 9990, 9999], ['bytes=9000-', 9000, 9999], ['bytes=9990-20000', 9990, 9999]];
    for (const [range, start, end] of cases) {
      const res = await content(member, fileId, { range });
      expect(res.status, range).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/10000`);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(start, end + 1))).toBe(true);
    }
    const out = await content(member, fileId, { range: 'bytes=10000-' });
    expect(out.status).toBe(416);
    expect(out.headers.get('content-range')).toBe('bytes */10000');
    const same = await content(member, fileId, { range: 'bytes=5-9', 'if-range': etag });
    expect(same.status).toBe(206);
    const changed = await content(member, fileId, { range: 'bytes=5-9', 'if-range': '"something-else"' });
    expect(changed.status).toBe(200);
    expect((await changed.arrayBuffer()).byteLength).toBe(10_000);
    expect((await content(member, fileId, { 'if-none-match': etag })).status).toBe(304);
    const head = await fetch(`${server.url}/api/rooms/${roomId}/files/${fileId}/content`, { method: 'HEAD', headers: { cookie: member.cookie } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('10000');
  });

  it('refuses outsiders, anonymous callers, guessed ids and files of other rooms', async () => {
    expect((await content(outsider, fileId)).status).toBe(403);
    expect((await content({ url: server.url, cookie: '' } as Client, fileId)).status).toBe(401);
    expect((await content(member, 987654)).status).toBe(404);
    const otherRoom = (await roomWith(outsider, [])).id;
    expect((await fetch(`${server.url}/api/rooms/${otherRoom}/files/${fileId}/content`, { headers: { cookie: outsider.cookie } })).status).toBe(404);
    expect((await outsider.get(`/api/rooms/${roomId}/files`)).status).toBe(403);
    expect((await outsider.get(`/api/rooms/${roomId}/files/search?q=data`)).status).toBe(403);
    expect((await member.get(`/api/rooms/${roomId}/files/abc/content`)).status).toBe(400);
  });

  it('a kicked member loses access at once, even mid-download', async () => {
    const [late] = await newUsers(server, 'flate');
    await late!.post(`/api/rooms/${roomId}/join`, { code: (await owner.get(`/api/rooms/${roomId}`)).body.room.code });
    const big = await uploadBytes(owner, roomId, 'slow.bin', randomBytes(6 * 1024 * 1024));
    const res = await fetch(`${server.url}/api/rooms/${roomId}/files/${big}/content`, { headers: { cookie: late!.cookie } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    expect((await owner.post(`/api/rooms/${roomId}/members/${late!.userId}/kick`)).status).toBe(204);
    let received = 0;
    let failed = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.length;
      }
    } catch {
      failed = true;
    }
    expect(failed || received < 6 * 1024 * 1024).toBe(true);
    expect((await content(late!, big)).status).toBe(403);
  });
});

describe('refused uploads (issue 11: a refused file is final, never resumed)', () => {
  const del = (c: Client, location: string) => fetch(server.url + location, { method: 'DELETE', headers: { ...(c.cookie ? { cookie: c.cookie } : {}), 'tus-resumable': '1.0.0' } });
  const used = async () => (await owner.get(`/api/rooms/${roomId}/files/settings`)).body.usedBytes as number;

  it('a folder made read-only mid-upload refuses the next PATCH; HEAD still says the offset; the owner of the upload can delete it and free the quota', async () => {
    const folder = (await member.post(`/api/rooms/${roomId}/folders`, { name: 'Handouts' })).body.folder as { id: number };
    const before = await used();
    const bytes = randomBytes(64 * 1024);
    const created = await tusCreate(member, { roomId: String(roomId), filename: 'notes.bin', folderId: String(folder.id) }, bytes.length);
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    expect((await tusPatch(member, location, 0, bytes.subarray(0, 1000))).status).toBe(204);
    expect(await used()).toBe(before + bytes.length);

    expect((await owner.patch(`/api/rooms/${roomId}/folders/${folder.id}`, { readOnly: true })).status).toBe(200);
    const refused = await tusPatch(member, location, 1000, bytes.subarray(1000));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe('This folder is read-only.');
    // Nothing of the refused PATCH was taken; the offset is still readable (the browser learns where it stopped).
    const head = await tusHead(member, location);
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe('1000');
    // Not a stranger's to see or delete, refused or not.
    for (const who of [outsider, owner]) {
      expect((await tusHead(who, location)).status).toBe(404);
      expect((await del(who, location)).status).toBe(404);
    }
    expect((await del({ url: server.url, cookie: '' } as Client, location)).status).toBe(401);
    expect(await used()).toBe(before + bytes.length);
    // Its owner deletes it: the reserved quota is free again and nothing is listed.
    expect((await del(member, location)).status).toBe(204);
    expect(await used()).toBe(before);
    expect((await tusHead(member, location)).status).toBe(404);
    expect((await owner.get(`/api/rooms/${roomId}/files/search?q=notes`)).body.files).toEqual([]);
    // A moderator may still upload into the read-only folder.
    await uploadBytes(owner, roomId, 'key.bin', Buffer.from('answers'), folder.id);
  });

  it('uploads limited to moderators mid-upload: PATCH refused, HEAD and DELETE still the uploader\'s; a kick drops the rest', async () => {
    const [late] = await newUsers(server, 'frefused');
    await late!.post(`/api/rooms/${roomId}/join`, { code: (await owner.get(`/api/rooms/${roomId}`)).body.room.code });
    const before = await used();
    const a = (await tusCreate(late!, { roomId: String(roomId), filename: 'a.bin' }, 100)).headers.get('location')!;
    const b = (await tusCreate(late!, { roomId: String(roomId), filename: 'b.bin' }, 100)).headers.get('location')!;
    expect(await used()).toBe(before + 200);
    expect((await owner.patch(`/api/rooms/${roomId}/files/settings`, { uploadRole: 'moderator' })).status).toBe(200);
    try {
      const refused = await tusPatch(late!, a, 0, Buffer.alloc(100, 7));
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/Only moderators/);
      expect((await tusHead(late!, a)).headers.get('upload-offset')).toBe('0');
      expect((await del(late!, a)).status).toBe(204);
      expect(await used()).toBe(before + 100);
      // Kicked: the upload is no longer theirs to read or delete, and it is dropped at once (quota back, bytes gone).
      expect(readdirSync(join(server.dataDir, 'files', 'uploads'))).toContain(b.split('/').pop());
      expect((await owner.post(`/api/rooms/${roomId}/members/${late!.userId}/kick`)).status).toBe(204);
      await vi.waitFor(async () => expect(await used()).toBe(before), { timeout: 10_000, interval: 50 });
      await vi.waitFor(() => expect(readdirSync(join(server.dataDir, 'files', 'uploads'))).not.toContain(b.split('/').pop()), { timeout: 10_000, interval: 50 });
      expect((await tusHead(late!, b)).status).toBe(404);
      expect((await del(late!, b)).status).toBe(404);
      expect((await tusPatch(late!, b, 0, Buffer.alloc(100, 7))).status).toBe(404);
      // Garbage ids are refused before any lookup.
      expect((await del(late!, `${TUS_PATH}/../../etc`)).status).toBeGreaterThanOrEqual(400);
      expect((await fetch(`${server.url}${TUS_PATH}/ZZZZ`, { method: 'DELETE', headers: { cookie: member.cookie, 'tus-resumable': '1.0.0' } })).status).toBe(400);
    } finally {
      expect((await owner.patch(`/api/rooms/${roomId}/files/settings`, { uploadRole: 'member' })).status).toBe(200);
    }
  });
});
