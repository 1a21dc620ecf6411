/**
 * The three statements of a chat message (insert the message, note the sender's membership, bump
 * the room's seq), in one transaction each, on SQLite, two ways (issue 18, ADR 0030):
 * - `built`: Drizzle's query builder per call, as the server did before db/hot.ts;
 * - `hot`: the server's own statements (server/chat, server/rooms/room-events.ts) through
 *   `hotStatement` (built once, values bound per call).
 * One process, no sockets: it isolates the statements' own CPU cost. CPU time (user + system) per
 * message is the figure; it moves less with the machine's load than wall time does. Rounds
 * alternate the two ways so drift in the machine hits both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { openDb, type Db } from '../db/client.js';
import { applyMigrations } from '../db/migrate.js';
import { messages, roomMembers, rooms, users } from '../db/schema/index.js';
import { transaction } from '../db/tx.js';
import { insertMessage, noteSent, type NewMessage } from '../server/chat/chat.service.js';
import { bumpSeqActive } from '../server/rooms/room-events.js';
import type { BenchReport } from './lib/report.js';

export interface ChatStatementsOptions {
  messages: number;
  rounds: number;
}

type Msg = { roomId: number; userId: number; text: string; createdAt: number };
/** The server's own message row for a plain message. */
const row = (m: Msg): NewMessage => ({ ...m, replyToId: null, mentions: '[]', clientId: null, attachments: null });

async function sendBuilt(db: Db, m: Msg): Promise<number> {
  return transaction(db, async (tx) => {
    const [inserted] = await tx.insert(messages).values(row(m)).onConflictDoNothing({ target: [messages.userId, messages.clientId] }).returning({ id: messages.id });
    await tx
      .update(roomMembers)
      .set({ lastMessageAt: m.createdAt, lastReadMessageId: inserted!.id })
      .where(and(eq(roomMembers.roomId, m.roomId), eq(roomMembers.userId, m.userId)));
    const [seq] = await tx.update(rooms).set({ seq: sql`${rooms.seq} + 1`, lastActivityAt: m.createdAt }).where(eq(rooms.id, m.roomId)).returning({ seq: rooms.seq });
    return seq!.seq;
  });
}

async function sendHot(db: Db, m: Msg): Promise<number> {
  return transaction(db, async (tx) => {
    const [inserted] = await insertMessage(tx, row(m));
    await noteSent(tx, { roomId: m.roomId, userId: m.userId, now: m.createdAt, messageId: inserted!.id });
    const [seq] = await bumpSeqActive(tx, { roomId: m.roomId, lastActivityAt: m.createdAt });
    return seq!.seq;
  });
}

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

export async function chatStatementsBench(opts: ChatStatementsOptions): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'cr-bench-stmts-'));
  try {
    const db = openDb(join(dir, 'db.sqlite'));
    applyMigrations(db);
    const now = Date.now();
    const [user] = await db.insert(users).values({ username: 'bench', usernameKey: 'bench', displayName: 'Bench', passwordHash: 'x', avatarColor: '#123456', createdAt: now }).returning({ id: users.id });
    const [room] = await db.insert(rooms).values({ name: 'Bench', code: 'BENCH1', ownerId: user!.id, createdAt: now, lastActivityAt: now }).returning({ id: rooms.id });
    await db.insert(roomMembers).values({ roomId: room!.id, userId: user!.id, role: 'owner', joinedAt: now });
    const ways = { built: sendBuilt, hot: sendHot } as const;
    const perMsg: Record<keyof typeof ways, number[]> = { built: [], hot: [] };
    const wall: Record<keyof typeof ways, number[]> = { built: [], hot: [] };
    let seq = 0;
    // Warm-up: JIT and SQLite's page cache for both ways.
    for (const send of Object.values(ways)) for (let i = 0; i < 500; i++) seq = await send(db, { roomId: room!.id, userId: user!.id, text: `warm ${i}`, createdAt: now + i });
    for (let r = 0; r < opts.rounds; r++) {
      for (const name of (r % 2 ? ['hot', 'built'] : ['built', 'hot']) as (keyof typeof ways)[]) {
        const send = ways[name];
        const c0 = cpuUs();
        const t0 = performance.now();
        for (let i = 0; i < opts.messages; i++) seq = await send(db, { roomId: room!.id, userId: user!.id, text: `bench message ${r} ${i}`, createdAt: now + i });
        wall[name].push(((performance.now() - t0) * 1000) / opts.messages);
        perMsg[name].push((cpuUs() - c0) / opts.messages);
        process.stderr.write(`[chat-statements] round ${r + 1} ${name}: ${perMsg[name].at(-1)!.toFixed(1)} µs CPU/message\n`);
      }
    }
    db.$client.close();
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const rows = (['built', 'hot'] as const).map((n) => [n, median(perMsg[n]), Math.min(...perMsg[n]), Math.max(...perMsg[n]), median(wall[n])]);
    return {
      name: 'chat-statements',
      tables: [
        {
          title: `A chat message's three statements in one SQLite transaction, ${opts.messages} messages x ${opts.rounds} rounds per way (µs per message; CPU = user + system of this process)`,
          columns: ['way', 'CPU median', 'CPU min', 'CPU max', 'wall median'],
          rows,
        },
      ],
      notes: [`hot/built CPU per message (medians): ${(median(perMsg.hot) / median(perMsg.built)).toFixed(2)}x; last seq ${seq}`],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
