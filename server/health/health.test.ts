/**
 * Issue 14 item 4: the admin health snapshot (who may read it, every field filled from the real
 * process) and the real-time alerts pushed to admins only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegRunner } from '../../media/ffmpeg-runner.js';
import { Client, collect, command, newUsers, nextEvent, rawDb, roomWith, startServer, type ClientSocket, type TestServer } from '../test/harness.js';
import { readProcStat } from './health.service.js';

let server: TestServer;
let admin: Client;
let owner: Client;
let mod: Client;
let member: Client;
let adminSocket: ClientSocket;
let memberSocket: ClientSocket;
let roomId: number;

beforeAll(async () => {
  server = await startServer({ config: { alerts: { eventLoopMs: 100, diskFreeMb: 1e12, ffmpegCrashes: 2, failedSignIns: 3 } } });
  [admin] = await newUsers(server, 'root');
  [owner, mod, member] = await newUsers(server, 'olga', 'moe', 'mel');
  roomId = (await roomWith(owner, [mod, member])).id;
  await owner.put(`/api/rooms/${roomId}/members/${mod.userId}/role`, { role: 'moderator' });
  [adminSocket, memberSocket] = await Promise.all([admin.socket(), member.socket()]);
  await command(memberSocket, 'room:enter', { roomId });
});
/** Earlier samples may have raised this kind already: forget it so the test sees its own alert. */
const forgetAlert = (kind: string) => (server.app.health as unknown as { lastAlertAt: Map<string, number> }).lastAlertAt.delete(kind);

afterAll(async () => {
  adminSocket.disconnect();
  memberSocket.disconnect();
  await server.dispose();
});

