import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { messageReactions, messages, roomMembers, rooms, users } from '../../db/schema/index.js';
import { EDIT_WINDOW_MS, extractMentionNames, type HistoryPage, type Message, type Reaction } from '../../protocol/chat.js';
import { toPublicUser } from '../auth/auth.service.js';
import { AppError } from '../plugins/errors.js';
import { RateLimiter, perWindow } from '../plugins/rate-limit.js';
import { atLeast } from '../rooms/room-channels.js';
import type { RoomEvents } from '../rooms/room-events.js';
import type { MemberRow } from '../rooms/rooms.service.js';

type MessageRow = typeof messages.$inferSelect;
type UserRow = typeof users.$inferSelect;

export interface ChatNotifier {
  mentioned(userIds: number[], roomId: number, message: Message): void;
  activity(roomId: number, lastMessageId: number, authorId: number): void;
}

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
  /** The send path runs hundreds of times a second: its statements are prepared once. */
  private readonly q;

  constructor(
    private readonly db: Db,
    private readonly events: RoomEvents,
    private readonly notify: ChatNotifier,
    chatRatePer10s: number,
  ) {
    this.rate = new RateLimiter(perWindow(chatRatePer10s, 10_000));
    const ph = sql.placeholder;
    this.q = {
      slowMode: db.select({ slow: rooms.slowModeSeconds }).from(rooms).where(eq(rooms.id, ph('roomId'))).prepare(),
      author: db.select().from(users).where(eq(users.id, ph('userId'))).prepare(),
      insert: db
        .insert(messages)
        .values({ roomId: ph('roomId'), userId: ph('userId'), text: ph('text'), replyToId: ph('replyToId'), mentions: ph('mentions'), createdAt: ph('now'), clientId: ph('clientId'), attachments: ph('attachments') })
        // A second message with the same (user, clientId) is a retry: insert nothing, return nothing.
        .onConflictDoNothing({ target: [messages.userId, messages.clientId] })
        .returning()
        .prepare(),
      byClientId: db.select().from(messages).where(and(eq(messages.userId, ph('userId')), eq(messages.clientId, ph('clientId')))).prepare(),
      // update().set() takes SQL, not bare placeholders.
      touchRoom: db.update(rooms).set({ lastActivityAt: sql`${ph('now')}` }).where(eq(rooms.id, ph('roomId'))).prepare(),
      touchMember: db
        .update(roomMembers)
        .set({ lastMessageAt: sql`${ph('now')}`, lastReadMessageId: sql`${ph('messageId')}` })
        .where(and(eq(roomMembers.roomId, ph('roomId')), eq(roomMembers.userId, ph('userId'))))
        .prepare(),
    };
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
  send(member: MemberRow, text: string, replyToId?: number, clientId?: string, attachments?: number[]): Message {
    const { roomId, userId } = member;
    const now = Date.now();
    const room = this.q.slowMode.get({ roomId })!;
    try {
      if (!atLeast(member.role, 'moderator')) {
        const wait = slowModeWait(member.lastMessageAt, room.slow, now);
        if (wait > 0) throw new AppError('SLOW_MODE', `Slow mode is on: wait ${wait}s.`, wait);
      }
      this.rate.enforce(`u${userId}`, 'You are sending messages too fast.');
    } catch (err) {
      // The retry of a message that did go through is not a new message: slow mode does not apply.
      const earlier = clientId === undefined ? undefined : this.sentWith(member, clientId);
      if (earlier) return earlier;
      throw err;
    }
    if (replyToId !== undefined && !this.db.select({ id: messages.id }).from(messages).where(and(eq(messages.id, replyToId), eq(messages.roomId, roomId))).get()) {
      throw new AppError('NOT_FOUND', 'The message you reply to is not in this room.');
    }
    const mentions = this.resolveMentions(roomId, text);
    const row = this.db.transaction(() => {
      const inserted = this.q.insert.get({ roomId, userId, text, replyToId: replyToId ?? null, mentions: JSON.stringify(mentions), now, clientId: clientId ?? null, attachments: attachments?.length ? JSON.stringify(attachments) : null });
      if (!inserted) return undefined;
      this.q.touchRoom.run({ now, roomId });
      this.q.touchMember.run({ now, messageId: inserted.id, roomId, userId });
      return inserted;
    });
    if (!row) return this.sentWith(member, clientId!)!;
    // A new message has no reactions yet: only a reply needs the full DTO query.
    const message: Message =
      replyToId === undefined
        ? { id: row.id, roomId, author: toPublicUser(this.q.author.get({ userId })!), text, replyTo: null, reactions: [], mentions, createdAt: now, editedAt: null, deleted: false, ...(attachments?.length ? { attachments } : {}) }
        : this.toDtos([row])[0]!;
    this.events.broadcast(roomId, 'chat:message', { message });
    this.notify.activity(roomId, row.id, userId);
    const others = mentions.filter((id) => id !== userId);
    if (others.length) this.notify.mentioned(others, roomId, message);
    return message;
  }

  /** The caller's message sent with `clientId`, as it is now; CONFLICT if the key was used in another room. */
  private sentWith(member: MemberRow, clientId: string): Message | undefined {
    const row = this.q.byClientId.get({ userId: member.userId, clientId });
    if (!row) return undefined;
    if (row.roomId !== member.roomId) throw new AppError('CONFLICT', 'That client id was already used for another message.');
    return this.toDtos([row])[0];
  }

  private resolveMentions(roomId: number, text: string): number[] {
    const names = extractMentionNames(text);
    if (!names.length) return [];
    return this.db
      .select({ id: users.id })
      .from(users)
      .innerJoin(roomMembers, and(eq(roomMembers.userId, users.id), eq(roomMembers.roomId, roomId)))
      .where(inArray(users.usernameKey, names))
      .all()
      .map((r) => r.id);
  }

  private requireMessage(roomId: number, messageId: number): MessageRow {
    const row = this.db.select().from(messages).where(and(eq(messages.id, messageId), eq(messages.roomId, roomId))).get();
    if (!row || row.deletedAt) throw new AppError('NOT_FOUND', 'No such message.');
    return row;
  }

  edit(member: MemberRow, messageId: number, text: string): Message {
    const row = this.requireMessage(member.roomId, messageId);
    if (row.userId !== member.userId) throw new AppError('FORBIDDEN', 'You can only edit your own messages.');
    if (Date.now() - row.createdAt > EDIT_WINDOW_MS) throw new AppError('EDIT_WINDOW_PASSED', 'Messages can only be edited for 15 minutes.');
    const updated = this.db
      .update(messages)
      .set({ text, editedAt: Date.now(), mentions: JSON.stringify(this.resolveMentions(member.roomId, text)) })
      .where(eq(messages.id, messageId))
      .returning()
      .get()!;
    const message = this.toDtos([updated])[0]!;
    this.events.broadcast(member.roomId, 'chat:edited', { message });
    return message;
  }

  /** Authors delete their own messages; moderators and the owner delete any. */
  delete(member: MemberRow, messageId: number): void {
    const row = this.requireMessage(member.roomId, messageId);
    if (row.userId !== member.userId && !atLeast(member.role, 'moderator')) {
      throw new AppError('FORBIDDEN', 'You can only delete your own messages.');
    }
    const updated = this.db.update(messages).set({ deletedAt: Date.now(), text: '' }).where(eq(messages.id, messageId)).returning().get()!;
    this.db.delete(messageReactions).where(eq(messageReactions.messageId, messageId)).run();
    this.events.broadcast(member.roomId, 'chat:deleted', { messageId, message: this.toDtos([updated])[0]! });
  }

  /** Toggles the caller's reaction; returns the message's reactions after the change. */
  react(member: MemberRow, messageId: number, emoji: string): Reaction[] {
    this.requireMessage(member.roomId, messageId);
    const key = and(eq(messageReactions.messageId, messageId), eq(messageReactions.userId, member.userId), eq(messageReactions.emoji, emoji));
    const removed = this.db.delete(messageReactions).where(key).run().changes;
    if (!removed) {
      const distinct = this.db
        .select({ n: sql<number>`count(distinct emoji)` })
        .from(messageReactions)
        .where(eq(messageReactions.messageId, messageId))
        .get()!.n;
      if (distinct >= 20) throw new AppError('CONFLICT', 'This message has too many different reactions.');
      this.db.insert(messageReactions).values({ messageId, userId: member.userId, emoji, createdAt: Date.now() }).run();
    }
    const reactions = this.reactionsFor([messageId]).get(messageId) ?? [];
    this.events.broadcast(member.roomId, 'chat:reacted', { messageId, reactions });
    return reactions;
  }

  markRead(member: MemberRow, messageId: number): void {
    if (messageId <= member.lastReadMessageId) return;
    this.db
      .update(roomMembers)
      .set({ lastReadMessageId: messageId })
      .where(and(eq(roomMembers.roomId, member.roomId), eq(roomMembers.userId, member.userId)))
      .run();
  }

  /** Removes every message of a user in a room (ban with "delete messages"). */
  purgeUser(roomId: number, userId: number): number {
    const changed = this.db
      .update(messages)
      .set({ deletedAt: Date.now(), text: '' })
      .where(and(eq(messages.roomId, roomId), eq(messages.userId, userId), isNull(messages.deletedAt)))
      .run().changes;
    if (changed) this.events.broadcast(roomId, 'chat:purged', { userId });
    return changed;
  }

  /**
   * A page of history, oldest first. `before` pages backwards (cursor = oldest id seen);
   * `after` reads forwards (catching up after a gap).
   */
  history(roomId: number, q: { before?: number; after?: number; around?: number; limit: number }): HistoryPage {
    if (q.around !== undefined) return this.historyAround(roomId, q.around, q.limit);
    if (q.after !== undefined) {
      const rows = this.db
        .select()
        .from(messages)
        .where(and(eq(messages.roomId, roomId), gt(messages.id, q.after)))
        .orderBy(asc(messages.id))
        .limit(q.limit)
        .all();
      return { messages: this.toDtos(rows), nextCursor: null };
    }
    const rows = this.db
      .select()
      .from(messages)
      .where(q.before ? and(eq(messages.roomId, roomId), lt(messages.id, q.before)) : eq(messages.roomId, roomId))
      .orderBy(desc(messages.id))
      .limit(q.limit + 1)
      .all();
    const hasMore = rows.length > q.limit;
    const page = rows.slice(0, q.limit).reverse();
    return { messages: this.toDtos(page), nextCursor: hasMore && page[0] ? page[0].id : null };
  }

  /** A page with `around` in the middle: NOT_FOUND when that message is not in this room. */
  private historyAround(roomId: number, around: number, limit: number): HistoryPage {
    if (!this.db.select({ id: messages.id }).from(messages).where(and(eq(messages.id, around), eq(messages.roomId, roomId))).get()) {
      throw new AppError('NOT_FOUND', 'No such message in this room.');
    }
    const olderCount = Math.ceil(limit / 2);
    const older = this.db
      .select()
      .from(messages)
      .where(and(eq(messages.roomId, roomId), lte(messages.id, around)))
      .orderBy(desc(messages.id))
      .limit(olderCount + 1)
      .all();
    const newer = this.db
      .select()
      .from(messages)
      .where(and(eq(messages.roomId, roomId), gt(messages.id, around)))
      .orderBy(asc(messages.id))
      .limit(limit - olderCount + 1)
      .all();
    const olderPage = older.slice(0, olderCount).reverse();
    const newerPage = newer.slice(0, limit - olderCount);
    return {
      messages: this.toDtos([...olderPage, ...newerPage]),
      nextCursor: older.length > olderCount && olderPage[0] ? olderPage[0].id : null,
      hasNewer: newer.length > limit - olderCount,
    };
  }

  private reactionsFor(ids: number[]): Map<number, Reaction[]> {
    const out = new Map<number, Reaction[]>();
    if (!ids.length) return out;
    const rows = this.db
      .select()
      .from(messageReactions)
      .where(inArray(messageReactions.messageId, ids))
      .orderBy(asc(messageReactions.createdAt))
      .all();
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
  private toDtos(rows: MessageRow[]): Message[] {
    if (!rows.length) return [];
    const replyIds = [...new Set(rows.map((r) => r.replyToId).filter((x): x is number => x !== null))];
    const replies = replyIds.length ? this.db.select().from(messages).where(inArray(messages.id, replyIds)).all() : [];
    const userIds = [...new Set([...rows, ...replies].map((r) => r.userId))];
    const authors = new Map<number, UserRow>(this.db.select().from(users).where(inArray(users.id, userIds)).all().map((u) => [u.id, u]));
    const replyMap = new Map(replies.map((r) => [r.id, r]));
    const reactions = this.reactionsFor(rows.map((r) => r.id));
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
