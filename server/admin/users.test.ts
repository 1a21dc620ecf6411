import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawDb, Client, command, newUser, newUsers, nextEvent, roomWith, startServer, type TestServer } from '../test/harness.js';

let server: TestServer;
let admin: Client;
let alice: Client;
let bob: Client;
let mod: Client;
let anon: Client;
let room: { id: number; code: string };

beforeAll(async () => {
  server = await startServer();
  // The first account is the instance admin.
  [admin] = await newUsers(server, 'root');
  [alice, bob, mod] = await newUsers(server, 'alice', 'bob', 'moddy');
  anon = new Client(server.url);
  // bob owns a room, moddy moderates it: room roles give no admin rights.
  room = await roomWith(bob, [alice, mod]);
  await bob.put(`/api/rooms/${room.id}/members/${mod.userId}/role`, { role: 'moderator' });
});
afterAll(() => server.dispose());

const db = () => rawDb(server.app.db);
const auditRows = async (action: string) =>
  (await db().all('SELECT * FROM audit_log WHERE action = ? ORDER BY id', action)) as { actor_id: number; target_user_id: number; detail: string; ip: string }[];
/** The raw users row, its boolean columns as booleans whatever the dialect (SQLite stores 0/1, PostgreSQL true/false). */
const userRow = async (id: number) => {
  const row = (await db().get('SELECT * FROM users WHERE id = ?', id)) as Record<string, unknown>;
  if (row) for (const col of ['is_admin', 'disabled', 'is_bot']) row[col] = Boolean(row[col]);
  return row;
};

/** Every admin route, with a valid request for an existing user (alice). */
const adminRoutes = () =>
  [
    ['GET', '/api/admin/users'],
    ['GET', `/api/admin/users/${alice.userId}`],
    ['PATCH', `/api/admin/users/${alice.userId}`, { isAdmin: true }],
    ['POST', `/api/admin/users/${alice.userId}/sign-out`, {}],
    ['POST', `/api/admin/users/${alice.userId}/reset-link`, {}],
    ['DELETE', `/api/admin/users/${alice.userId}`],
    ['GET', '/api/admin/rooms'],
    ['GET', `/api/admin/rooms/${room.id}`],
    ['POST', `/api/admin/rooms/${room.id}/close`, {}],
    ['POST', `/api/admin/rooms/${room.id}/reopen`, {}],
    ['POST', `/api/admin/rooms/${room.id}/transfer`, { userId: alice.userId }],
    ['DELETE', `/api/admin/rooms/${room.id}`],
    ['GET', '/api/admin/settings'],
    ['PATCH', '/api/admin/settings', { registration: 'closed' }],
    ['GET', '/api/admin/invites'],
    ['POST', '/api/admin/invites', {}],
    ['DELETE', '/api/admin/invites/1'],
  ] as const;

