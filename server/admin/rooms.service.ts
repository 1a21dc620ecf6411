import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { and, asc, count, desc, eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { messages, roomMembers, rooms, streamRecordings, users } from '../../db/schema/index.js';
import type { RoomFilter, RoomSortKey } from '../../protocol/admin-constants.js';
import type { AdminRoomDetail, AdminRoomList, AdminRoomRow } from '../../protocol/admin-rooms.js';
import { AppError } from '../plugins/errors.js';
import { adminSql } from './admin-sql.js';
import { containsPattern } from './users.service.js';

export interface RoomListQuery {
  q?: string | undefined;
  filter: RoomFilter;
  sort: RoomSortKey;
  dir: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

/** Bytes of every file under a directory (missing: 0). */
export function dirBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += dirBytes(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

const memberCountSql = sql<number>`(SELECT count(*) FROM room_members rm WHERE rm.room_id = ${rooms.id})`.mapWith(Number);

/**
 * Instance admins' view of rooms: list with members, storage, activity and live status, and one
 * room's details. Room changes (close, delete, transfer) go through RoomsService so members are told.
 */
export class AdminRoomsService {
  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
    private readonly live: (roomId: number) => boolean,
    private readonly online: (roomId: number) => number,
  ) {}

  async list(q: RoomListQuery): Promise<AdminRoomList> {
    const conds: SQL[] = [];
    if (q.q) conds.push(sql`lower(${rooms.name}) LIKE lower(${containsPattern(q.q)}) ESCAPE '\\'`);
    if (q.filter === 'open') conds.push(isNull(rooms.closedAt));
    if (q.filter === 'closed') conds.push(isNotNull(rooms.closedAt));
    const where = conds.length ? and(...conds) : undefined;
    const dir = q.dir === 'asc' ? asc : desc;
    const column = { name: rooms.name, createdAt: rooms.createdAt, lastActivityAt: rooms.lastActivityAt, members: memberCountSql }[q.sort];
    const rows = await this.db
      .select({ r: rooms, owner: { id: users.id, username: users.username, displayName: users.displayName }, members: memberCountSql })
      .from(rooms)
      .innerJoin(users, eq(users.id, rooms.ownerId))
      .where(where)
      .orderBy(dir(column), dir(rooms.id))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize);
    const [{ n: total }] = (await this.db.select({ n: count() }).from(rooms).where(where)) as [{ n: number }];
    const out: AdminRoomRow[] = [];
    for (const { r, owner, members } of rows) out.push(await this.toRow(r, owner, members));
    return { rooms: out, total, page: q.page, pageSize: q.pageSize };
  }

  private async toRow(r: typeof rooms.$inferSelect, owner: AdminRoomRow['owner'], members: number): Promise<AdminRoomRow> {
    const s = await this.storage(r.id);
    return {
      id: r.id,
      name: r.name,
      listed: r.listed,
      owner,
      memberCount: members,
      onlineCount: this.online(r.id),
      storageBytes: s.messageBytes + s.recordingBytes + s.liveBytes,
      live: this.live(r.id),
      lastActivityAt: r.lastActivityAt,
      createdAt: r.createdAt,
      closedAt: r.closedAt,
    };
  }

  /**
   * What a room stores today: the UTF-8 bytes of its messages (deleted ones are blanked), its
   * recordings (MP4s and posters under DATA_DIR/vod/<id>) and its live HLS segments (DATA_DIR/hls/<id>).
   */
  async storage(roomId: number): Promise<AdminRoomDetail['storage']> {
    const [m] = (await this.db
      .select({ bytes: sql<number>`coalesce(sum(${adminSql(this.db).utf8Bytes(messages.text)}), 0)`.mapWith(Number), n: count() })
      .from(messages)
      .where(eq(messages.roomId, roomId))) as [{ bytes: number; n: number }];
    const [{ n: recordingCount }] = (await this.db.select({ n: count() }).from(streamRecordings).where(eq(streamRecordings.roomId, roomId))) as [{ n: number }];
    return {
      messageBytes: m.bytes,
      messageCount: m.n,
      recordingBytes: dirBytes(join(this.dataDir, 'vod', String(roomId))),
      recordingCount,
      liveBytes: dirBytes(join(this.dataDir, 'hls', String(roomId))),
    };
  }

  async detail(roomId: number): Promise<AdminRoomDetail> {
    const [row] = await this.db
      .select({ r: rooms, owner: { id: users.id, username: users.username, displayName: users.displayName }, members: memberCountSql })
      .from(rooms)
      .innerJoin(users, eq(users.id, rooms.ownerId))
      .where(eq(rooms.id, roomId))
      .limit(1);
    if (!row) throw new AppError('NOT_FOUND', 'No such room.');
    const members = await this.db
      .select({ id: users.id, username: users.username, displayName: users.displayName, role: roomMembers.role, joinedAt: roomMembers.joinedAt })
      .from(roomMembers)
      .innerJoin(users, eq(users.id, roomMembers.userId))
      .where(eq(roomMembers.roomId, roomId))
      .orderBy(sql`CASE ${roomMembers.role} WHEN 'owner' THEN 0 WHEN 'moderator' THEN 1 ELSE 2 END`, roomMembers.joinedAt)
      .limit(500);
    return {
      room: { ...(await this.toRow(row.r, row.owner, row.members)), description: row.r.description, capacity: row.r.capacity, hasPasscode: row.r.passcodeHash !== null },
      storage: await this.storage(roomId),
      members,
    };
  }
}
