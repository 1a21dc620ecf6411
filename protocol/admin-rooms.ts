import { z } from 'zod';
import { ROOM_FILTERS, ROOM_SORT_KEYS } from './admin-constants.js';

export const adminRoomQuerySchema = z
  .object({
    q: z.string().trim().max(60).optional(),
    filter: z.enum(ROOM_FILTERS).default('all'),
    sort: z.enum(ROOM_SORT_KEYS).default('lastActivityAt'),
    dir: z.enum(['asc', 'desc']).default('desc'),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(5).max(100).default(25),
  })
  .strict();

export const adminRoomParams = z.object({ id: z.coerce.number().int().positive().max(2 ** 31) }).strict();
export const adminRoomTransferSchema = z.object({ userId: z.number().int().positive() }).strict();

const adminRoomRow = z.object({
  id: z.number(),
  name: z.string(),
  listed: z.boolean(),
  owner: z.object({ id: z.number(), username: z.string(), displayName: z.string() }),
  memberCount: z.number(),
  onlineCount: z.number(),
  /** Bytes the room stores: message text plus its stream recordings and live HLS files on disk. */
  storageBytes: z.number(),
  live: z.boolean(),
  lastActivityAt: z.number(),
  createdAt: z.number(),
  closedAt: z.number().nullable(),
});
export type AdminRoomRow = z.infer<typeof adminRoomRow>;

export const adminRoomListReply = z.object({ rooms: z.array(adminRoomRow), total: z.number(), page: z.number(), pageSize: z.number() });
export type AdminRoomList = z.infer<typeof adminRoomListReply>;

export const adminRoomDetailReply = z.object({
  room: adminRoomRow.extend({ description: z.string(), capacity: z.number(), hasPasscode: z.boolean() }),
  storage: z.object({ messageBytes: z.number(), messageCount: z.number(), recordingBytes: z.number(), recordingCount: z.number(), liveBytes: z.number() }),
  members: z.array(z.object({ id: z.number(), username: z.string(), displayName: z.string(), role: z.enum(['owner', 'moderator', 'member']), joinedAt: z.number() })),
});
export type AdminRoomDetail = z.infer<typeof adminRoomDetailReply>;
