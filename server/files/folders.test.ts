/**
 * Folders, trash, permissions, search and thumbnails through the real server.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findFfmpeg } from '../../media/ffmpeg-binary.js';
import type { FileDto } from '../../protocol/files.js';
import { collect, command, newUsers, nextEvent, roomWith, startServer, type Client, type TestServer } from '../test/harness.js';
import { fileIdsByName, trigramMatch } from './name-search-sql.js';
import { uploadBytes } from './test-helpers.js';

// A shared 2-core machine: booting and argon2 registrations can take seconds (budgets, not assertions).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let server: TestServer;
let owner: Client, mod: Client, member: Client, other: Client, outsider: Client, muted: Client;
let roomId: number;

beforeAll(async () => {
  server = await startServer();
  [owner, mod, member, other, outsider, muted] = await newUsers(server, 'downer', 'dmod', 'dmember', 'dother', 'doutsider', 'dmuted');
  roomId = (await roomWith(owner, [mod, member, other, muted])).id;
  await owner.put(`/api/rooms/${roomId}/members/${mod.userId}/role`, { role: 'moderator' });
  await owner.post(`/api/rooms/${roomId}/members/${muted.userId}/mute`, { minutes: 60 });
});
afterAll(async () => server.dispose());

const list = async (c: Client, folderId?: number) => (await c.get(`/api/rooms/${roomId}/files${folderId ? `?folderId=${folderId}` : ''}`)).body;

describe('folders and trash', () => {
  it('creates, renames and moves folders and files; refuses clashes, loops and garbage', async () => {
    const a = await member.post(`/api/rooms/${roomId}/folders`, { name: 'Lectures' });
    expect(a.status).toBe(201);
    const b = await member.post(`/api/rooms/${roomId}/folders`, { name: 'Week 1', parentId: a.body.folder.id });
    expect(b.body.folder.parentId).toBe(a.body.folder.id);
    expect((await member.post(`/api/rooms/${roomId}/folders`, { name: 'lectures' })).status).toBe(409);
    expect((await member.post(`/api/rooms/${roomId}/folders`, { name: '..' })).status).toBe(400);
    expect((await member.post(`/api/rooms/${roomId}/folders`, { name: 'x', parentId: 999999 })).status).toBe(404);
    expect((await member.post(`/api/rooms/${roomId}/folders`, { name: 'x', extra: 1 })).status).toBe(400);
    expect((await outsider.post(`/api/rooms/${roomId}/folders`, { name: 'x' })).status).toBe(403);
    expect((await muted.post(`/api/rooms/${roomId}/folders`, { name: 'x' })).status).toBe(403);
    // Loop: a folder cannot go inside its own child.
    expect((await member.patch(`/api/rooms/${roomId}/folders/${a.body.folder.id}`, { parentId: b.body.folder.id })).status).toBe(409);
    const fileId = await uploadBytes(member, roomId, 'notes.txt', Buffer.from('hello'));
    expect((await member.patch(`/api/rooms/${roomId}/files/${fileId}`, { name: 'Week 1' })).status).toBe(200); // files and folders in different places
    expect((await member.patch(`/api/rooms/${roomId}/files/${fileId}`, { name: 'Lectures' })).status).toBe(409); // a folder of that name is here
    expect((await member.patch(`/api/rooms/${roomId}/files/${fileId}`, { name: 'notes.txt', folderId: b.body.folder.id })).status).toBe(200);
    const inside = await list(member, b.body.folder.id);
    expect(inside.files.map((f: FileDto) => f.name)).toEqual(['notes.txt']);
    expect(inside.path.map((p: { name: string }) => p.name)).toEqual(['Lectures', 'Week 1']);
    // Another member cannot rename or move it; a moderator can.
    expect((await other.patch(`/api/rooms/${roomId}/files/${fileId}`, { name: 'mine.txt' })).status).toBe(403);
    expect((await mod.patch(`/api/rooms/${roomId}/files/${fileId}`, { name: 'moderated.txt' })).body.file.name).toBe('moderated.txt');
    expect((await outsider.patch(`/api/rooms/${roomId}/files/${fileId}`, { name: 'x' })).status).toBe(403);
    expect((await member.patch(`/api/rooms/${roomId}/files/${fileId}`, { folderId: 31337 })).status).toBe(404);
  });

  it('a folder in the trash takes its contents; restore brings them back; members cannot empty it', async () => {
    const sock = await other.socket();
    await command(sock, 'room:enter', { roomId });
    const facts = collect(sock, 'files:folder');
    const top = (await member.post(`/api/rooms/${roomId}/folders`, { name: 'Old' })).body.folder;
    const sub = (await member.post(`/api/rooms/${roomId}/folders`, { name: 'Deeper', parentId: top.id })).body.folder;
    const f1 = await uploadBytes(member, roomId, 'a.txt', Buffer.from('a'), sub.id);
    const loose = await uploadBytes(member, roomId, 'loose.txt', Buffer.from('loose'));
    expect((await other.post(`/api/rooms/${roomId}/files/trash`, { fileIds: [loose], folderIds: [] })).status).toBe(403);
    expect((await member.post(`/api/rooms/${roomId}/files/trash`, { fileIds: [loose], folderIds: [top.id] })).status).toBe(204);
    expect((await list(member)).folders.some((f: { id: number }) => f.id === top.id)).toBe(false);
    expect((await member.get(`/api/rooms/${roomId}/files/${f1}`)).status).toBe(404);
    expect((await member.get(`/api/rooms/${roomId}/files/search?q=a.txt`)).body.files).toEqual([]);
    const trash = (await member.get(`/api/rooms/${roomId}/files/trash`)).body;
    // Only the top of what was deleted is listed.
    expect(trash.folders.map((f: { id: number }) => f.id)).toEqual([top.id]);
    expect(trash.files.map((f: { id: number }) => f.id)).toEqual([loose]);
    expect((await other.get(`/api/rooms/${roomId}/files/trash`)).body).toEqual({ files: [], folders: [] });
    expect(facts.some((f) => f.folder.id === top.id && f.folder.deletedAt !== null)).toBe(true);

    expect((await member.post(`/api/rooms/${roomId}/files/restore`, { fileIds: [], folderIds: [top.id] })).status).toBe(204);
    expect((await member.get(`/api/rooms/${roomId}/files/${f1}`)).status).toBe(200);
    expect((await list(member, sub.id)).files.map((f: FileDto) => f.id)).toEqual([f1]);

    expect((await member.post(`/api/rooms/${roomId}/files/trash/empty`)).status).toBe(403);
    const purged = nextEvent(sock, 'files:purged');
    const emptied = await mod.post(`/api/rooms/${roomId}/files/trash/empty`);
    expect(emptied.body.fileIds).toEqual([loose]);
    expect((await purged).fileIds).toEqual([loose]);
    expect((await member.post(`/api/rooms/${roomId}/files/restore`, { fileIds: [loose], folderIds: [] })).status).toBe(404);
    expect((await member.post(`/api/rooms/${roomId}/files/restore`, { fileIds: 'all' })).status).toBe(400);
    facts.stop();
    sock.close();
  });

  it('identical bytes are stored once and freed when the last copy is deleted for good', async () => {
    const bytes = Buffer.from('same content, twice');
    const a = await uploadBytes(member, roomId, 'one.txt', bytes);
    const b = await uploadBytes(other, roomId, 'two.txt', bytes);
    const sha = (await member.get(`/api/rooms/${roomId}/files/${a}`)).body.file.sha256;
    const blob = join(server.dataDir, 'files', 'store', 'blobs', sha.slice(0, 2), sha);
    expect(readFileSync(blob).equals(bytes)).toBe(true);
    await mod.post(`/api/rooms/${roomId}/files/trash`, { fileIds: [a], folderIds: [] });
    await mod.post(`/api/rooms/${roomId}/files/trash/empty`);
    expect(readFileSync(blob).equals(bytes)).toBe(true); // still used by two.txt
    await mod.post(`/api/rooms/${roomId}/files/trash`, { fileIds: [b], folderIds: [] });
    await mod.post(`/api/rooms/${roomId}/files/trash/empty`);
    expect(() => readFileSync(blob)).toThrow();
  });

  it('a read-only folder: members cannot add, change or remove inside; moderators can', async () => {
    const ro = (await member.post(`/api/rooms/${roomId}/folders`, { name: 'Official' })).body.folder;
    const before = await uploadBytes(member, roomId, 'draft.txt', Buffer.from('d'), ro.id);
    expect((await member.patch(`/api/rooms/${roomId}/folders/${ro.id}`, { readOnly: true })).status).toBe(403);
    expect((await mod.patch(`/api/rooms/${roomId}/folders/${ro.id}`, { readOnly: true })).body.folder.readOnly).toBe(true);
    const l = await list(member, ro.id);
    expect(l.can).toEqual({ upload: false, manage: false });
    await expect(uploadBytes(member, roomId, 'x.txt', Buffer.from('x'), ro.id)).rejects.toThrow(/403/);
    expect((await member.post(`/api/rooms/${roomId}/folders`, { name: 'sub', parentId: ro.id })).status).toBe(403);
    expect((await member.patch(`/api/rooms/${roomId}/files/${before}`, { name: 'changed.txt' })).status).toBe(403);
    expect((await member.post(`/api/rooms/${roomId}/files/trash`, { fileIds: [before], folderIds: [] })).status).toBe(403);
    expect((await member.post(`/api/rooms/${roomId}/files/move`, { fileIds: [before], folderIds: [], toFolderId: null })).status).toBe(403);
    expect(await uploadBytes(mod, roomId, 'syllabus.txt', Buffer.from('s'), ro.id)).toBeGreaterThan(0);
    expect((await list(mod, ro.id)).can).toEqual({ upload: true, manage: true });
  });
});

describe('search', () => {
  it('finds by partial words, type and uploader across folders; members only', async () => {
    const folder = (await other.post(`/api/rooms/${roomId}/folders`, { name: 'Exams' })).body.folder;
    await uploadBytes(other, roomId, 'Linear Algebra Past Paper 2023.txt', Buffer.from('la'), folder.id);
    await uploadBytes(member, roomId, 'algebra-cheatsheet.txt', Buffer.from('cs'));
    await uploadBytes(member, roomId, '100%_done.txt', Buffer.from('p'));
    const q = async (query: string) => (await member.get(`/api/rooms/${roomId}/files/search?${query}`)).body.files.map((f: FileDto) => f.name).sort();
    expect(await q('q=algeb')).toEqual(['Linear Algebra Past Paper 2023.txt', 'algebra-cheatsheet.txt']);
    expect(await q('q=paper%20lin')).toEqual(['Linear Algebra Past Paper 2023.txt']);
    expect(await q(`q=algebra&uploaderId=${member.userId}`)).toEqual(['algebra-cheatsheet.txt']);
    expect(await q('q=algebra&kind=image')).toEqual([]);
    expect(await q('q=%25')).toEqual(['100%_done.txt']); // LIKE wildcards are literal
    expect(await q('q=_')).toEqual(['100%_done.txt']);
    expect((await member.get(`/api/rooms/${roomId}/files/search?kind=bogus`)).status).toBe(400);
    expect((await member.get(`/api/rooms/${roomId}/files/search?q=${'x'.repeat(101)}`)).status).toBe(400);
    expect((await outsider.get(`/api/rooms/${roomId}/files/search?q=algebra`)).status).toBe(403);
  });

  it('the name index follows renames, the trash and restores; other rooms stay out; short and over-common fragments are scanned', async () => {
    const q = async (query: string) => (await member.get(`/api/rooms/${roomId}/files/search?${query}`)).body.files.map((f: FileDto) => f.name).sort();
    const id = await uploadBytes(member, roomId, 'Quaternion notes.txt', Buffer.from('q'));
    const elsewhere = (await roomWith(outsider, [], { name: 'Elsewhere' })).id;
    await uploadBytes(outsider, elsewhere, 'Quaternion secrets.txt', Buffer.from('s'));
    expect(await q('q=quaternion')).toEqual(['Quaternion notes.txt']);
    expect(await q('q=ternion%20NOTES')).toEqual(['Quaternion notes.txt']);
    expect(await q('q=zzqqxx')).toEqual([]);
    expect(await q('q=qu')).toEqual(['Quaternion notes.txt']); // two characters: below the trigram index
    expect(await q('q=%22quat')).toEqual([]); // a quote is a character, not FTS syntax
    expect((await member.patch(`/api/rooms/${roomId}/files/${id}`, { name: 'Octonion notes.txt' })).status).toBe(200);
    expect(await q('q=quaternion')).toEqual([]);
    expect(await q('q=octonion')).toEqual(['Octonion notes.txt']);
    expect((await member.post(`/api/rooms/${roomId}/files/trash`, { fileIds: [id], folderIds: [] })).status).toBe(204);
    expect(await q('q=octonion')).toEqual([]);
    expect((await owner.post(`/api/rooms/${roomId}/files/restore`, { fileIds: [id], folderIds: [] })).status).toBe(204);
    expect(await q('q=octonion')).toEqual(['Octonion notes.txt']);
    // The index (FTS5 on SQLite, pg_trgm on PostgreSQL) answers with ids only up to its cap; past it and under three characters the caller scans.
    expect(await fileIdsByName(server.app.db, ['octonion'])).toEqual([id]);
    expect(await fileIdsByName(server.app.db, ['notes'], 0)).toBeNull();
    expect(await fileIdsByName(server.app.db, ['no'])).toBeNull();
  });
});

describe('trigram match', () => {
  it('quotes every word as a phrase, all required; nothing under three characters', () => {
    expect(trigramMatch(['alg', 'past paper'])).toBe('"alg" AND "past paper"');
    expect(trigramMatch(['say "hi"'])).toBe('"say ""hi"""');
    expect(trigramMatch(['ok', 'algebra'])).toBeNull();
    expect(trigramMatch([])).toBeNull();
  });
});

describe('thumbnails', () => {
  it('an image gets a WebP thumbnail pushed to the room; a corrupt image fails cleanly', async () => {
    const png = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png().toBuffer();
    const sock = await other.socket();
    await command(sock, 'room:enter', { roomId });
    const ready = nextEvent(sock, 'files:file', (f) => f.file.name === 'photo.png' && f.file.thumb === 'ready', 15_000);
    const id = await uploadBytes(member, roomId, 'photo.png', png);
    await ready;
    const res = await fetch(`${server.url}/api/rooms/${roomId}/files/${id}/thumb`, { headers: { cookie: other.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 320, height: 320 });
    expect((await fetch(`${server.url}/api/rooms/${roomId}/files/${id}/thumb`, { headers: { cookie: outsider.cookie } })).status).toBe(403);

    // PNG signature, then garbage: sniffed as an image, sharp refuses it.
    const broken = Buffer.concat([png.subarray(0, 64), Buffer.alloc(2000, 7)]);
    const failed = nextEvent(sock, 'files:file', (f) => f.file.name === 'broken.png' && f.file.thumb === 'failed', 15_000);
    const bad = await uploadBytes(member, roomId, 'broken.png', broken);
    await failed;
    expect((await fetch(`${server.url}/api/rooms/${roomId}/files/${bad}/thumb`, { headers: { cookie: member.cookie } })).status).toBe(404);
    expect((await member.get('/api/health')).status).toBe(200);
    sock.close();
  });

  it('a video gets a poster thumbnail through FFmpeg', async (ctx) => {
    const { binary } = await findFfmpeg(process.env.FFMPEG_PATH);
    if (!binary) return ctx.skip();
    const dir = mkdtempSync(join(tmpdir(), 'cr-vid-'));
    const out = join(dir, 'clip.mp4');
    const r = spawnSync(binary.ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=15', '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', out]);
    expect(r.status).toBe(0);
    const bytes = readFileSync(out);
    rmSync(dir, { recursive: true, force: true });
    const id = await uploadBytes(member, roomId, 'clip.mp4', bytes);
    await server.app.thumbs.idle();
    const file = (await member.get(`/api/rooms/${roomId}/files/${id}`)).body.file as FileDto;
    expect(file).toMatchObject({ kind: 'video', mime: 'video/mp4', thumb: 'ready' });
  }, 60_000);
});
