import type { AuditAction, AuditEntryView } from '@protocol/audit.js';

/** Words for each audit action (the admin table and the filter). */
export const AUDIT_LABELS: Record<AuditAction, string> = {
  'auth.sign_in': 'Signed in',
  'auth.sign_in_failed': 'Failed sign-in',
  'auth.sign_out_everywhere': 'Signed out everywhere',
  'auth.password_change': 'Changed password',
  'admin.grant': 'Made admin',
  'admin.revoke': 'Removed admin',
  'admin.user_disable': 'Disabled account',
  'admin.user_enable': 'Enabled account',
  'admin.user_delete': 'Deleted account',
  'admin.password_reset_link': 'Issued password-reset link',
  'admin.settings_change': 'Changed instance settings',
  'room.create': 'Created room',
  'room.delete': 'Deleted room',
  'room.close': 'Closed room',
  'room.transfer': 'Transferred room',
  'room.role_change': 'Changed member role',
  'room.passcode_change': 'Changed passcode',
  'room.code_rotate': 'Rotated join code',
  'room.kick': 'Kicked',
  'room.ban': 'Banned',
  'room.unban': 'Lifted ban',
  'room.mute': 'Muted',
  'room.unmute': 'Unmuted',
  'room.message_purge': 'Purged messages',
  'room.message_delete': "Deleted someone's message",
  'report.action': 'Acted on report',
  'stream.key_view': 'Viewed stream key',
  'stream.key_rotate': 'Rotated stream key',
  'token.create': 'Created token',
  'token.revoke': 'Revoked token',
};

export const actionLabel = (a: string): string => AUDIT_LABELS[a as AuditAction] ?? a;

/** Failed sign-ins and other warnings stand out in the table. */
export const isWarning = (e: Pick<AuditEntryView, 'action'>): boolean =>
  e.action === 'auth.sign_in_failed' || e.action === 'room.ban' || e.action === 'room.message_purge' || e.action === 'room.delete';

/** The detail object as short `key: value` text (never HTML). */
export function detailText(detail: Record<string, unknown> | null): string {
  if (!detail) return '';
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}