describe('GET /api/admin/health', () => {
  it('anonymous 401; member, moderator and owner 403 with no figures', async () => {
    const anon = await new Client(server.url).get('/api/admin/health');
    expect(anon.status).toBe(401);
    for (const c of [member, mod, owner]) {
      const r = await c.get('/api/admin/health');
      expect(r.status).toBe(403);
      expect(Object.keys(r.body)).toEqual(['error']);
    }
  });

  it('gives every figure, measured from the running server', async () => {
    server.app.health.sample();
    const { status, body } = await admin.get('/api/admin/health');
    expect(status).toBe(200);
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(body.node).toBe(process.version);
    expect(body.cores).toBeGreaterThan(0);
    expect(body.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(body.memory.rssBytes).toBeGreaterThan(10_000_000);
    expect(body.memory.heapUsedBytes).toBeGreaterThan(0);
    expect(body.eventLoop).toEqual({ p50Ms: expect.any(Number), p99Ms: expect.any(Number), maxMs: expect.any(Number) });
    expect(body.eventLoop.p99Ms).toBeGreaterThanOrEqual(body.eventLoop.p50Ms);
    expect(body.sockets).toBe(2);
    expect(body.activeRooms).toBe(1);
    expect(body.ffmpeg).toEqual([]);
    expect(body.database.bytes).toBeGreaterThan(0);
    expect(body.database.walBytes).toBeGreaterThanOrEqual(0);
    expect(body.disk.path).toBe(server.dataDir);
    expect(body.disk.freeBytes).toBeGreaterThan(0);
    expect(body.disk.totalBytes).toBeGreaterThanOrEqual(body.disk.freeBytes);
    expect(body.thresholds).toEqual({ eventLoopMs: 100, diskFreeMb: 1e12, ffmpegCrashes: 2, failedSignIns: 3 });
  });

  it('follows sockets and rooms live', async () => {
    await command(memberSocket, 'room:leave', { roomId });
    const r = await admin.get('/api/admin/health');
    expect(r.body.activeRooms).toBe(0);
    await command(memberSocket, 'room:enter', { roomId });
  });

  it('lists recent logged errors, newest first, with the request id when there is one', async () => {
    server.app.log.error({ err: new Error('disk on fire') }, 'recording failed');
    server.app.log.child({ reqId: 'req-42' }).error('handler crashed');
    const r = await admin.get('/api/admin/health');
    expect(r.body.recentErrors.slice(0, 2)).toEqual([
      { at: expect.any(Number), message: 'handler crashed', reqId: 'req-42' },
      { at: expect.any(Number), message: 'recording failed — Error: disk on fire', reqId: null },
    ]);
  });

  it('shows running FFmpeg children with their CPU (from /proc/<pid>/stat)', async () => {
    const runner = new FfmpegRunner('ffmpeg');
    const job = runner.run({ inputArgs: ['-hide_banner', '-re', '-f', 'lavfi'], input: 'testsrc2=size=320x240:rate=30', outputs: [{ target: '-', args: ['-f', 'null'] }] }, { label: 'health-test' });
    try {
      await expect.poll(() => job.pid(), { timeout: 10_000 }).not.toBeNull();
      const pid = job.pid()!;
      expect(readProcStat(pid)).toEqual({ ticks: expect.any(Number), rssBytes: expect.any(Number) });
      server.app.health.sample();
      await expect
        .poll(async () => {
          server.app.health.sample();
          return (await admin.get('/api/admin/health')).body.ffmpeg.find((p: { pid: number }) => p.pid === pid)?.cpuPercent ?? null;
        }, { timeout: 15_000, interval: 500 })
        .toBeGreaterThan(0);
    } finally {
      await job.stop(2000);
    }
    expect((await admin.get('/api/admin/health')).body.ffmpeg).toEqual([]);
  }, 30_000);
});

describe('real-time alerts reach admins only', () => {
  it('a burst of failed sign-ins (threshold 3): one alert, admins only, not repeated in the cooldown', async () => {
    const heard = collect(memberSocket, 'admin:alert');
    const alert = nextEvent(adminSocket, 'admin:alert', (a: { kind: string }) => a.kind === 'failed_signins');
    const anon = new Client(server.url);
    for (let i = 0; i < 4; i++) await anon.post('/api/auth/login', { username: 'mel', password: `wrong-${i}-password` });
    expect(await alert).toMatchObject({ kind: 'failed_signins', title: 'Burst of failed sign-ins', body: expect.stringContaining('3 failed sign-ins') });
    const recent = (await admin.get('/api/admin/health')).body.recentAlerts.filter((a: { kind: string }) => a.kind === 'failed_signins');
    expect(recent).toHaveLength(1);
    heard.stop();
    expect(heard.length).toBe(0);
    // Kept in the admin's notification centre, linking to Health; nothing in the member's.
    const adminBell = (await admin.get('/api/notifications')).body.notifications.filter((n: { kind: string; text: string }) => n.kind === 'alert' && n.text.startsWith('Burst of failed sign-ins'));
    expect(adminBell).toHaveLength(1);
    expect((await member.get('/api/notifications')).body.notifications.filter((n: { kind: string }) => n.kind === 'alert')).toHaveLength(0);
  });

  it('disk below the threshold', async () => {
    forgetAlert('disk');
    const alert = nextEvent(adminSocket, 'admin:alert', (a: { kind: string }) => a.kind === 'disk');
    server.app.health.sample();
    expect(await alert).toMatchObject({ kind: 'disk', title: 'Disk space is low' });
  });

  it('event-loop lag over the threshold', async () => {
    server.app.health.sample(); // a fresh window
    forgetAlert('event_loop');
    const alert = nextEvent(adminSocket, 'admin:alert', (a: { kind: string }) => a.kind === 'event_loop');
    // A blocking job keeps the loop busy, as a runaway synchronous task would.
    await new Promise<void>((resolve) => {
      setTimeout(() => {
        const until = Date.now() + 400;
        while (Date.now() < until) {
          /* busy */
        }
        resolve();
      }, 20);
    });
    await new Promise((r) => setTimeout(r, 30));
    server.app.health.sample();
    expect(await alert).toMatchObject({ kind: 'event_loop', title: 'Server is lagging' });
  }, 10_000);

  it('an FFmpeg crash loop (threshold 2 failures in 5 minutes)', async () => {
    const alert = nextEvent(adminSocket, 'admin:alert', (a: { kind: string }) => a.kind === 'ffmpeg_crash_loop', 15_000);
    const runner = new FfmpegRunner('ffmpeg');
    for (let i = 0; i < 2; i++) {
      const exit = await runner.run({ inputArgs: ['-hide_banner'], input: `${server.dataDir}/missing-${i}.flv`, outputs: [{ target: '-', args: ['-f', 'null'] }] }, { label: 'crash-test' }).exited;
      expect(exit.error).not.toBeNull();
    }
    expect(await alert).toMatchObject({ kind: 'ffmpeg_crash_loop', body: expect.stringContaining('2 FFmpeg processes failed') });
  }, 20_000);

  it('a demoted admin receives no more alerts (checked when sending)', async () => {
    const db = rawDb(server.app.db);
    await db.run('UPDATE users SET is_admin = false WHERE id = ?', admin.userId);
    await db.run('UPDATE users SET is_admin = true WHERE id = ?', owner.userId);
    const ownerSocket = await owner.socket();
    try {
      const heard = collect(adminSocket, 'admin:alert');
      const toOwner = nextEvent(ownerSocket, 'admin:alert', (a: { kind: string }) => a.kind === 'disk');
      forgetAlert('disk');
      server.app.health.sample();
      await toOwner; // the same emit reached the current admin: the demoted one had their chance
      heard.stop();
      expect(heard.length).toBe(0);
    } finally {
      ownerSocket.disconnect();
      await db.run('UPDATE users SET is_admin = false WHERE id = ?', owner.userId);
      await db.run('UPDATE users SET is_admin = true WHERE id = ?', admin.userId);
    }
  });
});
