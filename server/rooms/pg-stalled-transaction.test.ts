/**
 * PostgreSQL only (`npm run test:pg`): a transaction left open by a stalled process (SIGSTOP, an
 * event-loop freeze) is ended by PostgreSQL after `idle_in_transaction_session_timeout`
 * (db/client-pg.ts), so the rows it locked do not hold up everyone else for good. Here the stalled
 * process holds the room's `seq` row, which every room fact needs: the room's chat waits, then goes
 * on, and the stalled write is rolled back. On SQLite there is nothing to test (one process, one
 * connection): skipped.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb } from '../../db/client.js';
import { openPgDb } from '../../db/client-pg.js';
import { Client, command, newUsers, rawDb, roomWith, startServer, type ClientSocket, type TestServer } from '../test/harness.js';

const onPg = !!process.env.DATABASE_URL;

describe.skipIf(!onPg)('PostgreSQL: a transaction left open by a stalled process', () => {
  let server: TestServer;
  let ada: Client;
  let as: ClientSocket;
  let roomId: number;

  beforeAll(async () => {
    server = await startServer();
    [ada] = await newUsers(server, 'ada');
    roomId = (await roomWith(ada, [])).id;
    as = await ada.socket();
    await command(as, 'room:enter', { roomId });
  });
  afterAll(async () => {
    as?.close();
    await server?.dispose();
  });

  it('is ended by PostgreSQL: the row it locked is free again and its write never happened', async () => {
    const seqOf = async () => ((await rawDb(server.app.db).get('SELECT seq FROM rooms WHERE id = ?', [roomId])) as { seq: number }).seq;
    const before = await seqOf();
    // The "stalled process": a pool like the server's (a short timeout here), one transaction that
    // locks the room's seq row and then sends nothing more.
    const stalledDb = openPgDb(server.app.config.databaseUrl!, { poolSize: 1, idleInTransactionMs: 1_000 });
    const client = await (stalledDb.$client as unknown as pg.Pool).connect();
    const errors: Error[] = [];
    client.on('error', (err) => errors.push(err));
    await client.query('BEGIN');
    await client.query('UPDATE rooms SET seq = seq + 100 WHERE id = $1', [roomId]);
    try {
      // The room's chat needs that row; PostgreSQL ends the stalled session after its timeout,
      // and the message goes through (the harness gives the ack 5 s).
      const ack = await command(as, 'chat:send', { roomId, text: 'after the stall' });
      expect(ack.ok).toBe(true);
      await expect.poll(() => errors.map((e) => e.message).join(' | ')).toMatch(/idle-in-transaction timeout/);
      // The stalled +100 was rolled back: the message took the next number.
      expect(await seqOf()).toBe(before + 1);
    } finally {
      client.release(true);
      await closeDb(stalledDb);
    }
  });
});
