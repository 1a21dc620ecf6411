/**
 * Files shared into chat (issue 11, item 7): a message carries ids of files of THAT room the sender
 * may read; anything else is refused and nothing is written. Trashed files read as unavailable and
 * kicked users cannot fetch them.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rawDb, command, newUsers, nextEvent, roomWith, startServer, type Client, type ClientSocket, type TestServer } from '../test/harness.js';
import { uploadBytes } from './test-helpers.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let server: TestServer;
let owner: Client, member: Client, outsider: Client, kicked: Client, muted: Client;
let roomId: number, otherRoomId: number;
let os: ClientSocket, ms: ClientSocket, outs: ClientSocket, mutes: ClientSocket;

beforeAll(async () => {
  server = await startServer({ config: { chatRatePer10s: 10_000 } });
  [owner, member, outsider, kicked, muted] = await newUsers(server, 'aowner', 'amember', 'aoutsider', 'akicked', 'amuted');
  roomId = (await roomWith(owner, [member, kicked, muted])).id;
  otherRoomId = (await roomWith(outsider, [])).id;
  await owner.post(`/api/rooms/${roomId}/members/${muted.userId}/mute`, { minutes: 60 });
  [os, ms, outs, mutes] = await Promise.all([owner.socket(), member.socket(), outsider.socket(), muted.socket()]);
  await command(os, 'room:enter', { roomId });
  await command(ms, 'room:enter', { roomId });
  await command(outs, 'room:enter', { roomId: otherRoomId });
  await command(mutes, 'room:enter', { roomId });
});
afterAll(async () => {
  for (const s of [os, ms, outs, mutes]) s.close();
  await server.dispose();
});

const messageCount = async () => ((await rawDb(server.app.db).get('SELECT count(*) AS n FROM messages')) as { n: number }).n;

describe('attachments in chat', () => {
  it('a message carries files of the room; the other member sees the ids, the file and its thumbnail', async () => {
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } }).png().toBuffer();
    const img = await uploadBytes(member, roomId, 'diagram.png', png);
    const txt = await uploadBytes(member, roomId, 'notes.txt', Buffer.from('hello'));
    const seen = nextEvent(os, 'chat:message', (p: { message: { text: string; attachments?: number[] } }) => p.message.text === 'see these');
    const ack = await command(ms, 'chat:send', { roomId, text: 'see these', attachments: [img, txt, img] });
    expect(ack.ok).toBe(true);
    const msg = ack.ok ? ack.data : null;
    expect(msg?.attachments).toEqual([img, txt]);
    expect((await seen).message.attachments).toEqual([img, txt]);
    // History returns them too; a message without files has no attachments field.
    const hist = (await owner.get(`/api/rooms/${roomId}/messages`)).body.messages as { id: number; attachments?: number[] }[];
    expect(hist.find((m) => m.id === msg!.id)!.attachments).toEqual([img, txt]);
    const plain = await command(ms, 'chat:send', { roomId, text: 'no files' });
    expect(plain.ok && plain.data.attachments).toBeFalsy();
    // The other member opens the file and its thumbnail (made in the background).
    expect((await owner.get(`/api/rooms/${roomId}/files/${img}`)).body.file.name).toBe('diagram.png');
    await vi.waitFor(async () => expect((await owner.get(`/api/rooms/${roomId}/files/${img}`)).body.file.thumb).toBe('ready'), { timeout: 30_000, interval: 200 });
    const thumb = await fetch(`${owner.url}/api/rooms/${roomId}/files/${img}/thumb`, { headers: { cookie: owner.cookie } });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    // Over HTTP (bots) the same rule applies.
    const http = await member.post(`/api/rooms/${roomId}/messages`, { text: 'by http', attachments: [txt] });
    expect(http.status).toBe(201);
    expect(http.body.message.attachments).toEqual([txt]);
  });

  it("refuses other rooms' files, unknown ids, trashed files, garbage, outsiders and muted members; nothing is written", async () => {
    const foreign = await uploadBytes(outsider, otherRoomId, 'secret.txt', Buffer.from('secret'));
    const mine = await uploadBytes(member, roomId, 'mine.txt', Buffer.from('mine'));
    const trashed = await uploadBytes(member, roomId, 'gone.txt', Buffer.from('gone'));
    expect((await member.post(`/api/rooms/${roomId}/files/trash`, { fileIds: [trashed], folderIds: [] })).status).toBe(204);
    const before = await messageCount();
    const refused = async (payload: unknown, code: string) => {
      const ack = await command(ms, 'chat:send', payload);
      expect(ack.ok).toBe(false);
      if (!ack.ok) expect(ack.error.code).toBe(code);
    };
    await refused({ roomId, text: 'x', attachments: [foreign] }, 'NOT_FOUND');
    await refused({ roomId, text: 'x', attachments: [mine, foreign] }, 'NOT_FOUND');
    await refused({ roomId, text: 'x', attachments: [99_999_999] }, 'NOT_FOUND');
    await refused({ roomId, text: 'x', attachments: [trashed] }, 'NOT_FOUND');
    await refused({ roomId, text: 'x', attachments: [] }, 'VALIDATION');
    await refused({ roomId, text: 'x', attachments: ['1'] }, 'VALIDATION');
    await refused({ roomId, text: 'x', attachments: [-1] }, 'VALIDATION');
    await refused({ roomId, text: 'x', attachments: Array.from({ length: 11 }, () => mine) }, 'VALIDATION');
    await refused({ roomId, text: 'x', attachments: { 0: mine } }, 'VALIDATION');
    // The outsider, in their own room, cannot attach our file; nor post into ours.
    const o1 = await command(outs, 'chat:send', { roomId: otherRoomId, text: 'x', attachments: [mine] });
    expect(o1.ok).toBe(false);
    const o2 = await command(outs, 'chat:send', { roomId, text: 'x', attachments: [mine] });
    expect(o2.ok).toBe(false);
    expect((await outsider.post(`/api/rooms/${roomId}/messages`, { text: 'x', attachments: [mine] })).status).toBe(403);
    expect((await member.post(`/api/rooms/${roomId}/messages`, { text: 'x', attachments: [foreign] })).status).toBe(404);
    expect((await member.post(`/api/rooms/${roomId}/messages`, { text: 'x', attachments: 'all' })).status).toBe(400);
    const m = await command(mutes, 'chat:send', { roomId, text: 'x', attachments: [mine] });
    expect(m.ok).toBe(false);
    expect(await messageCount()).toBe(before);
  });

  it('a trashed file reads as unavailable; a kicked member can fetch neither the file nor its bytes', async () => {
    const f = await uploadBytes(member, roomId, 'shared.txt', Buffer.from('shared words'));
    const ack = await command(ms, 'chat:send', { roomId, text: 'shared', attachments: [f] });
    expect(ack.ok).toBe(true);
    expect((await kicked.get(`/api/rooms/${roomId}/files/${f}`)).status).toBe(200);
    expect((await owner.post(`/api/rooms/${roomId}/members/${kicked.userId}/kick`)).status).toBe(204);
    expect((await kicked.get(`/api/rooms/${roomId}/files/${f}`)).status).toBe(403);
    expect((await kicked.get(`/api/rooms/${roomId}/files/${f}/content`)).status).toBe(403);
    expect((await kicked.get(`/api/rooms/${roomId}/messages`)).status).toBe(403);
    expect((await member.post(`/api/rooms/${roomId}/files/trash`, { fileIds: [f], folderIds: [] })).status).toBe(204);
    expect((await owner.get(`/api/rooms/${roomId}/files/${f}`)).status).toBe(404);
    expect((await owner.get(`/api/rooms/${roomId}/files/${f}/content`)).status).toBe(404);
    // The message still lists the id: the card shows "unavailable".
    const hist = (await owner.get(`/api/rooms/${roomId}/messages`)).body.messages as { id: number; attachments?: number[] }[];
    expect(hist.find((m) => ack.ok && m.id === ack.data.id)!.attachments).toEqual([f]);
  });
});
