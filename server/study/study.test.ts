import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { TimerView } from '../../protocol/study.js';
import { rawDb, Client, collect, command, newUser, newUsers, nextEvent, roomWith, sleep, startServer, until, type ClientSocket, type TestServer } from '../test/harness.js';

let server: TestServer;
let owner: Client;
let member: Client;
let outsider: Client;
let roomId: number;
let os: ClientSocket;
let ms: ClientSocket;

async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const ack = await p;
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}

beforeAll(async () => {
  server = await startServer();
  [owner, member, outsider] = await newUsers(server, 'owner', 'member', 'outsider');
  roomId = (await roomWith(owner, [member])).id;
  os = await owner.socket();
  ms = await member.socket();
  for (const s of [os, ms]) {
    await command(s, 'room:enter', { roomId });
    await command(s, 'study:enter', { roomId });
  }
});
afterAll(async () => {
  os.close();
  ms.close();
  await server.dispose();
});

const db = () => rawDb(server.app.db);

describe('room pomodoro', () => {
  it('both members see the same phase and end instant; the server clock is available for offsets', async () => {
    const snap = await ok(command(ms, 'study:enter', { roomId }));
    expect(snap.timer).toMatchObject({ phase: 'focus', status: 'idle', remainingMs: 25 * 60_000, endsAt: null });
    const seen = nextEvent<{ timer: TimerView }>(ms, 'timer:changed');
    const started = await ok(command(os, 'timer:act', { roomId, action: 'start' }));
    const fact = await seen;
    expect(fact.timer.endsAt).toBe(started.endsAt);
    expect(started.endsAt! - started.phaseStartedAt!).toBe(25 * 60_000);
    expect(fact.timer.changedBy).toBe(owner.userId);
    const { serverNow } = await ok(command(ms, 'clock:sync', {}));
    expect(Math.abs(serverNow - Date.now())).toBeLessThan(1000);
  });

  it('pause freezes and resume moves the end; bad actions are refused', async () => {
    const paused = await ok(command(ms, 'timer:act', { roomId, action: 'pause' }));
    expect(paused).toMatchObject({ status: 'paused', endsAt: null });
    expect(await command(ms, 'timer:act', { roomId, action: 'pause' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await sleep(30);
    const resumed = await ok(command(ms, 'timer:act', { roomId, action: 'resume' }));
    expect(resumed.endsAt! - (resumed.phaseStartedAt! + 25 * 60_000)).toBeGreaterThanOrEqual(30);
  });

  it('a reconnecting client gets the current state', async () => {
    const before = await ok(command(os, 'study:enter', { roomId }));
    const again = await member.socket();
    const snap = await ok(command(again, 'study:enter', { roomId }));
    expect(snap.timer.endsAt).toBe(before.timer.endsAt);
    again.close();
  });

  it('announces the phase change on time (chime) and starts the break by itself', async () => {
    // Make the focus phase end 200 ms from now, as if it had been running 25 minutes.
    (await db().run('UPDATE room_timers SET phase_started_at = ?, paused_ms = 0 WHERE room_id = ?', Date.now() - 25 * 60_000 + 200, roomId));
    server.app.timers.resumeAll();
    const change = await nextEvent<{ timer: TimerView; ended: string | null }>(ms, 'timer:changed', (f) => f.ended !== null, 3000);
    expect(change.ended).toBe('focus');
    expect(change.timer).toMatchObject({ phase: 'short', status: 'running', completedFocus: 1 });
  });

  it('focus time is credited only to members present in the room', async () => {
    // Spans are written behind the acknowledgement (FocusTracker), so a span closed by the previous
    // test may still land after this DELETE: count only spans opened by this test, and wait for them.
    type Span = { user_id: number; ms: number };
    const spansSince = (from: number) =>
      db().all<Span>('SELECT user_id, ended_at - started_at AS ms FROM focus_spans WHERE room_id = ? AND started_at >= ? ORDER BY user_id', roomId, from);
    (await db().run('DELETE FROM focus_spans'));
    await ok(command(os, 'timer:act', { roomId, action: 'reset' }));
    const t0 = Date.now();
    await ok(command(os, 'timer:act', { roomId, action: 'start' }));
    await sleep(60);
    await ok(command(os, 'timer:act', { roomId, action: 'pause' }));
    let spans: Span[] = [];
    await until(async () => (spans = await spansSince(t0)).length >= 2, 'both spans written');
    expect(spans.map((s) => s.user_id)).toEqual([owner.userId, member.userId].sort((a, b) => a - b));
    expect(spans.every((s) => s.ms >= 50)).toBe(true);
    // A member who leaves the room (not just the app) stops being credited.
    await command(ms, 'room:leave', { roomId });
    await sleep(8100); // presence grace period
    const t1 = Date.now();
    await ok(command(os, 'timer:act', { roomId, action: 'resume' }));
    await sleep(30);
    await ok(command(os, 'timer:act', { roomId, action: 'pause' }));
    await until(async () => (spans = await spansSince(t1)).length >= 1, 'the owner\'s span written');
    // The member's span, if there were one, is written in the same turn as the owner's.
    expect(spans.map((s) => s.user_id)).toEqual([owner.userId]);
    await command(ms, 'room:enter', { roomId });
  }, 20_000);

  it('only moderators configure; with moderator control, members cannot act', async () => {
    const settings = { focusMin: 50, shortBreakMin: 10, longBreakMin: 30, longBreakEvery: 3, autoAdvance: true, control: 'moderators' as const };
    expect(await command(ms, 'timer:configure', { roomId, settings })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const t = await ok(command(os, 'timer:configure', { roomId, settings }));
    expect(t.settings).toEqual(settings);
    expect(await command(ms, 'timer:act', { roomId, action: 'reset' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await ok(command(os, 'timer:configure', { roomId, settings: { focusMin: 25, shortBreakMin: 5, longBreakMin: 15, longBreakEvery: 4, autoAdvance: true, control: 'everyone' } }));
  });

  it('refuses outsiders and garbage and changes nothing', async () => {
    const xs = await outsider.socket();
    const before = (await db().get('SELECT * FROM room_timers WHERE room_id = ?', roomId));
    for (const [event, payload] of [
      ['study:enter', { roomId }],
      ['timer:act', { roomId, action: 'reset' }],
      ['goal:set', { roomId, text: 'sneak' }],
      ['todo:add', { roomId, text: 'sneak' }],
      ['todo:list', { roomId }],
    ] as const) {
      expect(await command(xs, event, payload), event).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    }
    for (const [event, payload] of [
      ['timer:act', { roomId, action: 'explode' }],
      ['timer:configure', { roomId, settings: { focusMin: 0 } }],
      ['timer:configure', { roomId, settings: { focusMin: 9999, shortBreakMin: 5, longBreakMin: 15, longBreakEvery: 4, autoAdvance: true, control: 'everyone' } }],
      ['todo:add', { roomId, text: '' }],
      ['todo:add', { roomId, text: 'x', dueAt: 'tomorrow' }],
      ['todo:move', { todoId: 1, toIndex: -1 }],
      ['goal:check', { roomId, goalId: 'x', done: true }],
      ['clock:sync', { now: 1 }],
    ] as const) {
      expect(await command(os, event, payload), `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect((await db().get('SELECT * FROM room_timers WHERE room_id = ?', roomId))).toEqual(before);
    expect((await outsider.get(`/api/rooms/${roomId}/leaderboard`)).status).toBe(403);
    xs.close();
  });

  it('survives a server restart, and catches up with phases that ended while it was down', async () => {
    await ok(command(os, 'timer:act', { roomId, action: 'reset' }));
    const started = await ok(command(os, 'timer:act', { roomId, action: 'start' }));
    os.close();
    ms.close();
    server = await server.restart();
    os = await owner.moveTo(server).socket();
    await command(os, 'room:enter', { roomId });
    const snap = await ok(command(os, 'study:enter', { roomId }));
    expect(snap.timer).toMatchObject({ phase: 'focus', status: 'running', endsAt: started.endsAt });

    // Down for 27 minutes: the 25-minute focus ended and the 5-minute break has 3 minutes left.
    os.close();
    (await db().run('UPDATE room_timers SET phase_started_at = ? WHERE room_id = ?', Date.now() - 27 * 60_000, roomId));
    server = await server.restart();
    outsider.moveTo(server);
    os = await owner.moveTo(server).socket();
    ms = await member.moveTo(server).socket();
    const later = await ok(command(os, 'study:enter', { roomId }));
    expect(later.timer).toMatchObject({ phase: 'short', status: 'running', completedFocus: 1 });
    expect(later.timer.endsAt! - Date.now()).toBeGreaterThan(2.9 * 60_000);
    expect(later.timer.endsAt! - Date.now()).toBeLessThanOrEqual(3 * 60_000);
    const lobby = (await owner.get('/api/rooms/mine')).body.rooms.find((r: { id: number }) => r.id === roomId);
    expect(lobby.timer).toMatchObject({ phase: 'short', status: 'running' });
    await command(os, 'room:enter', { roomId });
    await command(ms, 'room:enter', { roomId });
    // Two restarts: a budget that holds on a busy machine.
  }, 30_000);
});

describe('goals', () => {
  it('are stated during a focus phase, shown to the room and checked off by their owner only', async () => {
    expect(await command(ms, 'goal:set', { roomId, text: 'chapter 3' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } }); // in a break
    await ok(command(os, 'timer:act', { roomId, action: 'reset' }));
    await ok(command(os, 'timer:act', { roomId, action: 'start' }));
    const seen = nextEvent(os, 'goal:updated');
    const goal = await ok(command(ms, 'goal:set', { roomId, text: 'chapter 3' }));
    expect((await seen).goal.text).toBe('chapter 3');
    expect(await command(os, 'goal:check', { roomId, goalId: goal.id, done: true })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await ok(command(ms, 'goal:check', { roomId, goalId: goal.id, done: true }))).done).toBe(true);
    const snap = await ok(command(os, 'study:enter', { roomId }));
    expect(snap.goals).toEqual([expect.objectContaining({ userId: member.userId, text: 'chapter 3', done: true })]);
  });
});

describe('to-dos', () => {
  it('room to-dos sync live both ways: add, edit, check, assign, reorder, delete', async () => {
    const added = collect(ms, 'todo:added');
    const a = await ok(command(os, 'todo:add', { roomId, text: 'read chapter 1' }));
    const b = await ok(command(ms, 'todo:add', { roomId, text: 'solve exercises', assigneeId: owner.userId, dueAt: Date.now() + 86_400_000 }));
    const c = await ok(command(os, 'todo:add', { roomId, text: 'flashcards' }));
    await sleep(30);
    expect(added.map((f) => f.todo.text)).toEqual(['read chapter 1', 'solve exercises', 'flashcards']);
    const updated = nextEvent(os, 'todo:updated');
    await ok(command(ms, 'todo:update', { todoId: a.id, done: true }));
    expect((await updated).todo).toMatchObject({ id: a.id, done: true });
    expect((await ok(command(os, 'todo:update', { todoId: a.id, done: false }))).doneAt).toBeNull();
    await ok(command(ms, 'todo:move', { todoId: c.id, toIndex: 0 }));
    const list = await ok(command(os, 'todo:list', { roomId }));
    expect(list.map((t) => t.text)).toEqual(['flashcards', 'read chapter 1', 'solve exercises']);
    expect(await command(os, 'todo:update', { todoId: b.id, assigneeId: outsider.userId })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const deleted = nextEvent(ms, 'todo:deleted');
    await ok(command(os, 'todo:delete', { todoId: b.id }));
    expect((await deleted).todoId).toBe(b.id);
    // Outsiders cannot touch a room's to-dos even knowing the id.
    const xs = await outsider.socket();
    expect(await command(xs, 'todo:update', { todoId: a.id, text: 'pwned' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await command(xs, 'todo:delete', { todoId: a.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    xs.close();
  });

  it('personal to-dos are private and follow the user across tabs', async () => {
    const tab2 = await owner.socket();
    const mirrored = nextEvent(tab2, 'todo:personal');
    const mine = await ok(command(os, 'todo:add', { text: 'call mum' }));
    expect(mine.roomId).toBeNull();
    expect((await mirrored).todo.text).toBe('call mum');
    expect(await command(ms, 'todo:update', { todoId: mine.id, done: true })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await ok(command(ms, 'todo:list', {}))).map((t) => t.id)).not.toContain(mine.id);
    expect((await owner.get('/api/todos/mine')).body.todos.map((t: { text: string }) => t.text)).toEqual(['call mum']);
    tab2.close();
  });
});

describe('alarms and statistics', () => {
  it('fires an alarm at its time to every tab of its owner, and moves a repeating one to the next day', async () => {
    const created = await owner.post('/api/alarms', { kind: 'clock', label: 'Stretch', hour: 7, minute: 30, repeat: 'daily' });
    expect(created.status).toBe(201);
    const id = created.body.alarm.id;
    (await db().run('UPDATE alarms SET next_fire_at = ? WHERE id = ?', Date.now() + 150, id));
    server.app.alarms.arm();
    const fired = await nextEvent(os, 'alarm:fired', () => true, 3000);
    expect(fired.alarm).toMatchObject({ id, label: 'Stretch' });
    expect(fired.alarm.nextFireAt - Date.now()).toBeGreaterThan(0);
    expect(fired.alarm.nextFireAt - Date.now()).toBeLessThanOrEqual(25 * 3_600_000);
    expect((await member.get('/api/alarms')).body.alarms).toEqual([]);
    expect((await member.del(`/api/alarms/${id}`)).status).toBe(404);
    expect((await owner.del(`/api/alarms/${id}`)).status).toBe(204);
  });

  it('a countdown that came due while the server was down is marked fired at boot', async () => {
    const r = await owner.post('/api/alarms', { kind: 'countdown', label: 'Tea', minutes: 5 });
    (await db().run('UPDATE alarms SET next_fire_at = ? WHERE id = ?', Date.now() - 60_000, r.body.alarm.id));
    os.close();
    ms.close();
    server = await server.restart();
    outsider.moveTo(server);
    os = await owner.moveTo(server).socket();
    ms = await member.moveTo(server).socket();
    const alarm = (await owner.get('/api/alarms')).body.alarms.find((a: { id: number }) => a.id === r.body.alarm.id);
    expect(alarm).toMatchObject({ nextFireAt: null, label: 'Tea' });
    expect(alarm.lastFiredAt).toBeGreaterThan(Date.now() - 10_000);
  });

  it('a fire rung on one device is known to the others (issue 17 item 15); owner-only, validated', async () => {
    const r = await owner.post('/api/alarms', { kind: 'countdown', label: 'Laundry', minutes: 5 });
    const id = r.body.alarm.id;
    expect(r.body.alarm.seenAt).toBeNull();
    const firedAt = Date.now() - 30_000;
    (await db().run('UPDATE alarms SET next_fire_at = NULL, last_fired_at = ? WHERE id = ?', firedAt, id));

    // The phone rang it: the laptop's list says so.
    const rung = await owner.post(`/api/alarms/${id}/seen`, { firedAt });
    expect(rung.status).toBe(200);
    expect(rung.body.alarm).toMatchObject({ id, lastFiredAt: firedAt, seenAt: firedAt });
    const listed = (await owner.get('/api/alarms')).body.alarms.find((a: { id: number }) => a.id === id);
    expect(listed.seenAt).toBe(firedAt);
    // Only forward, never past the present.
    expect((await owner.post(`/api/alarms/${id}/seen`, { firedAt: firedAt - 5000 })).body.alarm.seenAt).toBe(firedAt);
    const future = (await owner.post(`/api/alarms/${id}/seen`, { firedAt: Date.now() + 3_600_000 })).body.alarm.seenAt;
    expect(future).toBeLessThanOrEqual(Date.now());

    // Someone else's alarm, garbage, no session.
    expect((await member.post(`/api/alarms/${id}/seen`, { firedAt })).status).toBe(404);
    expect((await outsider.post(`/api/alarms/${id}/seen`, { firedAt })).status).toBe(404);
    expect((await new Client(server.url).post(`/api/alarms/${id}/seen`, { firedAt })).status).toBe(401);
    for (const bad of [{}, { firedAt: 'yesterday' }, { firedAt: -1 }, { firedAt: 1.5 }, { firedAt: 1e20 }, { firedAt, extra: 1 }]) {
      const res = await owner.post(`/api/alarms/${id}/seen`, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION');
    }
    expect((await owner.post('/api/alarms/abc/seen', { firedAt })).status).toBe(400);
    expect((await owner.post('/api/alarms/999999/seen', { firedAt })).status).toBe(404);
    expect((await owner.del(`/api/alarms/${id}`)).status).toBe(204);
  });

  it('validates alarms', async () => {
    for (const bad of [{ kind: 'clock', hour: 25, minute: 0 }, { kind: 'countdown', minutes: -1 }, { kind: 'sundial' }, { kind: 'countdown', minutes: 1, extra: 1 }]) {
      expect((await owner.post('/api/alarms', bad)).status).toBe(400);
    }
    expect((await new Client(server.url).get('/api/alarms')).status).toBe(401);
  });

  it('reports focus minutes per day in the user’s zone, streaks, and a room leaderboard', async () => {
    await owner.patch('/api/me', { timeZone: 'Asia/Tokyo' });
    (await db().run('DELETE FROM focus_spans'));
    // Regression: run just after Tokyo midnight, "25 min today" fell on yesterday. Pin the clock
    // (Date only; timers stay real) to the latest 12:00 in Tokyo (03:00 UTC) that has passed.
    const noonTokyo = new Date();
    noonTokyo.setUTCHours(3, 0, 0, 0);
    if (noonTokyo.getTime() > Date.now()) noonTokyo.setUTCDate(noonTokyo.getUTCDate() - 1);
    vi.useFakeTimers({ toFake: ['Date'], now: noonTokyo });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const now = Date.now();
    const insert = (...args: number[]) => db().run('INSERT INTO focus_spans (user_id, room_id, started_at, ended_at) VALUES (?, ?, ?, ?)', ...args);
    await insert(owner.userId, roomId, now - 50 * 60_000, now - 25 * 60_000); // 25 min today
    await insert(owner.userId, roomId, now - 86_400_000, now - 86_400_000 + 40 * 60_000); // 40 min yesterday
    await insert(member.userId, roomId, now - 30 * 60_000, now - 20 * 60_000); // 10 min today
    const tokyoMidnight = now - 12 * 3_600_000; // 15:00 UTC the day before
    await insert(member.userId, roomId, tokyoMidnight - 15 * 60_000, tokyoMidnight + 5 * 60_000); // 15 min yesterday, 5 min today
    const stats = (await owner.get('/api/stats/me')).body;
    expect(stats).toMatchObject({ timeZone: 'Asia/Tokyo', totalMin: 65, streakDays: 2 });
    expect(stats.daily).toHaveLength(14);
    const all = (await member.get(`/api/rooms/${roomId}/leaderboard?range=all`)).body;
    expect(all.entries.map((e: { user: { username: string }; minutes: number }) => [e.user.username, e.minutes])).toEqual([
      ['owner', 65],
      ['member', 30],
    ]);
    // "Today" starts at the viewer's local midnight: a span across it counts from there (same SQL on both dialects).
    const today = (await owner.get(`/api/rooms/${roomId}/leaderboard?range=today`)).body;
    expect(today.entries.map((e: { user: { username: string }; minutes: number }) => [e.user.username, e.minutes])).toEqual([
      ['owner', 25],
      ['member', 15],
    ]);
    expect((await member.get(`/api/rooms/${roomId}/leaderboard?range=decade`)).status).toBe(400);
  });
});
