/**
 * Moderation reports: members report a message or a user; owners, moderators and admins work a
 * queue. Who sees which report is decided on the server (server/reports/visibility.ts).
 */
import { z } from 'zod';
import { messageIdSchema, messageSchemaOut } from './chat.js';
import { userText } from './text.js';
import { userSchemaOut } from './users.js';
import { REPORT_ACTIONS, REPORT_NOTE_MAX, REPORT_REASONS, REPORT_STATUSES } from './reports-constants.js';

export * from './reports-constants.js';

const userId = z.number().int().positive();

/** Report a message (`messageId`) or a user (`userId`), exactly one of the two. */
export const createReportSchema = z
  .object({
    messageId: messageIdSchema.optional(),
    userId: userId.optional(),
    reason: z.enum(REPORT_REASONS),
    note: userText(REPORT_NOTE_MAX, { required: false }).default(''),
  })
  .strict()
  .refine((r) => (r.messageId === undefined) !== (r.userId === undefined), { message: 'report either a messageId or a userId' });

export const reportActionSchema = z
  .object({
    action: z.enum(REPORT_ACTIONS),
    /** mute: minutes (default 60); ban: minutes, none for a permanent ban. */
    minutes: z.number().int().min(1).max(525_600).optional(),
    /** ban: also remove the user's messages in the room. */
    deleteMessages: z.boolean().optional(),
  })
  .strict();

export const reportListQuerySchema = z.object({
  status: z.enum(['open', 'closed']).default('open'),
  roomId: z.coerce.number().int().positive().optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const reportParams = z.object({ reportId: z.coerce.number().int().positive() });

export const reportActionSchemaOut = z.object({
  id: z.number(),
  actorId: z.number().nullable(),
  actorName: z.string(),
  action: z.enum(REPORT_ACTIONS),
  detail: z.record(z.string(), z.unknown()).nullable(),
  at: z.number(),
});
export type ReportActionView = z.infer<typeof reportActionSchemaOut>;

export const reportSchemaOut = z.object({
  id: z.number(),
  roomId: z.number(),
  roomName: z.string(),
  reporter: userSchemaOut,
  target: userSchemaOut,
  /** The target's role in the room now (null: no longer a member). */
  targetRole: z.enum(['owner', 'moderator', 'member']).nullable(),
  messageId: z.number().nullable(),
  /** The message as it was when reported. */
  messageText: z.string().nullable(),
  reason: z.enum(REPORT_REASONS),
  note: z.string(),
  status: z.enum(REPORT_STATUSES),
  createdAt: z.number(),
  closedAt: z.number().nullable(),
  actions: z.array(reportActionSchemaOut),
});
export type ReportView = z.infer<typeof reportSchemaOut>;

export const reportDetailSchemaOut = z.object({
  report: reportSchemaOut,
  /** A few messages before and after the reported one (oldest first); empty for a user report. */
  context: z.array(messageSchemaOut),
  /** Actions the caller may take on this report. */
  allowed: z.array(z.enum(REPORT_ACTIONS)),
});
export type ReportDetail = z.infer<typeof reportDetailSchemaOut>;

export const reportListSchemaOut = z.object({
  reports: z.array(reportSchemaOut),
  /** Open reports the caller may see (in the room, or everywhere for the admin list). */
  openCount: z.number(),
  nextCursor: z.number().nullable(),
});
export type ReportList = z.infer<typeof reportListSchemaOut>;

/** What the reporter gets back: a confirmation, never the queue. */
export const reportReceiptSchemaOut = z.object({ report: z.object({ id: z.number(), status: z.enum(REPORT_STATUSES), createdAt: z.number() }) });
