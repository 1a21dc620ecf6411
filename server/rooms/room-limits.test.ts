/** Issue 17 #6: no per-user limit on creating rooms. ROOMS_PER_HOUR and ROOMS_OWNED_MAX cap it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawDb, newUsers, startServer, type Client, type TestServer } from '../test/harness.js';

let server: TestServer;
let ada: Client;
let bob: Client;
beforeAll(async () => {
  server = await startServer({ config: { roomLimits: { perHour: 3, ownedMax: 4 } } });
  [ada, bob] = await newUsers(server, 'ada', 'bob');
});
afterAll(() => server.dispose());

const backdate = async (roomId: number, ms: number) =>
  (await rawDb(server.app.db).run('UPDATE rooms SET created_at = created_at - ? WHERE id = ?', ms, roomId));

describe('per-user room creation limits (issue 17 #6)', () => {
  const ids: number[] = [];

  it('allows ROOMS_PER_HOUR rooms in an hour, then answers 429 with a retry-after; others are unaffected', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await ada.post('/api/rooms', { name: `Room ${i}` });
      expect(r.status).toBe(201);
      ids.push(r.body.room.id);
    }
    const refused = await ada.post('/api/rooms', { name: 'One too many' });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    expect(refused.body.error.retryAfter).toBeGreaterThan(3000);
    expect(refused.headers.get('retry-after')).toBe(String(refused.body.error.retryAfter));
    expect((await bob.post('/api/rooms', { name: 'Bob room' })).status).toBe(201);
  });

  it('lets rooms older than an hour stop counting', async () => {
    await backdate(ids[0]!, 3_600_001);
    const r = await ada.post('/api/rooms', { name: 'Next hour' });
    expect(r.status).toBe(201);
    ids.push(r.body.room.id);
  });

  it('caps how many rooms one user owns at once; deleting one frees a place', async () => {
    for (const id of ids) await backdate(id, 3_600_001);
    const refused = await ada.post('/api/rooms', { name: 'Fifth' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CONFLICT');
    expect((await ada.del(`/api/rooms/${ids[0]}`)).status).toBe(204);
    expect((await ada.post('/api/rooms', { name: 'Fifth' })).status).toBe(201);
  });
});
