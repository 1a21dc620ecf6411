import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Append-only record of security-relevant events. No foreign keys on purpose: an entry outlives
 * the user or room it names (their ids and a label are kept in the row).
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    /** e.g. 'auth.sign_in', 'room.kick' (see AUDIT_ACTIONS in protocol/audit.ts). */
    action: text('action').notNull(),
    /** null: the system or an anonymous visitor. */
    actorId: integer('actor_id'),
    actorName: text('actor_name'),
    targetUserId: integer('target_user_id'),
    targetName: text('target_name'),
    roomId: integer('room_id'),
    ip: text('ip'),
    /** Small JSON object with action-specific facts (never secrets). */
    detail: text('detail'),
  },
  (t) => [index('audit_log_at').on(t.at), index('audit_log_action_at').on(t.action, t.at), index('audit_log_actor_at').on(t.actorId, t.at), index('audit_log_room_at').on(t.roomId, t.at), index('audit_log_actor_name_at').on(t.actorName, t.at)],
);
