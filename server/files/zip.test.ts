/**
 * Folders and selections as one streamed ZIP (issue 11, item 8): the archive unzips to the same
 * bytes (sha256), names are cleaned and unique inside it, and every item is checked.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newUsers, roomWith, startServer, type Client, type TestServer } from '../test/harness.js';
import { uploadBytes } from './test-helpers.js';
import { ZipNames, zipSegment } from './zip.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
let server: TestServer;
let owner: Client, member: Client, outsider: Client, kicked: Client;
let roomId: number, otherRoomId: number;
const tmp = mkdtempSync(join(tmpdir(), 'cr-zip-test-'));

beforeAll(async () => {
  server = await startServer();
  [owner, member, outsider, kicked] = await newUsers(server, 'zowner', 'zmember', 'zoutsider', 'zkicked');
  roomId = (await roomWith(owner, [member, kicked])).id;
  otherRoomId = (await roomWith(outsider, [])).id;
});
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await server.dispose();
});

async function zipOf(c: Client, query: string): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(`${c.url}/api/rooms/${roomId}/files/zip?${query}`, { headers: { cookie: c.cookie } });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** Unzips with Info-ZIP's unzip; returns path → sha256 (directories end with '/'). */
function unzipped(zip: Buffer): Map<string, string> {
  const dir = mkdtempSync(join(tmp, 'x-'));
  const file = join(dir, 'a.zip');
  writeFileSync(file, zip);
  const test = spawnSync('unzip', ['-tq', file], { encoding: 'utf8' });
  expect(test.status, test.stdout + test.stderr).toBe(0);
  const list = spawnSync('unzip', ['-Z1', file], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  const out = spawnSync('unzip', ['-q', file, '-d', join(dir, 'out')], { encoding: 'utf8' });
  expect(out.status, out.stderr).toBe(0);
  return new Map(list.map((p) => [p, p.endsWith('/') ? '' : sha(readFileSync(join(dir, 'out', p)))]));
}

describe('ZIP downloads', () => {
  it('a folder tree and a selection unzip to the same bytes; names are clean and unique inside', async () => {
    const course = (await member.post(`/api/rooms/${roomId}/folders`, { name: 'Course' })).body.folder.id as number;
    const week = (await member.post(`/api/rooms/${roomId}/folders`, { name: 'Week 1', parentId: course })).body.folder.id as number;
    await member.post(`/api/rooms/${roomId}/folders`, { name: 'Empty', parentId: course });
    const big = randomBytes(3_000_000);
    const small = Buffer.from('notes\n');
    const a = await uploadBytes(member, roomId, 'slides.bin', big, week);
    await uploadBytes(member, roomId, 'notes.txt', small, course);
    const trashed = await uploadBytes(member, roomId, 'gone.txt', Buffer.from('trashed'), course);
    expect((await member.post(`/api/rooms/${roomId}/files/trash`, { fileIds: [trashed], folderIds: [] })).status).toBe(204);

    const res = await zipOf(owner, `folders=${course}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toContain('Course.zip');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const got = unzipped(res.body);
    expect(got).toEqual(new Map([
      ['Course/Week 1/slides.bin', sha(big)],
      ['Course/notes.txt', sha(small)],
      ['Course/Empty/', ''],
    ]));

    // A selection: a file at the root and the same file name twice (from two folders) stay apart.
    const rootFile = await uploadBytes(member, roomId, 'notes.txt', Buffer.from('root notes'));
    const sel = unzipped((await zipOf(member, `files=${rootFile},${a}&folders=${week}`)).body);
    expect([...sel.keys()].sort()).toEqual(['Week 1/slides.bin', 'notes.txt', 'slides.bin']);
    expect(sel.get('slides.bin')).toBe(sha(big));
    expect(sel.get('notes.txt')).toBe(sha(Buffer.from('root notes')));
  });

  it("refuses outsiders, kicked members, other rooms' ids, trashed and unknown ids and garbage", async () => {
    const mine = await uploadBytes(member, roomId, 'mine.txt', Buffer.from('mine'));
    const foreign = await uploadBytes(outsider, otherRoomId, 'foreign.txt', Buffer.from('foreign'));
    const foreignFolder = (await outsider.post(`/api/rooms/${otherRoomId}/folders`, { name: 'Theirs' })).body.folder.id as number;
    const trashed = await uploadBytes(member, roomId, 'trash.txt', Buffer.from('t'));
    await member.post(`/api/rooms/${roomId}/files/trash`, { fileIds: [trashed], folderIds: [] });
    expect((await zipOf(outsider, `files=${mine}`)).status).toBe(403);
    expect((await zipOf(member, `files=${mine},${foreign}`)).status).toBe(404);
    expect((await zipOf(member, `folders=${foreignFolder}`)).status).toBe(404);
    expect((await zipOf(member, `files=${trashed}`)).status).toBe(404);
    expect((await zipOf(member, 'files=99999999')).status).toBe(404);
    for (const q of ['', 'files=', 'files=abc', 'files=1,,2', 'files=-1', 'files=0', 'x=1', `files=${'1,'.repeat(600)}1`]) {
      expect((await zipOf(member, q)).status, q).toBe(400);
    }
    const anon = await fetch(`${member.url}/api/rooms/${roomId}/files/zip?files=${mine}`);
    expect(anon.status).toBe(401);
    expect((await zipOf(kicked, `files=${mine}`)).status).toBe(200);
    expect((await owner.post(`/api/rooms/${roomId}/members/${kicked.userId}/kick`)).status).toBe(204);
    expect((await zipOf(kicked, `files=${mine}`)).status).toBe(403);
  });

  it('names inside are single clean segments, unique per folder', () => {
    expect(zipSegment('../../etc/passwd')).toBe('passwd');
    expect(zipSegment('..')).toBe('unnamed');
    expect(zipSegment('a\u0000b\u202e.txt')).toBe('ab.txt');
    const n = new ZipNames();
    expect(n.add(['A/B'], 'x.txt')).toBe('B/x.txt');
    expect(n.add(['B'], 'X.txt')).toBe('B/X (2).txt');
    expect(n.add([], 'x.txt')).toBe('x.txt');
  });
});