describe('authorisation matrix', () => {
  it('refuses every admin route to visitors (401), members, room owners and moderators (403), and changes nothing', async () => {
    const snapshot = async () => JSON.stringify([(await db().all('SELECT * FROM users ORDER BY id')), (await db().all('SELECT * FROM rooms')), (await db().get('SELECT count(*) n FROM sessions')), (await db().get('SELECT count(*) n FROM audit_log'))]);
    const before = await snapshot();
    for (const [who, client, status] of [['anonymous', anon, 401], ['member', alice, 403], ['room owner', bob, 403], ['room moderator', mod, 403]] as const) {
      for (const [method, path, body] of adminRoutes()) {
        const r = await client.req(method, path, body);
        expect(r.status, `${who} ${method} ${path}`).toBe(status);
        // Nothing but the error leaks: no user, room or settings payload.
        expect(Object.keys(r.body), `${who} ${method} ${path}`).toEqual(['error']);
      }
    }
    // Nothing changed, and no audit entry was written for a refused admin action.
    expect(await snapshot()).toBe(before);
  }, 60_000);

  it('refuses a foreign Origin on admin mutations', async () => {
    const r = await admin.req('PATCH', `/api/admin/users/${alice.userId}`, { disabled: true }, { origin: 'https://evil.example' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('ORIGIN_NOT_ALLOWED');
    expect((await userRow(alice.userId)).disabled).toBe(false);
  });

  it('validates garbage payloads, params and queries with 400 and changes nothing', async () => {
    const bad: [string, string, unknown?][] = [
      ['GET', '/api/admin/users?sort=password_hash'],
      ['GET', '/api/admin/users?filter=everyone'],
      ['GET', '/api/admin/users?page=0'],
      ['GET', '/api/admin/users?pageSize=100000'],
      ['GET', '/api/admin/users?dir=sideways'],
      ['GET', '/api/admin/users?extra=1'],
      ['GET', '/api/admin/users/abc'],
      ['GET', '/api/admin/users/-1'],
      ['PATCH', `/api/admin/users/${alice.userId}`, {}],
      ['PATCH', `/api/admin/users/${alice.userId}`, { disabled: 'yes' }],
      ['PATCH', `/api/admin/users/${alice.userId}`, { isAdmin: true, passwordHash: 'x' }],
      ['PATCH', `/api/admin/users/${alice.userId}`, '[1,2'],
      ['DELETE', `/api/admin/users/${alice.userId}?purgeMessages=maybe`],
      ['POST', '/api/auth/reset', { token: 'short', newPassword: 'long enough pass' }],
      ['POST', '/api/auth/reset/inspect', { token: 42 }],
    ];
    for (const [method, path, body] of bad) {
      const r = await admin.req(method, path, body);
      expect(r.status, `${method} ${path}`).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
    }
    expect(await userRow(alice.userId)).toMatchObject({ disabled: false, is_admin: false, deleted_at: null });
  });

  it('answers 404 for a user id that does not exist', async () => {
    expect((await admin.get('/api/admin/users/999999')).status).toBe(404);
    expect((await admin.patch('/api/admin/users/999999', { disabled: true })).status).toBe(404);
    expect((await admin.del('/api/admin/users/999999')).status).toBe(404);
  });
});

describe('users list', () => {
  it('searches username and display name (partial, case-insensitive), filters, sorts and pages', async () => {
    await alice.patch('/api/me', { displayName: 'Alice Zephyr' });
    let r = await admin.get('/api/admin/users?q=ZEPH');
    expect(r.status).toBe(200);
    expect(r.body.users.map((u: { username: string }) => u.username)).toEqual(['alice']);
    r = await admin.get('/api/admin/users?q=oDd');
    expect(r.body.users.map((u: { username: string }) => u.username)).toEqual(['moddy']);
    // LIKE wildcards are literal.
    expect((await admin.get('/api/admin/users?q=%25')).body.total).toBe(0);

    r = await admin.get('/api/admin/users?filter=admins');
    expect(r.body.users.map((u: { username: string }) => u.username)).toEqual(['root']);
    expect(r.body.users[0]).not.toHaveProperty('passwordHash');
    r = await admin.get('/api/admin/users?filter=new&sort=username&dir=asc');
    expect(r.body.users.map((u: { username: string }) => u.username)).toEqual(['alice', 'bob', 'moddy', 'root']);

    const page1 = await admin.get('/api/admin/users?sort=username&dir=asc&pageSize=5&page=1');
    expect(page1.body.total).toBe(4);
    const extra = await newUsers(server, 'zed1', 'zed2');
    const p1 = await admin.get('/api/admin/users?sort=username&dir=desc&pageSize=5&page=1');
    const p2 = await admin.get('/api/admin/users?sort=username&dir=desc&pageSize=5&page=2');
    expect(p1.body.total).toBe(6);
    expect(p1.body.users.map((u: { username: string }) => u.username)).toEqual(['zed2', 'zed1', 'root', 'moddy', 'bob']);
    expect(p2.body.users.map((u: { username: string }) => u.username)).toEqual(['alice']);
    const bySeen = await admin.get('/api/admin/users?sort=lastSeenAt&dir=desc&pageSize=100');
    expect(bySeen.body.users).toHaveLength(6);
    for (const c of extra) (await db().run('UPDATE users SET disabled = true WHERE id = ?', c.userId));
    expect((await admin.get('/api/admin/users?filter=disabled')).body.users.map((u: { username: string }) => u.username).sort()).toEqual(['zed1', 'zed2']);
    expect((await admin.get('/api/admin/users?filter=active')).body.total).toBe(4);
  });

  it('shows one user with rooms (role), sessions (last seen, IP, user agent) and recent messages', async () => {
    const s = await alice.socket();
    await command(s, 'room:enter', { roomId: room.id });
    await command(s, 'chat:send', { roomId: room.id, text: 'hello from alice' });
    s.disconnect();
    const r = await admin.get(`/api/admin/users/${alice.userId}`);
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ username: 'alice', displayName: 'Alice Zephyr', isAdmin: false, disabled: false });
    expect(r.body.rooms).toEqual([expect.objectContaining({ id: room.id, role: 'member', closed: false })]);
    expect(r.body.sessions).toHaveLength(1);
    expect(r.body.sessions[0]).toMatchObject({ ip: '127.0.0.1', current: false });
    expect(r.body.sessions[0].userAgent).toBeTypeOf('string');
    expect(r.body.sessions[0].label).toHaveLength(8);
    expect(r.body.recentMessages[0]).toMatchObject({ roomId: room.id, excerpt: 'hello from alice' });
    expect(r.body.messageCount).toBe(1);
    expect(JSON.stringify(r.body)).not.toMatch(/argon2|password/i);
  });
});

