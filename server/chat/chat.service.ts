import { and, asc, countDistinct, desc, eq, gt, inArray, isNull, lt, lte } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { hotStatement } from '../../db/hot.js';
import { first, one } from '../../db/query.js';
import { affectedRows, transaction } from '../../db/tx.js';
import { messageReactions, messages, roomMembers, rooms, users } from '../../db/schema/index.js';
import type { PublicUser } from '../../protocol/users.js';
import { EDIT_WINDOW_MS, extractMentionNames, type HistoryPage, type Message, type Reaction } from '../../protocol/chat.js';
import { toPublicUser } from '../auth/auth.service.js';
import { AppError } from '../plugins/errors.js';
import { RateLimiter, perWindow } from '../plugins/rate-limit.js';
import { atLeast } from '../rooms/room-channels.js';
import type { RoomEvents } from '../rooms/room-events.js';
import type { MemberRow } from '../rooms/rooms.service.js';

type MessageRow = typeof messages.$inferSelect;
type UserRow = typeof users.$inferSelect;

/**
 * What a message needs on every send, from caches owned by other slices (rooms: slow mode and the
 * sender's membership row; auth: public user cards). Without them the service reads the database.
 */
export interface ChatCaches {
  slowModeOf(roomId: number): Promise<number>;
  /** The membership's last-message / last-read columns were just written. */
  noteMember(roomId: number, userId: number, patch: Partial<Pick<MemberRow, 'lastMessageAt' | 'lastReadMessageId'>>): void;
  publicUser(userId: number): Promise<PublicUser>;
}

export interface ChatNotifier {
  mentioned(userIds: number[], roomId: number, message: Message): void | Promise<void>;
  activity(roomId: number, lastMessageId: number, authorId: number): void | Promise<void>;
}

export type NewMessage = Pick<typeof messages.$inferInsert, 'roomId' | 'userId' | 'text' | 'createdAt'> & { replyToId: number | null; mentions: string; clientId: string | null; attachments: string | null };

/** A message's row; a second one with the same (user, clientId) is a retry: nothing inserted, no row returned. Built once (db/hot.ts). */
export const insertMessage = hotStatement((db, v: NewMessage) =>
  db
    .insert(messages)
    .values({ roomId: v.roomId, userId: v.userId, text: v.text, replyToId: v.replyToId, mentions: v.mentions, createdAt: v.createdAt, clientId: v.clientId, attachments: v.attachments })
    .onConflictDoNothing({ target: [messages.userId, messages.clientId] })
    .returning({ id: messages.id }),
);

/** The sender's membership: when they last wrote, and they have read up to their own message. */
export const noteSent = hotStatement(
  (db, v: { roomId: number; userId: number; now: number; messageId: number }) =>
    db
      .update(roomMembers)
      .set({ lastMessageAt: v.now, lastReadMessageId: v.messageId })
      .where(and(eq(roomMembers.roomId, v.roomId), eq(roomMembers.userId, v.userId))),
  'run',
);

/** Pure: seconds a member must still wait under slow mode, 0 when they may post. */
export function slowModeWait(lastMessageAt: number | null, slowModeSeconds: number, now: number): number {
  if (!slowModeSeconds || lastMessageAt === null) return 0;
  const wait = lastMessageAt + slowModeSeconds * 1000 - now;
  return wait > 0 ? Math.ceil(wait / 1000) : 0;
}

