import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, openDb, type Db } from '../../db/client.js';
import { openPgDb } from '../../db/client-pg.js';
import { rawDb, Client, newUsers, startServer, type TestServer } from '../test/harness.js';
import { runAdminCommand } from './cli.js';

let server: TestServer;
let root: Client;
let bob: Client;
/** A second connection to the running server's database (its SQLite file, or its PostgreSQL database), as the CLI process has. */
let db: Db;

beforeAll(async () => {
  server = await startServer();
  [root] = await newUsers(server, 'root');
  [bob] = await newUsers(server, 'bob');
  const url = server.app.config.databaseUrl;
  db = url ? openPgDb(url, { poolSize: 1 }) : openDb(`${server.dataDir}/commonroom.sqlite`);
});
afterAll(async () => {
  await closeDb(db);
  await server.dispose();
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdminCommand(argv, { db, publicBase: server.url, out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out, err };
}

describe('npm run admin', () => {
  it('lists admins, makes and removes an admin on the live server, and never removes the last one', async () => {
    expect(await run('list-admins')).toMatchObject({ code: 0, out: ['root'] });
    expect((await bob.get('/api/admin/users')).status).toBe(403);
    expect(await run('make-admin', 'BOB')).toMatchObject({ code: 0, out: ['bob is an admin.'] });
    // The running server sees it at once.
    expect((await bob.get('/api/admin/users')).status).toBe(200);
    expect((await run('list-admins')).out).toEqual(['root', 'bob']);
    expect((await run('remove-admin', 'root')).code).toBe(0);
    const last = await run('remove-admin', 'bob');
    expect(last.code).toBe(1);
    expect(last.err[0]).toMatch(/^LAST_ADMIN/);
    expect((await run('make-admin', 'root')).code).toBe(0);
    const audit = (await rawDb(server.app.db).all("SELECT action, actor_id, target_name, detail FROM audit_log WHERE detail LIKE '%cli%' ORDER BY id"));
    expect(audit).toEqual([
      { action: 'admin.grant', actor_id: null, target_name: 'bob', detail: '{"via":"cli"}' },
      { action: 'admin.revoke', actor_id: null, target_name: 'root', detail: '{"via":"cli"}' },
      { action: 'admin.grant', actor_id: null, target_name: 'root', detail: '{"via":"cli"}' },
    ]);
  });

  it('refuses unknown users, commands and extra arguments', async () => {
    expect(await run('make-admin', 'nobody')).toMatchObject({ code: 1, err: ['NOT_FOUND: No user named "nobody".'] });
    expect(await run('make-admin')).toMatchObject({ code: 1 });
    expect(await run('make-admin', 'bob', 'extra')).toMatchObject({ code: 1 });
    expect((await run('drop-tables')).code).toBe(2);
    expect((await run()).code).toBe(2);
  });

  it('re-enables a disabled admin (the way back in for a locked-out operator)', async () => {
    await rawDb(db).run("UPDATE users SET disabled = true WHERE username = 'bob'");
    expect(await run('enable', 'bob')).toMatchObject({ code: 0, out: ['bob is enabled.'] });
    expect((await new Client(server.url).post('/api/auth/login', { username: 'bob', password: 'correct horse battery' })).status).toBe(200);
  });

  it('prints a reset link from the real command line that works on the running server', async () => {
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'server/admin/cli.ts', 'reset-password', 'root'], {
      env: { ...process.env, DATABASE_URL: server.app.config.databaseUrl ?? '', DATA_DIR: server.dataDir, PUBLIC_URL: server.url, LOG_LEVEL: 'silent' },
      timeout: 60_000,
    });
    const url = stdout.trim().split('\n').at(-1)!;
    expect(url).toMatch(new RegExp(`^${server.url}/reset-password#[A-Za-z0-9_-]{43}$`));
    const token = url.split('#')[1];
    const visitor = new Client(server.url);
    expect((await visitor.post('/api/auth/reset', { token, newPassword: 'set from the cli link' })).status).toBe(204);
    expect((await root.get('/api/me')).status).toBe(401);
    expect((await visitor.post('/api/auth/login', { username: 'root', password: 'set from the cli link' })).status).toBe(200);
  }, 90_000);
});
