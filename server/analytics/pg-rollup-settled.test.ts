/**
 * PostgreSQL only (`npm run test:pg`): the rollup's high-water marks never pass a row that is
 * still being inserted. Ids come from a sequence when the row is inserted, not when it commits, so
 * an insert in flight can hold a lower id than a row committed after it; a run that read the higher
 * row and moved its mark past both would never count the slower one (ADR 0026). On SQLite one
 * writer makes ids visible in order: skipped.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb } from '../../db/client.js';
import { openPgDb } from '../../db/client-pg.js';
import { RollupJob, SETTLE_LOCK_MS } from './rollup.js';
import { newUsers, rawDb, roomWith, startServer, type TestServer } from '../test/harness.js';

const onPg = !!process.env.DATABASE_URL;

describe.skipIf(!onPg)('PostgreSQL: the rollup and inserts still in flight', () => {
  let server: TestServer;
  let job: RollupJob;
  let roomId: number;
  let userId: number;
  let writerDb: ReturnType<typeof openPgDb>;
  let writer: pg.PoolClient;
  const insert = 'INSERT INTO messages (room_id, user_id, text, created_at) VALUES ($1, $2, $3, $4) RETURNING id';
  const counted = async () => Number(((await rawDb(server.app.db).get('SELECT coalesce(sum(messages), 0) AS n FROM analytics_daily')) as { n: number | string }).n);

  beforeAll(async () => {
    server = await startServer();
    const [ann] = await newUsers(server, 'ann');
    userId = ann.userId;
    roomId = (await roomWith(ann, [])).id;
    job = new RollupJob(server.app.db, 'UTC');
    await job.run();
    // Another process's connection, as a second node's would be.
    writerDb = openPgDb(server.app.config.databaseUrl!, { poolSize: 2 });
    writer = await (writerDb.$client as unknown as pg.Pool).connect();
  });
  afterAll(async () => {
    writer?.release(true);
    if (writerDb) await closeDb(writerDb);
    await server?.dispose();
  });

  it('a row with a lower id that commits after a higher one is still counted', async () => {
    const before = await counted();
    // The slow insert takes its id first and stays uncommitted...
    await writer.query('BEGIN');
    const slow = (await writer.query(insert, [roomId, userId, 'slow', Date.now()])).rows[0].id as number;
    // ...a quick one takes the next id and commits.
    await rawDb(server.app.db).run('INSERT INTO messages (room_id, user_id, text, created_at) VALUES (?, ?, ?, ?)', roomId, userId, 'quick', Date.now());
    const quick = ((await rawDb(server.app.db).get('SELECT max(id) AS id FROM messages')) as { id: number }).id;
    expect(quick).toBeGreaterThan(slow);

    // A run now cannot know the slow row: its mark must stay below it (it waits SETTLE_LOCK_MS
    // for the insert, then leaves the append-only marks for the next run).
    const during = await job.run();
    expect(during.newRows).toBe(0);
    expect(await counted()).toBe(before);
    const mark = Number(((await rawDb(server.app.db).get("SELECT value FROM analytics_state WHERE key = 'messages.id'")) as { value: string } | undefined)?.value ?? 0);
    expect(mark).toBeLessThan(slow);

    await writer.query('COMMIT');
    const after = await job.run();
    expect(after.newRows).toBe(2);
    expect(await counted()).toBe(before + 2);
  });

  it('a run that meets an insert about to commit waits for it and counts both', async () => {
    const before = await counted();
    await writer.query('BEGIN');
    await writer.query(insert, [roomId, userId, 'slow', Date.now()]);
    await rawDb(server.app.db).run('INSERT INTO messages (room_id, user_id, text, created_at) VALUES (?, ?, ?, ?)', roomId, userId, 'quick', Date.now());
    // The run's lock request waits for the open insert; commit it well within SETTLE_LOCK_MS of
    // the request being queued (seen in pg_locks), so the run goes on and sees both rows.
    const run = job.run();
    await expect
      .poll(async () => Number(((await rawDb(server.app.db).get("SELECT count(*) AS n FROM pg_locks WHERE NOT granted AND mode = 'ShareLock'")) as { n: number | string }).n), { timeout: SETTLE_LOCK_MS * 20, interval: 5 })
      .toBeGreaterThan(0)
      .catch(() => undefined);
    await writer.query('COMMIT');
    const r = await run;
    // Either the run waited and counted both now, or the commit landed after its lock timeout (a
    // very slow machine) and the next run counts them: never one without the other, never twice.
    const total = r.newRows === 2 ? await counted() : (await job.run(), await counted());
    expect(total).toBe(before + 2);
    expect((await job.run()).newRows).toBe(0);
    expect(await counted()).toBe(before + 2);
  });
});
