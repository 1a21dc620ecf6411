/**
 * Previews pushed, not polled (issue 11): after a real upload the thumbnailer's results reach the
 * room as facts: a real image's thumbnail (`files:file`, thumb ready), a video's poster (the same)
 * and seek thumbnails, an audio file's waveform (`files:extras`). Members only: an outsider, a
 * member of another room, a kicked member and an anonymous socket never receive them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findFfmpeg } from '../../media/ffmpeg-binary.js';
import { Client, command, newUsers, nextEvent, roomWith, startServer, type ClientSocket, type TestServer } from '../test/harness.js';
import { makeMedia, uploadBytes } from './test-helpers.js';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

let server: TestServer;
let owner: Client, member: Client, outsider: Client, kicked: Client;
let roomId: number, otherRoomId: number;
let ffmpeg: string | null = null;
const dir = mkdtempSync(join(tmpdir(), 'cr-push-test-'));
const sockets: ClientSocket[] = [];

/** Every files:* event a socket receives. */
function filesEvents(sock: ClientSocket): { event: string; payload: unknown }[] {
  const seen: { event: string; payload: unknown }[] = [];
  sock.onAny((event: string, payload: unknown) => {
    if (event.startsWith('files:')) seen.push({ event, payload });
  });
  return seen;
}

async function socketOf(c: Client): Promise<ClientSocket> {
  const s = await c.socket();
  sockets.push(s);
  return s;
}

beforeAll(async () => {
  ffmpeg = (await findFfmpeg(process.env.FFMPEG_PATH)).binary?.ffmpeg ?? null;
  server = await startServer();
  [owner, member, outsider, kicked] = await newUsers(server, 'powner', 'pmember', 'poutsider', 'pkicked');
  roomId = (await roomWith(owner, [member, kicked])).id;
  otherRoomId = (await roomWith(outsider, [])).id;
});
afterAll(async () => {
  for (const s of sockets) s.close();
  rmSync(dir, { recursive: true, force: true });
  await server.dispose();
});

const make = (name: string, args: string[]): Buffer => makeMedia(ffmpeg!, dir, name, args);