describe('admin rights and the last admin', () => {
  it('grants and revokes admin, and never removes, disables or deletes the last admin', async () => {
    // root is the only admin: refusing to demote, disable or delete them.
    const solo = await newUser(server, 'solo');
    let r = await admin.patch(`/api/admin/users/${admin.userId}`, { isAdmin: false });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('LAST_ADMIN');
    expect((await admin.patch(`/api/admin/users/${solo.userId}`, { isAdmin: true })).body.user.isAdmin).toBe(true);
    expect((await auditRows('admin.grant')).at(-1)).toMatchObject({ actor_id: admin.userId, target_user_id: solo.userId, ip: '127.0.0.1' });
    // Now solo is an admin and can act: and root may step down.
    expect((await solo.get('/api/admin/users')).status).toBe(200);
    expect((await solo.patch(`/api/admin/users/${admin.userId}`, { isAdmin: false })).body.user.isAdmin).toBe(false);
    expect((await auditRows('admin.revoke')).at(-1)).toMatchObject({ actor_id: solo.userId, target_user_id: admin.userId });
    // solo is the last admin now: refused for demotion, disabling (by anyone) and deletion.
    const r2 = await solo.patch(`/api/admin/users/${solo.userId}`, { isAdmin: false });
    expect(r2.body.error.code).toBe('LAST_ADMIN');
    // root is no longer an admin: 403 at once (the session re-reads the user each request).
    expect((await admin.get('/api/admin/users')).status).toBe(403);
    expect((await solo.patch(`/api/admin/users/${admin.userId}`, { isAdmin: true })).status).toBe(200);
    // Two admins again: a disabled admin does not count as one that keeps the instance managed.
    expect((await admin.patch(`/api/admin/users/${solo.userId}`, { disabled: true })).status).toBe(200);
    const last = await admin.patch(`/api/admin/users/${admin.userId}`, { isAdmin: false });
    expect(last.body.error.code).toBe('LAST_ADMIN');
    expect((await admin.patch(`/api/admin/users/${admin.userId}`, { disabled: true })).body.error.code).toBe('CONFLICT');
    expect((await admin.del(`/api/admin/users/${admin.userId}`)).body.error.code).toBe('CONFLICT');
    expect((await admin.patch(`/api/admin/users/${solo.userId}`, { disabled: false })).status).toBe(200);
    expect((await admin.patch(`/api/admin/users/${solo.userId}`, { isAdmin: false })).status).toBe(200);
    expect(await userRow(admin.userId)).toMatchObject({ is_admin: true, disabled: false });
  });
});

