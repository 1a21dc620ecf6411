/**
 * The per-message caches (memberships, slow mode, public user cards; ADR 0022) must never outlive
 * the facts that change them: each test warms the cache with a successful command first, then
 * changes the fact and checks the very next command sees it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawDb, Client, command, newUsers, nextEvent, roomWith, startServer, type ClientSocket, type TestServer } from '../test/harness.js';

let server: TestServer;
let owner: Client;
let bob: Client;
let carol: Client;

beforeAll(async () => {
  server = await startServer({ config: { chatRatePer10s: 10_000 } });
  [owner, bob, carol] = await newUsers(server, 'owner', 'bob', 'carol');
});
afterAll(async () => {
  await server.dispose();
});

async function entered(c: Client, roomId: number): Promise<ClientSocket> {
  const s = await c.socket();
  const ack = await command(s, 'room:enter', { roomId });
  expect(ack.ok).toBe(true);
  return s;
}

const send = (s: ClientSocket, roomId: number, text: string) => command(s, 'chat:send', { roomId, text });
const messageCount = async () => Number(((await rawDb(server.app.db).get('SELECT count(*) AS n FROM messages')) as { n: number }).n);

describe('hot-path caches follow the facts that change them', () => {
  it('kick: the next send of the kicked member is refused and nothing is written', async () => {
    const room = await roomWith(owner, [bob]);
    const bs = await entered(bob, room.id);
    expect((await send(bs, room.id, 'warm the cache')).ok).toBe(true);
    expect((await send(bs, room.id, 'cached now')).ok).toBe(true);
    expect((await owner.post(`/api/rooms/${room.id}/members/${bob.userId}/kick`)).status).toBe(204);
    const before = await messageCount();
    const ack = await send(bs, room.id, 'after the kick');
    expect(ack.ok ? 'sent' : ack.error.code).toBe('NOT_MEMBER');
    const typing = await command(bs, 'chat:typing', { roomId: room.id });
    expect(typing.ok ? 'ok' : typing.error.code).toBe('NOT_MEMBER');
    expect(await messageCount()).toBe(before);
    // Joining again is a new membership: allowed at once.
    expect((await bob.post(`/api/rooms/${room.id}/join`, {})).status).toBe(200);
    expect((await send(bs, room.id, 'back again')).ok).toBe(true);
    bs.close();
  });

  it('ban: the next send is refused, and a rejoin is refused too', async () => {
    const room = await roomWith(owner, [bob]);
    const bs = await entered(bob, room.id);
    expect((await send(bs, room.id, 'warm')).ok).toBe(true);
    expect((await owner.post(`/api/rooms/${room.id}/members/${bob.userId}/ban`, { reason: 'spam' })).status).toBe(204);
    const ack = await send(bs, room.id, 'after the ban');
    expect(ack.ok ? 'sent' : ack.error.code).toBe('NOT_MEMBER');
    expect((await bob.post(`/api/rooms/${room.id}/join`, {})).status).not.toBe(200);
    bs.close();
  });

  it('mute and unmute take effect on the next send', async () => {
    const room = await roomWith(owner, [bob]);
    const bs = await entered(bob, room.id);
    expect((await send(bs, room.id, 'warm')).ok).toBe(true);
    expect((await owner.post(`/api/rooms/${room.id}/members/${bob.userId}/mute`, { minutes: 5 })).status).toBe(200);
    const muted = await send(bs, room.id, 'while muted');
    expect(muted.ok ? 'sent' : muted.error.code).toBe('MUTED');
    expect((await owner.del(`/api/rooms/${room.id}/members/${bob.userId}/mute`)).status).toBe(200);
    expect((await send(bs, room.id, 'unmuted')).ok).toBe(true);
    bs.close();
  });

  it('role change: promotion and demotion apply to the very next command', async () => {
    const room = await roomWith(owner, [bob, carol]);
    const bs = await entered(bob, room.id);
    const cs = await entered(carol, room.id);
    const m1 = await send(cs, room.id, 'carol one');
    const m2 = await send(cs, room.id, 'carol two');
    if (!m1.ok || !m2.ok) throw new Error('send failed');
    const refused = await command(bs, 'chat:delete', { roomId: room.id, messageId: m1.data.id });
    expect(refused.ok ? 'deleted' : refused.error.code).toBe('FORBIDDEN');
    expect((await owner.put(`/api/rooms/${room.id}/members/${bob.userId}/role`, { role: 'moderator' })).status).toBe(200);
    expect((await command(bs, 'chat:delete', { roomId: room.id, messageId: m1.data.id })).ok).toBe(true);
    expect((await owner.put(`/api/rooms/${room.id}/members/${bob.userId}/role`, { role: 'member' })).status).toBe(200);
    const again = await command(bs, 'chat:delete', { roomId: room.id, messageId: m2.data.id });
    expect(again.ok ? 'deleted' : again.error.code).toBe('FORBIDDEN');
    bs.close();
    cs.close();
  });

  it('profile rename: the next message and typing indicator carry the new name', async () => {
    const room = await roomWith(owner, [bob]);
    const bs = await entered(bob, room.id);
    const os = await entered(owner, room.id);
    const first = await send(bs, room.id, 'as the old name');
    expect(first.ok && first.data.author.displayName).toBe('bob');
    const typed = nextEvent(os, 'chat:typing');
    await command(bs, 'chat:typing', { roomId: room.id });
    expect((await typed).user.displayName).toBe('bob');
    expect((await bob.patch('/api/me', { displayName: 'Robert' })).status).toBe(200);
    const got = nextEvent(os, 'chat:message', (f) => f.message.text === 'as the new name');
    const next = await send(bs, room.id, 'as the new name');
    expect(next.ok && next.data.author.displayName).toBe('Robert');
    expect((await got).message.author.displayName).toBe('Robert');
    const typedAgain = nextEvent(os, 'chat:typing');
    await command(bs, 'chat:typing', { roomId: room.id });
    expect((await typedAgain).user.displayName).toBe('Robert');
    bs.close();
    os.close();
  });

  it('slow mode switched on applies to the next message; off again, it no longer does', async () => {
    const room = await roomWith(owner, [bob]);
    const bs = await entered(bob, room.id);
    expect((await send(bs, room.id, 'warm')).ok).toBe(true);
    expect((await owner.patch(`/api/rooms/${room.id}`, { slowModeSeconds: 30 })).status).toBe(200);
    const slow = await send(bs, room.id, 'too soon');
    expect(slow.ok ? 'sent' : slow.error.code).toBe('SLOW_MODE');
    expect((await owner.patch(`/api/rooms/${room.id}`, { slowModeSeconds: 0 })).status).toBe(200);
    expect((await send(bs, room.id, 'fine again')).ok).toBe(true);
    bs.close();
  });

  it('a room deleted by its owner: a cached member is refused', async () => {
    const room = await roomWith(owner, [bob]);
    const bs = await entered(bob, room.id);
    expect((await send(bs, room.id, 'warm')).ok).toBe(true);
    expect((await owner.del(`/api/rooms/${room.id}`)).status).toBe(204);
    const ack = await send(bs, room.id, 'into the void');
    expect(ack.ok ? 'sent' : ack.error.code).toBe('NOT_FOUND');
    bs.close();
  });
});