describe('thumbnails, posters, seek thumbnails and waveforms are pushed to members', () => {
  let memberSock: ClientSocket;
  let outsiderSeen: { event: string; payload: unknown }[];
  let kickedSeen: { event: string; payload: unknown }[];
  let anonSeen: { event: string; payload: unknown }[];
  let outsiderSock: ClientSocket, kickedSock: ClientSocket;

  beforeAll(async () => {
    memberSock = await socketOf(member);
    expect((await command(memberSock, 'room:enter', { roomId })).ok).toBe(true);
    // The outsider tries our room (refused), garbage ids, then sits in a room of their own.
    outsiderSock = await socketOf(outsider);
    outsiderSeen = filesEvents(outsiderSock);
    const refused = await command(outsiderSock, 'room:enter', { roomId });
    expect(refused.ok).toBe(false);
    for (const garbage of [{ roomId: -1 }, { roomId: 'x' }, {}, null, { roomId: 987654 }]) expect((await command(outsiderSock, 'room:enter', garbage)).ok).toBe(false);
    expect((await command(outsiderSock, 'room:enter', { roomId: otherRoomId })).ok).toBe(true);
    // A member who was in the room, then kicked.
    kickedSock = await socketOf(kicked);
    expect((await command(kickedSock, 'room:enter', { roomId })).ok).toBe(true);
    const gone = nextEvent(kickedSock, 'room:removed', () => true, 10_000).catch(() => null);
    expect((await owner.post(`/api/rooms/${roomId}/members/${kicked.userId}/kick`)).status).toBe(204);
    await gone;
    kickedSeen = filesEvents(kickedSock);
    // No session at all: the connection is refused or sees nothing.
    const anon = await new Client(server.url).socket().catch(() => null);
    anonSeen = [];
    if (anon) {
      sockets.push(anon);
      anonSeen = filesEvents(anon);
    }
  });

  /** After the member got everything: one round trip on each other socket, then nothing of ours may be there. */
  async function nobodyElseSawIt(fileId: number) {
    for (const s of [outsiderSock, kickedSock]) await command(s, 'room:enter', { roomId: otherRoomId }).catch(() => null);
    const ours = new RegExp(`"(roomId":${roomId}|fileId":${fileId}|id":${fileId})[,}]`);
    const mentions = (seen: { payload: unknown }[]) => seen.filter((e) => ours.test(JSON.stringify(e.payload)));
    expect(mentions(outsiderSeen)).toEqual([]);
    expect(mentions(kickedSeen)).toEqual([]);
    expect(mentions(anonSeen)).toEqual([]);
  }

  it('a real image: the member is told when its thumbnail is ready; the thumbnail is there at that moment', async () => {
    const png = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 30, g: 120, b: 200 } } })
      .composite([{ input: Buffer.from('<svg width="800" height="600"><circle cx="400" cy="300" r="200" fill="orange"/></svg>'), top: 0, left: 0 }])
      .png()
      .toBuffer();
    const ready = nextEvent<{ file: { id: number; name: string; thumb: string; roomId: number } }>(memberSock, 'files:file', (f) => f.file.name === 'poster.png' && f.file.thumb !== 'pending', 120_000);
    const id = await uploadBytes(owner, roomId, 'poster.png', png);
    const fact = await ready;
    expect(fact.file).toMatchObject({ id, roomId, thumb: 'ready' });
    const thumb = await fetch(`${member.url}/api/rooms/${roomId}/files/${id}/thumb`, { headers: { cookie: member.cookie } });
    expect(thumb.status).toBe(200);
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 320, 320]);
    await nobodyElseSawIt(id);
  });

  it('a real audio file: files:extras says its waveform is ready, and /media has it then', async (ctx) => {
    if (!ffmpeg) return ctx.skip();
    const audio = make('tone.m4a', ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', '-c:a', 'aac']);
    const told = nextEvent<{ fileId: number; seek: boolean; waveform: boolean; roomId: number }>(memberSock, 'files:extras', () => true, 150_000);
    const id = await uploadBytes(owner, roomId, 'tone.m4a', audio);
    expect(await told).toMatchObject({ fileId: id, roomId, seek: false, waveform: true });
    expect((await member.get(`/api/rooms/${roomId}/files/${id}/media`)).body).toMatchObject({ waveform: true });
    await nobodyElseSawIt(id);
  });

  it('a real video: its poster (thumb ready), then its seek thumbnails (files:extras)', async (ctx) => {
    if (!ffmpeg) return ctx.skip();
    const video = make('clip.mp4', ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10', '-t', '4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']);
    const poster = nextEvent<{ file: { name: string; thumb: string } }>(memberSock, 'files:file', (f) => f.file.name === 'clip.mp4' && f.file.thumb !== 'pending', 150_000);
    const seek = nextEvent<{ fileId: number; seek: boolean }>(memberSock, 'files:extras', (f) => f.seek, 150_000);
    const id = await uploadBytes(owner, roomId, 'clip.mp4', video);
    expect((await poster).file.thumb).toBe('ready');
    expect(await seek).toMatchObject({ fileId: id, seek: true, waveform: false });
    expect((await member.get(`/api/rooms/${roomId}/files/${id}/media`)).body.seek).toMatchObject({ count: 4 });
    await nobodyElseSawIt(id);
  });

  it('a second upload of the same bytes into another room is announced there only (extras already made)', async (ctx) => {
    if (!ffmpeg) return ctx.skip();
    const audio = readFileSync(join(dir, 'tone.m4a'));
    const other = await socketOf(outsider);
    expect((await command(other, 'room:enter', { roomId: otherRoomId })).ok).toBe(true);
    const told = nextEvent<{ fileId: number; roomId: number }>(other, 'files:extras', () => true, 120_000);
    const memberSeen = filesEvents(memberSock);
    const id = await uploadBytes(outsider, otherRoomId, 'same-tone.m4a', audio);
    expect(await told).toMatchObject({ fileId: id, roomId: otherRoomId });
    await command(memberSock, 'room:enter', { roomId });
    expect(memberSeen.filter((e) => e.event === 'files:extras')).toEqual([]);
  });
});
