/** Zod schemas of the admin audit log routes (kept apart from audit.ts so client chunks stay zod-free). */
import { z } from 'zod';
import { AUDIT_ACTIONS, AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX } from './audit.js';

const epochMs = z.coerce.number().int().min(0).max(8.64e15);

export const auditFiltersSchema = z
  .object({
    actor: z.string().trim().min(1).max(64).optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    roomId: z.coerce.number().int().positive().optional(),
    from: epochMs.optional(),
    to: epochMs.optional(),
  })
  .strict();

/** `before` is the opaque cursor of the previous page (`<at>.<id>`). */
export const auditQuerySchema = auditFiltersSchema
  .extend({
    before: z.string().regex(/^\d{1,16}\.\d{1,16}$/, 'a cursor from the previous page').optional(),
    limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(AUDIT_PAGE_DEFAULT),
  })
  .strict();

export const auditEntrySchemaOut = z.object({
  id: z.number(),
  at: z.number(),
  action: z.enum(AUDIT_ACTIONS),
  actorId: z.number().nullable(),
  actorName: z.string().nullable(),
  targetUserId: z.number().nullable(),
  targetName: z.string().nullable(),
  roomId: z.number().nullable(),
  ip: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});

export const auditPageSchemaOut = z.object({ entries: z.array(auditEntrySchemaOut), nextCursor: z.string().nullable() });
