import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawDb, Client, newUsers, nextEvent, startServer, type TestServer } from '../test/harness.js';

let server: TestServer;
let admin: Client;
let member: Client;

beforeAll(async () => {
  server = await startServer();
  [admin] = await newUsers(server, 'root');
  [member] = await newUsers(server, 'member');
});
afterAll(() => server.dispose());

const db = () => rawDb(server.app.db);
const register = (username: string, inviteCode?: string) =>
  new Client(server.url).post('/api/auth/register', { username, password: 'correct horse battery', ...(inviteCode !== undefined ? { inviteCode } : {}) });
const audits = async () => (await db().all("SELECT actor_id, detail FROM audit_log WHERE action = 'admin.settings_change' ORDER BY id")) as { actor_id: number; detail: string }[];

describe('registration modes', () => {
  it('the first account can always register on an empty instance, even when closed', async () => {
    const fresh = await startServer();
    try {
      await fresh.app.instance.update({ registration: 'closed' }, 0);
      const info = await new Client(fresh.url).get('/api/instance');
      expect(info.body).toMatchObject({ registration: 'closed', firstUser: true });
      const first = await new Client(fresh.url).post('/api/auth/register', { username: 'founder', password: 'correct horse battery' });
      expect(first.status).toBe(201);
      expect(first.body.user.isAdmin).toBe(true);
      const second = await new Client(fresh.url).post('/api/auth/register', { username: 'second', password: 'correct horse battery' });
      expect(second.status).toBe(403);
      expect(second.body.error.code).toBe('REGISTRATION_CLOSED');
    } finally {
      await fresh.dispose();
    }
  });

  it('closed refuses with a clear code; open lets anyone in; changes are audited', async () => {
    expect((await new Client(server.url).get('/api/instance')).body).toMatchObject({ registration: 'open', firstUser: false, announcement: null });
    const r = await admin.patch('/api/admin/settings', { registration: 'closed' });
    expect(r.status).toBe(200);
    expect(r.body.settings.registration).toBe('closed');
    const refused = await register('latecomer');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('REGISTRATION_CLOSED');
    expect((await db().get("SELECT id FROM users WHERE username = 'latecomer'"))).toBeUndefined();
    expect((await audits()).at(-1)).toMatchObject({ actor_id: admin.userId });
    expect(JSON.parse((await audits()).at(-1)!.detail)).toMatchObject({ changed: ['registration'], registration: 'closed' });
    await admin.patch('/api/admin/settings', { registration: 'open' });
    expect((await register('latecomer')).status).toBe(201);
  });

  it('invite-only needs a live code: counts uses, honours max uses, expiry and revocation', async () => {
    await admin.patch('/api/admin/settings', { registration: 'invite' });
    expect((await new Client(server.url).get('/api/instance')).body.registration).toBe('invite');
    expect((await register('nocode')).body.error.code).toBe('INVITE_REQUIRED');
    expect((await register('badcode', 'WRONG-CODE-1234')).body.error.code).toBe('INVALID_INVITE');

    const made = await admin.post('/api/admin/invites', { note: 'study group', maxUses: 2 });
    expect(made.status).toBe(201);
    expect(made.body.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const code: string = made.body.code;
    // Only a hash and a hint are stored.
    expect(JSON.stringify((await db().all('SELECT * FROM invite_codes')))).not.toContain(code.replace(/-/g, ''));
    // Typed in lower case and without dashes works too.
    expect((await register('invited1', code.toLowerCase().replace(/-/g, ''))).status).toBe(201);
    expect((await register('invited2', code)).status).toBe(201);
    expect((await register('invited3', code)).body.error.code).toBe('INVALID_INVITE');
    const list = await admin.get('/api/admin/invites');
    expect(list.body.invites[0]).toMatchObject({ note: 'study group', uses: 2, maxUses: 2, revoked: false, hint: code.slice(0, 4), createdBy: 'root' });
    expect(JSON.stringify(list.body)).not.toContain(code);

    const expiring = (await admin.post('/api/admin/invites', { expiresInHours: 1 })).body;
    (await db().run('UPDATE invite_codes SET expires_at = ? WHERE id = ?', Date.now() - 1, expiring.invite.id));
    expect((await register('late1', expiring.code)).body.error.code).toBe('INVALID_INVITE');

    const revoked = (await admin.post('/api/admin/invites', {})).body;
    expect((await admin.del(`/api/admin/invites/${revoked.invite.id}`)).body.invite.revoked).toBe(true);
    expect((await register('late2', revoked.code)).body.error.code).toBe('INVALID_INVITE');
    expect((await admin.del('/api/admin/invites/99999')).status).toBe(404);
    const actions = (await audits()).map((a) => JSON.parse(a.detail).invite).filter(Boolean);
    expect(actions).toEqual(['create', 'create', 'create', 'revoke']);
    await admin.patch('/api/admin/settings', { registration: 'open' });
  });

  it('refuses garbage settings and invites and changes nothing', async () => {
    const before = JSON.stringify((await db().all('SELECT * FROM instance_settings')));
    for (const bad of [{}, { registration: 'sometimes' }, { announcement: { text: 'x' } }, { announcement: { text: 'x', startsAt: 10, endsAt: 5 } }, { announcement: { text: 'x'.repeat(501), startsAt: null, endsAt: null } }, { registration: 'open', extra: 1 }]) {
      const r = await admin.patch('/api/admin/settings', bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
    }
    for (const bad of [{ maxUses: 0 }, { expiresInHours: -1 }, { note: 5 }, { code: 'CHOSEN' }]) {
      expect((await admin.post('/api/admin/invites', bad)).status).toBe(400);
    }
    expect((await admin.del('/api/admin/invites/abc')).status).toBe(400);
    expect(JSON.stringify((await db().all('SELECT * FROM instance_settings')))).toBe(before);
    expect((await register('garbage', 'x'.repeat(65))).status).toBe(400);
  });
});

describe('announcement banner', () => {
  it('is pushed live to every connected user, public while current, and gone when cleared', async () => {
    const s1 = await member.socket();
    const s2 = await admin.socket();
    const got1 = nextEvent(s1, 'instance:announcement');
    const got2 = nextEvent(s2, 'instance:announcement');
    const startsAt = Date.now() - 1000;
    const endsAt = Date.now() + 3_600_000;
    const r = await admin.patch('/api/admin/settings', { announcement: { text: 'Maintenance tonight at 22:00', startsAt, endsAt } });
    expect(r.status).toBe(200);
    const fact = await got1;
    expect(fact.announcement).toMatchObject({ text: 'Maintenance tonight at 22:00', startsAt, endsAt });
    expect((await got2).announcement.version).toBe(fact.announcement.version);
    expect((await new Client(server.url).get('/api/instance')).body.announcement).toMatchObject({ text: 'Maintenance tonight at 22:00', version: fact.announcement.version });

    // An announcement that is over is not served.
    (await db().run('UPDATE instance_settings SET announcement_ends_at = ?', Date.now() - 1));
    server.app.instance['cached'] = null;
    expect((await new Client(server.url).get('/api/instance')).body.announcement).toBeNull();

    const cleared = nextEvent(s1, 'instance:announcement');
    await admin.patch('/api/admin/settings', { announcement: { text: '', startsAt: null, endsAt: null } });
    expect((await cleared).announcement).toBeNull();
    s1.close();
    s2.close();
  });
});
