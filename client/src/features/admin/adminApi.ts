/** The admin console's HTTP calls (users, rooms, settings), typed from protocol/. */
import type { AdminRoomDetail, AdminRoomList } from '@protocol/admin-rooms.js';
import type { AdminUserDetail, AdminUserList, AdminUserRow, ResetLink } from '@protocol/admin-users.js';
import type { InstanceSettings, InviteView } from '@protocol/instance.js';
import type { Room } from '@protocol/rooms.js';
import { http } from '../../lib/http';

const qs = (q: object) =>
  new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)])).toString();

export const adminApi = {
  users: (q: object, signal?: AbortSignal) => http.get<AdminUserList>(`/api/admin/users?${qs(q)}`, signal),
  user: (id: number) => http.get<AdminUserDetail>(`/api/admin/users/${id}`),
  patchUser: (id: number, patch: { disabled?: boolean; isAdmin?: boolean }) => http.patch<{ user: AdminUserRow }>(`/api/admin/users/${id}`, patch),
  signOutUser: (id: number) => http.post<void>(`/api/admin/users/${id}/sign-out`, {}),
  resetLink: (id: number) => http.post<ResetLink>(`/api/admin/users/${id}/reset-link`, {}),
  deleteUser: (id: number, purgeMessages: boolean) => http.del(`/api/admin/users/${id}?purgeMessages=${purgeMessages}`),

  rooms: (q: object, signal?: AbortSignal) => http.get<AdminRoomList>(`/api/admin/rooms?${qs(q)}`, signal),
  room: (id: number) => http.get<AdminRoomDetail>(`/api/admin/rooms/${id}`),
  closeRoom: (id: number, closed: boolean) => http.post<{ room: Room }>(`/api/admin/rooms/${id}/${closed ? 'close' : 'reopen'}`, {}),
  transferRoom: (id: number, userId: number) => http.post<{ room: Room }>(`/api/admin/rooms/${id}/transfer`, { userId }),
  deleteRoom: (id: number) => http.del(`/api/admin/rooms/${id}`),

  settings: () => http.get<{ settings: InstanceSettings }>('/api/admin/settings'),
  patchSettings: (patch: object) => http.patch<{ settings: InstanceSettings }>('/api/admin/settings', patch),
  invites: () => http.get<{ invites: InviteView[] }>('/api/admin/invites'),
  createInvite: (body: { note: string; maxUses?: number; expiresInHours?: number }) => http.post<{ invite: InviteView; code: string }>('/api/admin/invites', body),
  revokeInvite: (id: number) => http.del<{ invite: InviteView }>(`/api/admin/invites/${id}`),
};

/** "3 min ago", "2 days ago", or a date for older times. */
export function ago(t: number | null, now = Date.now()): string {
  if (t === null) return 'never';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  if (s < 30 * 86_400) return `${Math.floor(s / 86_400)} days ago`;
  return new Date(t).toLocaleDateString();
}

/** Sizes as everywhere in the app (one formatter: protocol/files-constants.ts). */
export { formatBytes as bytes } from '@protocol/files-constants.js';
