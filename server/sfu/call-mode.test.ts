/**
 * The owner's "Large call mode" is stored (call_settings) and survives a restart; refusals leave it
 * unchanged. Runs against the real Janus (skipped without it): 'large' needs an SFU.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callSettings } from '../../db/schema/index.js';
import { loadConfig } from '../config.js';
import { command, newUsers, roomWith, type Client, type ClientSocket, type TestServer, startServer } from '../test/harness.js';
import { findExecutable } from './janus-supervisor.js';

const hasJanus = !!findExecutable('janus');
const janus = () => loadConfig({ JANUS_WS_PORT: '0', JANUS_RTP_PORTS: '32000-32999' }, { dataDir: '/tmp' }).janus;

async function up(server: TestServer): Promise<void> {
  await server.app.sfu.supervisor!.waitUp(20_000);
  await new Promise<void>((r) => (server.app.sfu.status() === 'up' ? r() : server.app.sfu.once('status', () => r())));
}
async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const ack = await p;
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}
async function entered(c: Client, roomId: number, list: ClientSocket[]): Promise<ClientSocket> {
  const s = await c.socket();
  list.push(s);
  await ok(command(s, 'room:enter', { roomId }));
  return s;
}

describe.skipIf(!hasJanus)('large call mode is stored', () => {
  let server: TestServer;
  const sockets: ClientSocket[] = [];
  beforeAll(async () => {
    server = await startServer({ config: { janus: janus() } });
    await up(server);
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.dispose();
  }, 30_000);

  it('survives a server restart; members and outsiders cannot change it', async () => {
    const [owner, mem, outsider] = await newUsers(server, 'cmowner', 'cmmem', 'cmout');
    const roomId = (await roomWith(owner, [mem])).id;
    const otherRoom = (await roomWith(outsider, [])).id;
    let so = await entered(owner, roomId, sockets);
    const sm = await entered(mem, roomId, sockets);
    const sx = await entered(outsider, otherRoom, sockets);
    const stored = async () => (await server.app.db.select().from(callSettings).where(eq(callSettings.roomId, roomId)))[0]?.preference ?? null;

    // Refusals: a member, an outsider, garbage. Nothing is stored.
    expect(((await command(sm, 'call:mode', { roomId, preference: 'large' })) as any).error.code).toBe('FORBIDDEN');
    expect(((await command(sx, 'call:mode', { roomId, preference: 'large' })) as any).error.code).toBe('NOT_MEMBER');
    expect(((await command(so, 'call:mode', { roomId, preference: 'huge' })) as any).error.code).toBe('VALIDATION');
    expect(await stored()).toBeNull();

    expect(await ok(command(so, 'call:mode', { roomId, preference: 'large' }))).toMatchObject({ preference: 'large' });
    expect(await stored()).toBe('large');

    // Restart on the same data directory (and a new Janus): the choice is still there.
    for (const s of sockets.splice(0)) s.close();
    server = await server.restart();
    await up(server);
    owner.moveTo(server);
    mem.moveTo(server);
    so = await entered(owner, roomId, sockets);
    const sm2 = await entered(mem, roomId, sockets);
    expect(await ok(command(sm2, 'call:state', { roomId }))).toMatchObject({ preference: 'large', mode: 'mesh' });
    expect((await mem.get(`/api/rooms/${roomId}/call/mode`)).body).toMatchObject({ preference: 'large' });
    // The first person in runs through Janus at once.
    await ok(command(so, 'call:join', { roomId }));
    expect(await ok(command(so, 'call:state', { roomId }))).toMatchObject({ preference: 'large', mode: 'sfu' });
    await ok(command(so, 'call:leave', { roomId }));

    // Back to auto: stored too.
    expect(await ok(command(so, 'call:mode', { roomId, preference: 'auto' }))).toMatchObject({ preference: 'auto' });
    expect(await stored()).toBe('auto');
    for (const s of sockets.splice(0)) s.close();
    server = await server.restart();
    await up(server);
    mem.moveTo(server);
    const sm3 = await entered(mem, roomId, sockets);
    expect(await ok(command(sm3, 'call:state', { roomId }))).toMatchObject({ preference: 'auto' });
  }, 120_000);
});
