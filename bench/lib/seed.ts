/**
 * Fast set-up for large runs: users, sessions, rooms and memberships written straight into a fresh
 * data directory through our own services and schema (one argon2 hash shared by every user, instead
 * of one per HTTP registration: 10,000 registrations take many minutes of argon2 on 2 cores).
 * Rooms are created by RoomsService.create (code, owner membership); the other members are rows
 * like the ones join() writes. The measured server then starts afresh on the same data.
 */
import { randomBytes } from 'node:crypto';
import { roomMembers, sessions, users } from '../../db/schema/index.js';
import { transaction } from '../../db/tx.js';
import { createRoomSchema } from '../../protocol/rooms.js';
import { hashSecret } from '../../server/auth/password.js';
import { oursEnv } from './ours-setup.js';

const SESSION_COOKIE = 'cr_session';
const CHUNK = 500;
const SESSION_TTL_MS = 7 * 24 * 3_600_000;

/** Returns each user's cookie and room id, by index, like registerUsers + createRooms. */
export async function seedOurs(dataDir: string, count: number, roomSize: number): Promise<{ cookies: string[]; roomIds: number[] }> {
  const [{ buildApp }, { loadConfig }] = await Promise.all([import('../../server/app.js'), import('../../server/config.js')]);
  const app = await buildApp(loadConfig({ ...process.env, ...oursEnv(dataDir) }, { host: '127.0.0.1', port: 0 }));
  try {
    const passwordHash = await hashSecret('bench-password-1234');
    const now = Date.now();
    const ids: number[] = [];
    const cookies: string[] = [];
    for (let from = 0; from < count; from += CHUNK) {
      const batch = Array.from({ length: Math.min(CHUNK, count - from) }, (_, k) => from + k);
      await transaction(app.db, async (tx) => {
        const rows = await tx
          .insert(users)
          .values(batch.map((i) => ({ username: `bench_u${i}`, usernameKey: `bench_u${i}`, passwordHash, displayName: `bench_u${i}`, avatarColor: '#4f7cac', isAdmin: i === 0, createdAt: now, lastSeenAt: now })))
          .returning({ id: users.id });
        const tokens = rows.map(() => randomBytes(32).toString('base64url'));
        await tx.insert(sessions).values(rows.map((r, k) => ({ id: app.auth.sessionIdFor(tokens[k]!), userId: r.id, createdAt: now, lastSeenAt: now, expiresAt: now + SESSION_TTL_MS, ip: '127.0.0.1', userAgent: 'bench' })));
        for (const [k, r] of rows.entries()) {
          ids.push(r.id);
          cookies.push(`${SESSION_COOKIE}=${tokens[k]}`);
        }
      });
    }
    const roomIds: number[] = [];
    for (let first = 0; first < count; first += roomSize) {
      const room = await app.rooms.create(ids[first]!, createRoomSchema.parse({ name: `Bench room ${first / roomSize}` }));
      const members = ids.slice(first + 1, first + roomSize);
      if (members.length) await app.db.insert(roomMembers).values(members.map((userId) => ({ roomId: room.id, userId, role: 'member' as const, joinedAt: now, lastReadMessageId: 0 })));
      for (let k = first; k < Math.min(first + roomSize, count); k++) roomIds.push(room.id);
    }
    return { cookies, roomIds };
  } finally {
    await app.close();
  }
}