/** Pure: a one-line excerpt for reply previews. */
export function excerpt(text: string, max = 120): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export class ChatService {
  private readonly rate: RateLimiter;

  constructor(
    private readonly db: Db,
    private readonly events: RoomEvents,
    private readonly notify: ChatNotifier,
    chatRatePer10s: number,
    private readonly caches: ChatCaches = {
      slowModeOf: async (roomId) => (await one(db.select({ slow: rooms.slowModeSeconds }).from(rooms).where(eq(rooms.id, roomId)).limit(1))).slow,
      noteMember: () => {},
      publicUser: async (userId) => toPublicUser(await one(db.select().from(users).where(eq(users.id, userId)).limit(1))),
    },
  ) {
    this.rate = new RateLimiter(perWindow(chatRatePer10s, 10_000));
  }

  /**
   * Persists a message and broadcasts it. Returns only after the row is written, so an
   * acknowledged message survives a crash. Slow mode and the per-user rate apply; callers have
   * already refused a muted member (`requireMember(..., { speaks: true })`).
   *
   * `clientId` makes it idempotent across restarts: a retry finds the message sent with that key
   * (the unique index refuses a second row) and gets it back without a second broadcast. The
   * lookup runs only on a retry or a refusal, never on the normal path.
   */
  async send(member: MemberRow, text: string, replyToId?: number, clientId?: string, attachments?: number[]): Promise<Message> {
    const { roomId, userId } = member;
    const now = Date.now();
    try {
      if (!atLeast(member.role, 'moderator')) {
        const wait = slowModeWait(member.lastMessageAt, await this.caches.slowModeOf(roomId), now);
        if (wait > 0) throw new AppError('SLOW_MODE', `Slow mode is on: wait ${wait}s.`, wait);
      }
      this.rate.enforce(`u${userId}`, 'You are sending messages too fast.');
    } catch (err) {
      // The retry of a message that did go through is not a new message: slow mode does not apply.
      const earlier = clientId === undefined ? undefined : await this.sentWith(member, clientId);
      if (earlier) return earlier;
      throw err;
    }
    let replyTo: Message['replyTo'] = null;
    if (replyToId !== undefined) {
      const target = await first(
        this.db
          .select({ id: messages.id, userId: messages.userId, text: messages.text, deletedAt: messages.deletedAt })
          .from(messages)
          .where(and(eq(messages.id, replyToId), eq(messages.roomId, roomId)))
          .limit(1),
      );
      if (!target) throw new AppError('NOT_FOUND', 'The message you reply to is not in this room.');
      const deleted = target.deletedAt !== null;
      replyTo = { id: target.id, authorName: (await this.caches.publicUser(target.userId)).displayName, excerpt: deleted ? '' : excerpt(target.text), deleted };
    }
    const mentions = await this.resolveMentions(roomId, text);
    const author = await this.caches.publicUser(userId);
    // Insert, member row, room's activity and seq: one transaction, shared with the other messages of
    // this event-loop turn (group commit), numbered and broadcast after the commit (ADR 0030).
    const out = await this.events.persist(roomId, 'chat:message', async (tx) => {
      const [inserted] = await insertMessage(tx, { roomId, userId, text, replyToId: replyToId ?? null, mentions: JSON.stringify(mentions), createdAt: now, clientId: clientId ?? null, attachments: attachments?.length ? JSON.stringify(attachments) : null });
      if (!inserted) return undefined;
      await noteSent(tx, { roomId, userId, now, messageId: inserted.id });
      // A new message has no reactions yet.
      const message: Message = { id: inserted.id, roomId, author, text, replyTo, reactions: [], mentions, createdAt: now, editedAt: null, deleted: false, ...(attachments?.length ? { attachments } : {}) };
      return { fact: { message }, value: message, room: { lastActivityAt: now } };
    });
    if (!out) return (await this.sentWith(member, clientId!))!;
    const message = out.value;
    this.caches.noteMember(roomId, userId, { lastMessageAt: now, lastReadMessageId: message.id });
    await this.notify.activity(roomId, message.id, userId);
    const others = mentions.filter((id) => id !== userId);
    if (others.length) await this.notify.mentioned(others, roomId, message);
    return message;
  }

  /** The caller's message sent with `clientId`, as it is now; CONFLICT if the key was used in another room. */
  private async sentWith(member: MemberRow, clientId: string): Promise<Message | undefined> {
    const row = await first(this.db.select().from(messages).where(and(eq(messages.userId, member.userId), eq(messages.clientId, clientId))).limit(1));
    if (!row) return undefined;
    if (row.roomId !== member.roomId) throw new AppError('CONFLICT', 'That client id was already used for another message.');
    return (await this.toDtos([row]))[0];
  }

  private async resolveMentions(roomId: number, text: string): Promise<number[]> {
    const names = extractMentionNames(text);
    if (!names.length) return [];
    const rows = await this.db
      .select({ id: users.id })
      .from(users)
      .innerJoin(roomMembers, and(eq(roomMembers.userId, users.id), eq(roomMembers.roomId, roomId)))
      .where(inArray(users.usernameKey, names));
    return rows.map((r) => r.id);
  }

  private async requireMessage(roomId: number, messageId: number): Promise<MessageRow> {
    const row = await first(this.db.select().from(messages).where(and(eq(messages.id, messageId), eq(messages.roomId, roomId))).limit(1));
    if (!row || row.deletedAt) throw new AppError('NOT_FOUND', 'No such message.');
    return row;
  }

  async edit(member: MemberRow, messageId: number, text: string): Promise<Message> {
    const row = await this.requireMessage(member.roomId, messageId);
    if (row.userId !== member.userId) throw new AppError('FORBIDDEN', 'You can only edit your own messages.');
    if (Date.now() - row.createdAt > EDIT_WINDOW_MS) throw new AppError('EDIT_WINDOW_PASSED', 'Messages can only be edited for 15 minutes.');
    const mentions = await this.resolveMentions(member.roomId, text);
    const updated = await one(
      this.db
        .update(messages)
        .set({ text, editedAt: Date.now(), mentions: JSON.stringify(mentions) })
        .where(eq(messages.id, messageId))
        .returning(),
    );
    const message = (await this.toDtos([updated]))[0]!;
    await this.events.broadcast(member.roomId, 'chat:edited', { message });
    return message;
  }

  /** Authors delete their own messages; moderators and the owner delete any. */
  async delete(member: MemberRow, messageId: number): Promise<void> {
    const row = await this.requireMessage(member.roomId, messageId);
    if (row.userId !== member.userId && !atLeast(member.role, 'moderator')) {
      throw new AppError('FORBIDDEN', 'You can only delete your own messages.');
    }
    const updated = await one(this.db.update(messages).set({ deletedAt: Date.now(), text: '' }).where(eq(messages.id, messageId)).returning());
    await this.db.delete(messageReactions).where(eq(messageReactions.messageId, messageId));
    await this.events.broadcast(member.roomId, 'chat:deleted', { messageId, message: (await this.toDtos([updated]))[0]! });
  }

  /** Toggles the caller's reaction; returns the message's reactions after the change. */
  async react(member: MemberRow, messageId: number, emoji: string): Promise<Reaction[]> {
    await this.requireMessage(member.roomId, messageId);
    const key = and(eq(messageReactions.messageId, messageId), eq(messageReactions.userId, member.userId), eq(messageReactions.emoji, emoji));
    const removed = affectedRows(await this.db.delete(messageReactions).where(key));
    if (!removed) {
      const { n: distinct } = await one(this.db.select({ n: countDistinct(messageReactions.emoji) }).from(messageReactions).where(eq(messageReactions.messageId, messageId)));
      if (distinct >= 20) throw new AppError('CONFLICT', 'This message has too many different reactions.');
      await this.db.insert(messageReactions).values({ messageId, userId: member.userId, emoji, createdAt: Date.now() });
    }
    const reactions = (await this.reactionsFor([messageId])).get(messageId) ?? [];
    await this.events.broadcast(member.roomId, 'chat:reacted', { messageId, reactions });
    return reactions;
  }

  async markRead(member: MemberRow, messageId: number): Promise<void> {
    if (messageId <= member.lastReadMessageId) return;
    await this.db
      .update(roomMembers)
      .set({ lastReadMessageId: messageId })
      .where(and(eq(roomMembers.roomId, member.roomId), eq(roomMembers.userId, member.userId)));
    this.caches.noteMember(member.roomId, member.userId, { lastReadMessageId: messageId });
  }

  /** Removes every message of a user in a room (ban with "delete messages"). */
  async purgeUser(roomId: number, userId: number): Promise<number> {
    const changed = affectedRows(
      await this.db
        .update(messages)
        .set({ deletedAt: Date.now(), text: '' })
        .where(and(eq(messages.roomId, roomId), eq(messages.userId, userId), isNull(messages.deletedAt))),
    );
    if (changed) await this.events.broadcast(roomId, 'chat:purged', { userId });
    return changed;
  }

  /**
   * A page of history, oldest first. `before` pages backwards (cursor = oldest id seen);
   * `after` reads forwards (catching up after a gap).
   */
  async history(roomId: number, q: { before?: number; after?: number; around?: number; limit: number }): Promise<HistoryPage> {
    if (q.around !== undefined) return this.historyAround(roomId, q.around, q.limit);
    if (q.after !== undefined) {
      const rows = await this.db
        .select()
        .from(messages)
        .where(and(eq(messages.roomId, roomId), gt(messages.id, q.after)))
        .orderBy(asc(messages.id))
        .limit(q.limit);
      return { messages: await this.toDtos(rows), nextCursor: null };
    }
    const rows = await this.db
      .select()
      .from(messages)
      .where(q.before ? and(eq(messages.roomId, roomId), lt(messages.id, q.before)) : eq(messages.roomId, roomId))
      .orderBy(desc(messages.id))
      .limit(q.limit + 1);
    const hasMore = rows.length > q.limit;
    const page = rows.slice(0, q.limit).reverse();
    return { messages: await this.toDtos(page), nextCursor: hasMore && page[0] ? page[0].id : null };
  }

  /** A page with `around` in the middle: NOT_FOUND when that message is not in this room. */
  private async historyAround(roomId: number, around: number, limit: number): Promise<HistoryPage> {
    if (!(await first(this.db.select({ id: messages.id }).from(messages).where(and(eq(messages.id, around), eq(messages.roomId, roomId))).limit(1)))) {
      throw new AppError('NOT_FOUND', 'No such message in this room.');
    }
    const olderCount = Math.ceil(limit / 2);
    const older = await this.db
      .select()
      .from(messages)
      .where(and(eq(messages.roomId, roomId), lte(messages.id, around)))
      .orderBy(desc(messages.id))
      .limit(olderCount + 1);
    const newer = await this.db
      .select()
      .from(messages)
      .where(and(eq(messages.roomId, roomId), gt(messages.id, around)))
      .orderBy(asc(messages.id))
      .limit(limit - olderCount + 1);
    const olderPage = older.slice(0, olderCount).reverse();
    const newerPage = newer.slice(0, limit - olderCount);
    return {
      messages: await this.toDtos([...olderPage, ...newerPage]),
      nextCursor: older.length > olderCount && olderPage[0] ? olderPage[0].id : null,
      hasNewer: newer.length > limit - olderCount,
    };
  }

  private async reactionsFor(ids: number[]): Promise<Map<number, Reaction[]>> {
    const out = new Map<number, Reaction[]>();
    if (!ids.length) return out;
    const rows = await this.db
      .select()
      .from(messageReactions)
      .where(inArray(messageReactions.messageId, ids))
      .orderBy(asc(messageReactions.createdAt));
    for (const r of rows) {
      const list = out.get(r.messageId) ?? [];
      let entry = list.find((e) => e.emoji === r.emoji);
      if (!entry) list.push((entry = { emoji: r.emoji, count: 0, userIds: [] }));
      entry.count++;
      entry.userIds.push(r.userId);
      out.set(r.messageId, list);
    }
    return out;
  }

  /** Rows to DTOs with authors, reply previews and reactions, in three queries for any page size. */
  private async toDtos(rows: MessageRow[]): Promise<Message[]> {
    if (!rows.length) return [];
    const replyIds = [...new Set(rows.map((r) => r.replyToId).filter((x): x is number => x !== null))];
    const replies = replyIds.length ? await this.db.select().from(messages).where(inArray(messages.id, replyIds)) : [];
    const userIds = [...new Set([...rows, ...replies].map((r) => r.userId))];
    const authors = new Map<number, UserRow>((await this.db.select().from(users).where(inArray(users.id, userIds))).map((u) => [u.id, u]));
    const replyMap = new Map(replies.map((r) => [r.id, r]));
    const reactions = await this.reactionsFor(rows.map((r) => r.id));
    return rows.map((r) => {
      const reply = r.replyToId !== null ? replyMap.get(r.replyToId) : undefined;
      return {
        id: r.id,
        roomId: r.roomId,
        author: toPublicUser(authors.get(r.userId)!),
        text: r.deletedAt ? '' : r.text,
        replyTo: reply
          ? { id: reply.id, authorName: authors.get(reply.userId)!.displayName, excerpt: reply.deletedAt ? '' : excerpt(reply.text), deleted: !!reply.deletedAt }
          : null,
        reactions: reactions.get(r.id) ?? [],
        mentions: JSON.parse(r.mentions) as number[],
        createdAt: r.createdAt,
        editedAt: r.editedAt,
        deleted: !!r.deletedAt,
        ...(r.attachments && !r.deletedAt ? { attachments: JSON.parse(r.attachments) as number[] } : {}),
      };
    });
  }
}
