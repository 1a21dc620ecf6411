/**
 * The Socket.IO contract. Commands (client -> server) are imperative `feature:verb` and always
 * acknowledged with an {@link Ack}. Facts (server -> client) are past tense. Every room broadcast
 * carries `roomId` and a rising per-room `seq`; a client that sees a gap re-enters the room to get a
 * fresh snapshot. Typing is volatile and carries no seq.
 */
import { z } from 'zod';
import type { AckFn } from './ack.js';
import { clientIdSchema } from './client-id.js';
import { attachmentIdsSchema, messageIdSchema, messageTextSchema, HISTORY_PAGE_MAX, REACTION_EMOJI } from './chat.js';
import type { HistoryPage, Message, Reaction } from './chat.js';
import { presenceStatusSchema } from './rooms.js';
import type { Member, PresenceStatus, Role, Room } from './rooms.js';
import type { PublicUser } from './users.js';
// Each feature keeps its events beside its schemas and is merged here: one import + one spread.
import { studyCommandSchemas, type StudyCommandResults, type StudyPersonalEvents, type StudyRoomFacts } from './study-events.js';
import { streamCommandSchemas, type StreamCommandResults, type StreamPersonalEvents, type StreamRoomFacts } from './stream-events.js';
import { chessCommandSchemas, type ChessCommandResults, type ChessPersonalEvents, type ChessRoomFacts } from './chess-events.js';
import { blackjackCommandSchemas, type BlackjackCommandResults, type BlackjackPersonalEvents, type BlackjackRoomFacts } from './blackjack-events.js';
import { musicCommandSchemas, type MusicCommandResults, type MusicPersonalEvents, type MusicRoomFacts } from './music-events.js';
import { callsCommandSchemas, type CallsCommandResults, type CallsPersonalEvents, type CallsRoomFacts } from './calls-events.js';
import { docsCommandSchemas, type DocsCommandResults, type DocsPersonalEvents, type DocsRoomFacts } from './docs-events.js';
import type { DmsPersonalEvents } from './dms-events.js';
import type { NotificationsPersonalEvents } from './notifications-events.js';
import type { HealthPersonalEvents } from './health-events.js';
import type { InstancePersonalEvents } from './instance.js';
import type { ReportsPersonalEvents } from './reports-events.js';
import type { FilesRoomFacts } from './files-events.js';
import type { InterviewsRoomFacts } from './interviews-events.js';

const roomId = z.number().int().positive();

/** Payload schemas of every client command, by event name. */
export const commandSchemas = {
  'room:enter': z.object({ roomId }).strict(),
  'room:leave': z.object({ roomId }).strict(),
  'presence:set': z.object({ status: presenceStatusSchema }).strict(),
  'chat:send': z
    .object({ roomId, text: messageTextSchema, replyToId: messageIdSchema.optional(), clientId: clientIdSchema.optional(), attachments: attachmentIdsSchema.optional() })
    .strict(),
  'chat:edit': z.object({ roomId, messageId: messageIdSchema, text: messageTextSchema }).strict(),
  'chat:delete': z.object({ roomId, messageId: messageIdSchema }).strict(),
  'chat:react': z
    .object({ roomId, messageId: messageIdSchema, emoji: z.enum(REACTION_EMOJI) })
    .strict(),
  'chat:typing': z.object({ roomId }).strict(),
  'chat:read': z.object({ roomId, messageId: messageIdSchema }).strict(),
  'chat:history': z
    .object({
      roomId,
      before: messageIdSchema.optional(),
      after: z.number().int().min(0).optional(),
      /** A page centred on this message (jump to a search result). */
      around: messageIdSchema.optional(),
      limit: z.number().int().min(1).max(HISTORY_PAGE_MAX).default(50),
    })
    .strict(),
  'clock:sync': z.object({}).strict(),
  ...studyCommandSchemas,
  ...streamCommandSchemas,
  ...chessCommandSchemas,
  ...blackjackCommandSchemas,
  ...musicCommandSchemas,
  ...callsCommandSchemas,
  ...docsCommandSchemas,
} as const;

export type CommandName = keyof typeof commandSchemas;
export type CommandPayload<E extends CommandName> = z.input<(typeof commandSchemas)[E]>;

/** Everything a member needs to draw a room, sent on `room:enter` and after a gap. */
export interface RoomSnapshot {
  room: Room;
  myRole: Role;
  members: Member[];
  /** The newest page of messages, oldest first. */
  history: HistoryPage;
  /** The room's sequence number at the time of the snapshot. */
  seq: number;
  lastReadMessageId: number;
}

/** What each command's ack carries on success. */
export interface CommandResults extends StudyCommandResults, StreamCommandResults, ChessCommandResults, BlackjackCommandResults, MusicCommandResults, CallsCommandResults, DocsCommandResults {
  'room:enter': RoomSnapshot;
  'room:leave': null;
  'presence:set': null;
  'chat:send': Message;
  'chat:edit': Message;
  'chat:delete': null;
  'chat:react': Reaction[];
  'chat:typing': null;
  'chat:read': null;
  'chat:history': HistoryPage;
  'clock:sync': { serverNow: number };
}

export type ClientToServerEvents = {
  [E in CommandName]: (payload: CommandPayload<E>, ack: AckFn<CommandResults[E]>) => void;
};

/** Room broadcasts: each carries the room id and its sequence number. */
export interface RoomFacts extends StudyRoomFacts, StreamRoomFacts, ChessRoomFacts, BlackjackRoomFacts, MusicRoomFacts, CallsRoomFacts, FilesRoomFacts, DocsRoomFacts, InterviewsRoomFacts {
  'chat:message': { message: Message };
  'chat:edited': { message: Message };
  'chat:deleted': { messageId: number; message: Message };
  'chat:reacted': { messageId: number; reactions: Reaction[] };
  'chat:purged': { userId: number };
  'member:joined': { member: Member };
  'member:left': { userId: number; reason: 'left' | 'kicked' | 'banned' };
  'member:updated': { member: Member };
  'presence:changed': { userId: number; status: PresenceStatus };
  'room:updated': { room: Room };
}

export type RoomFactName = keyof RoomFacts;
export type RoomFact<E extends RoomFactName> = RoomFacts[E] & { roomId: number; seq: number };

export type ServerToClientEvents = {
  [E in RoomFactName]: (fact: RoomFact<E>) => void;
} & {
  'chat:typing': (fact: { roomId: number; user: PublicUser }) => void;
  /** Sent to one user: they no longer have access to a room (kicked, banned, room deleted). */
  'room:removed': (fact: { roomId: number; reason: 'kicked' | 'banned' | 'deleted'; until?: number | null }) => void;
  /** Sent to one user: someone mentioned them. */
  'notify:mention': (fact: { roomId: number; roomName: string; message: Message }) => void;
  /** Sent to a user's other rooms' lobby view: a room got a new message. */
  'lobby:activity': (fact: { roomId: number; lastMessageId: number; authorId: number }) => void;
} & StudyPersonalEvents &
  StreamPersonalEvents &
  ChessPersonalEvents &
  BlackjackPersonalEvents &
  MusicPersonalEvents &
  CallsPersonalEvents &
  DocsPersonalEvents &
  DmsPersonalEvents &
  NotificationsPersonalEvents &
  HealthPersonalEvents &
  InstancePersonalEvents &
  ReportsPersonalEvents;

export interface SocketData {
  userId: number;
  sessionId: string;
}