describe('disable, enable and sign-out', () => {
  it('disabling drops live sockets at once, ends sessions, refuses sign-in and reconnects; enabling lets them sign in again', async () => {
    const carol = await newUser(server, 'carol');
    const s1 = await carol.socket();
    const disconnected = new Promise<string>((resolve) => s1.once('disconnect', (reason) => resolve(reason)));
    const r = await admin.patch(`/api/admin/users/${carol.userId}`, { disabled: true });
    expect(r.status).toBe(200);
    expect(r.body.user.disabled).toBe(true);
    expect(await disconnected).toBe('io server disconnect');
    // The tab's next request and reconnect find no session (the client then shows the login page).
    expect((await carol.get('/api/me')).status).toBe(401);
    const retry = carol.rawSocket();
    const err = await new Promise<{ data?: { code: string } }>((resolve) => retry.once('connect_error', (e) => resolve(e as never)));
    retry.close();
    expect(err.data?.code).toBe('UNAUTHENTICATED');
    const login = await new Client(server.url).post('/api/auth/login', { username: 'carol', password: 'correct horse battery' });
    expect(login.status).toBe(401);
    expect((await auditRows('admin.user_disable')).at(-1)).toMatchObject({ actor_id: admin.userId, target_user_id: carol.userId });
    s1.close();

    expect((await admin.patch(`/api/admin/users/${carol.userId}`, { disabled: false })).body.user.disabled).toBe(false);
    expect((await auditRows('admin.user_enable')).at(-1)).toMatchObject({ target_user_id: carol.userId });
    const again = await new Client(server.url).post('/api/auth/login', { username: 'carol', password: 'correct horse battery' });
    expect(again.status).toBe(200);
  });

  it('signs a user out everywhere (every session, live sockets dropped) and audits it', async () => {
    const dave = await newUser(server, 'dave');
    const second = new Client(server.url);
    await second.post('/api/auth/login', { username: 'dave', password: 'correct horse battery' });
    const s = await second.socket();
    const gone = nextEvent(s, 'disconnect');
    expect((await admin.post(`/api/admin/users/${dave.userId}/sign-out`)).status).toBe(204);
    await gone;
    expect((await dave.get('/api/me')).status).toBe(401);
    expect((await second.get('/api/me')).status).toBe(401);
    expect(JSON.parse((await auditRows('auth.sign_out_everywhere')).at(-1)!.detail)).toMatchObject({ by: 'admin', endedSessions: 2 });
    s.close();
  });
});

