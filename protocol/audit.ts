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
  'room.passcode_change',
  'room.code_rotate',
  'room.kick',
  'room.ban',
  'room.unban',
  'room.mute',
  'room.unmute',
  'room.message_purge',
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
