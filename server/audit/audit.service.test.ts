import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc } from 'drizzle-orm';
import { auditLog } from '../../db/schema/index.js';
import { startServer, type TestServer } from '../test/harness.js';

describe('AuditService', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.dispose());

  it('appends an entry with actor, target, room, ip and detail', async () => {
    const { app } = server;
    await app.audit.record({ action: 'room.kick', actor: { id: 1, username: 'ann' }, target: { id: 2, username: 'bob' }, roomId: 7, ip: '127.0.0.1', detail: { reason: 'spam' } });
    const [row] = await app.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(row).toMatchObject({ action: 'room.kick', actorId: 1, actorName: 'ann', targetUserId: 2, targetName: 'bob', roomId: 7, ip: '127.0.0.1', detail: '{"reason":"spam"}' });
    expect(row!.at).toBeGreaterThan(0);
  });

  it('records system events without an actor', async () => {
    await server.app.audit.record({ action: 'auth.sign_in_failed', actor: null, ip: '10.0.0.1', detail: { username: 'ghost' } });
    const [row] = await server.app.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(row).toMatchObject({ action: 'auth.sign_in_failed', actorId: null, targetUserId: null, roomId: null, ip: '10.0.0.1' });
  });
});