describe('password-reset links', () => {
  it('sets a new password once, ends old sessions, and the link is spent', async () => {
    const erin = await newUser(server, 'erin');
    const r = await admin.post(`/api/admin/users/${erin.userId}/reset-link`);
    expect(r.status).toBe(200);
    expect(r.body.url).toMatch(/\/reset-password#[A-Za-z0-9_-]{43}$/);
    const token = r.body.url.split('#')[1];
    // Only a hash is stored.
    expect(JSON.stringify((await db().all('SELECT * FROM password_resets')))).not.toContain(token);
    expect((await auditRows('admin.password_reset_link')).at(-1)).toMatchObject({ target_user_id: erin.userId });
    expect((await auditRows('admin.password_reset_link')).at(-1)!.detail).not.toContain(token);

    const visitor = new Client(server.url);
    expect((await visitor.post('/api/auth/reset/inspect', { token })).body).toMatchObject({ username: 'erin' });
    expect((await visitor.post('/api/auth/reset', { token, newPassword: 'short' })).status).toBe(400);
    expect((await visitor.post('/api/auth/reset', { token, newPassword: 'a brand new passphrase' })).status).toBe(204);
    expect((await erin.get('/api/me')).status).toBe(401);
    const reused = await visitor.post('/api/auth/reset', { token, newPassword: 'another new passphrase' });
    expect(reused.status).toBe(410);
    expect(reused.body.error.code).toBe('RESET_LINK_INVALID');
    expect((await new Client(server.url).post('/api/auth/login', { username: 'erin', password: 'a brand new passphrase' })).status).toBe(200);
    expect((await new Client(server.url).post('/api/auth/login', { username: 'erin', password: 'another new passphrase' })).status).toBe(401);
  });

  it('refuses an expired link, a voided earlier link and a guessed token', async () => {
    const fay = await newUser(server, 'fay');
    const first = (await admin.post(`/api/admin/users/${fay.userId}/reset-link`)).body.url.split('#')[1];
    const second = (await admin.post(`/api/admin/users/${fay.userId}/reset-link`)).body.url.split('#')[1];
    const visitor = new Client(server.url);
    expect((await visitor.post('/api/auth/reset', { token: first, newPassword: 'first new passphrase' })).body.error.code).toBe('RESET_LINK_INVALID');
    (await db().run('UPDATE password_resets SET expires_at = ? WHERE user_id = ?', Date.now() - 1, fay.userId));
    expect((await visitor.post('/api/auth/reset', { token: second, newPassword: 'second new passphrase' })).body.error.code).toBe('RESET_LINK_INVALID');
    expect((await visitor.post('/api/auth/reset/inspect', { token: 'A'.repeat(43) })).status).toBe(410);
    expect((await new Client(server.url).post('/api/auth/login', { username: 'fay', password: 'correct horse battery' })).status).toBe(200);
  });
});

describe('deleting an account', () => {
  it('keeps their messages as "Deleted user", hands their rooms on, and frees nothing that identifies them', async () => {
    const [gus, hal] = await newUsers(server, 'gus', 'hal');
    const owned = await roomWith(gus, [hal]);
    const gs = await gus.socket();
    await command(gs, 'room:enter', { roomId: owned.id });
    await command(gs, 'chat:send', { roomId: owned.id, text: 'a message that stays' });
    const hs = await hal.socket();
    await command(hs, 'room:enter', { roomId: owned.id });
    const gone = nextEvent(gs, 'disconnect');
    const r = await admin.del(`/api/admin/users/${gus.userId}`);
    expect(r.status).toBe(204);
    await gone;
    const row = await userRow(gus.userId);
    expect(row).toMatchObject({ username: `deleted-${gus.userId}`, display_name: 'Deleted user', disabled: true, is_admin: false });
    expect(row.deleted_at).toBeTypeOf('number');
    // hal (the only other member) owns the room now.
    const enter = await command(hs, 'room:enter', { roomId: owned.id });
    expect(enter.ok && enter.data.room.ownerId).toBe(hal.userId);
    expect(enter.ok && enter.data.history.messages.map((m) => [m.author.displayName, m.text])).toEqual([['Deleted user', 'a message that stays']]);
    // Gone from lists, cannot sign in, and the username is free again.
    expect((await admin.get('/api/admin/users?q=gus')).body.total).toBe(0);
    expect((await admin.get(`/api/admin/users/${gus.userId}`)).status).toBe(404);
    expect((await new Client(server.url).post('/api/auth/login', { username: 'gus', password: 'correct horse battery' })).status).toBe(401);
    expect(JSON.parse((await auditRows('admin.user_delete')).at(-1)!.detail)).toMatchObject({ purgeMessages: false, roomsTransferred: [owned.id] });
    await newUser(server, 'gus');
    gs.close();
    hs.close();
  });

  it('purges their messages on request and deletes a room nobody else is in', async () => {
    const [ivy, jon] = await newUsers(server, 'ivy', 'jon');
    const shared = await roomWith(jon, [ivy]);
    const lonely = await roomWith(ivy, []);
    const is = await ivy.socket();
    await command(is, 'room:enter', { roomId: shared.id });
    await command(is, 'chat:send', { roomId: shared.id, text: 'purge me' });
    const js = await jon.socket();
    await command(js, 'room:enter', { roomId: shared.id });
    const purged = nextEvent(js, 'chat:purged');
    expect((await admin.del(`/api/admin/users/${ivy.userId}?purgeMessages=true`)).status).toBe(204);
    expect((await purged).userId).toBe(ivy.userId);
    const h = await command(js, 'chat:history', { roomId: shared.id });
    expect(h.ok && h.data.messages.every((m) => m.deleted && m.text === '')).toBe(true);
    expect((await db().get('SELECT id FROM rooms WHERE id = ?', lonely.id))).toBeUndefined();
    expect(JSON.parse((await auditRows('admin.user_delete')).at(-1)!.detail)).toMatchObject({ purgeMessages: true, purged: 1, roomsDeleted: [lonely.id] });
    is.close();
    js.close();
  });
});

describe('bots in the users list', () => {
  it('marks a room integration\'s author as a bot and lists bots under their own filter', async () => {
    const made = await bob.post(`/api/rooms/${room.id}/integrations/tokens`, { name: 'CI bot', scopes: ['messages:write'] });
    expect(made.status).toBe(201);
    const bots = await admin.get('/api/admin/users?filter=bots');
    expect(bots.status).toBe(200);
    expect(bots.body.users.map((u: { displayName: string; isBot: boolean }) => [u.displayName, u.isBot])).toEqual([['CI bot', true]]);
    const people = await admin.get('/api/admin/users?filter=admins');
    expect(people.body.users.every((u: { isBot: boolean }) => !u.isBot)).toBe(true);
    // Outsiders still get nothing.
    expect((await alice.get('/api/admin/users?filter=bots')).status).toBe(403);
  });
});
