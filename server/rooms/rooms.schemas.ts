import { z } from 'zod';
import { lobbyRoomSchemaOut, memberSchemaOut, roomIdSchema, roomPreviewSchemaOut, roomSchemaOut, ROLES } from '../../protocol/rooms.js';
import { userSchemaOut } from '../../protocol/users.js';

export const roomParams = z.object({ id: roomIdSchema });
export const memberParams = z.object({ id: roomIdSchema, userId: z.coerce.number().int().positive() });
export const codeParams = z.object({ code: z.string().max(16) });

export const roomReply = z.object({ room: roomSchemaOut });
export const roomWithRoleReply = z.object({ room: roomSchemaOut, myRole: z.enum(ROLES) });
export const joinReply = z.object({ room: roomSchemaOut, joined: z.boolean() });
export const lobbyReply = z.object({ rooms: z.array(lobbyRoomSchemaOut) });
export const previewReply = z.object({ room: roomPreviewSchemaOut });
export const membersReply = z.object({ members: z.array(memberSchemaOut) });
export const memberReply = z.object({ member: memberSchemaOut });
export const bansReply = z.object({
  bans: z.array(z.object({ user: userSchemaOut, until: z.number().nullable(), reason: z.string(), createdAt: z.number() })),
});
