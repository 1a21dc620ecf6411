/** Audit log actions: one name per security-relevant event (zod-free; safe for client chunks). */
export const AUDIT_ACTIONS = [
  'auth.sign_in',
  'auth.sign_in_failed',
  'auth.sign_out_everywhere',
  'auth.password_change',
  'admin.grant',
  'admin.revoke',
  'admin.user_disable',
  'admin.user_enable',
  'admin.user_delete',
  'admin.password_reset_link',
  'admin.settings_change',
  'room.create',
  'room.delete',
  'room.close',
  'room.transfer',
  'room.role_change',
  'room.passcode_change',
  'room.code_rotate',
  'room.kick',
  'room.ban',
  'room.unban',
  'room.mute',
  'room.unmute',
  'room.message_purge',
  'room.message_delete',
  'report.action',
  'stream.key_view',
  'stream.key_rotate',
  'token.create',
  'token.revoke',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntryView {
  id: number;
  at: number;
  action: AuditAction;
  actorId: number | null;
  actorName: string | null;
  targetUserId: number | null;
  targetName: string | null;
  roomId: number | null;
  ip: string | null;
  detail: Record<string, unknown> | null;
}

/** Page size of the audit log list (the export streams everything that matches). */
export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 200;

/** The filters of the audit log list and its CSV export (all optional). */
export interface AuditFilters {
  /** Username of the actor (an account that no longer exists matches by the name kept in the entry). */
  actor?: string;
  action?: AuditAction;
  roomId?: number;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
}

export interface AuditPage {
  entries: AuditEntryView[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}
