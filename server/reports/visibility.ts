/**
 * Who may see and act on a report (pure rules; docs/decisions/0016-reports-and-analytics.md).
 *
 * - Instance admins see every report in every room.
 * - A room's owner sees reports about members and moderators (and about people who left).
 * - A moderator sees reports about plain members (and people who left), never about another
 *   moderator or the owner: those go up to the owner and the admins.
 * - Reports about the owner are seen by admins only.
 * - Nobody (but an admin) sees a report about themselves; plain members, outsiders and people of
 *   other rooms see none. The reporter gets a receipt, not the queue.
 */
import { aliasedTable, sql, type SQL } from 'drizzle-orm';
import { reports, roomMembers } from '../../db/schema/index.js';
import type { ReportActionName } from '../../protocol/reports-constants.js';
import { outranks, type RoleName } from '../rooms/room-channels.js';

export interface Viewer {
  userId: number;
  isAdmin: boolean;
  /** The viewer's role in the report's room; null when not a member. */
  role: RoleName | null;
}

export interface ReportSubject {
  targetUserId: number;
  /** The target's current role in the room; null when they are no longer a member. */
  targetRole: RoleName | null;
  messageId: number | null;
  /** The reported message still exists (not deleted). */
  messageLive: boolean;
}

export function maySee(v: Viewer, s: Pick<ReportSubject, 'targetUserId' | 'targetRole'>): boolean {
  if (v.isAdmin) return true;
  if (v.userId === s.targetUserId || v.role === null || v.role === 'member') return false;
  const target = s.targetRole ?? 'member';
  return outranks(v.role, target);
}

/**
 * The actions the viewer may take. Moderation (mute, kick, ban) needs the target to still be a
 * member whom the viewer outranks; an admin acts with the room owner's authority, so an admin can
 * moderate anyone but the owner. Deleting needs the message to still be there.
 */
export function allowedActions(v: Viewer, s: ReportSubject): ReportActionName[] {
  if (!maySee(v, s)) return [];
  const out: ReportActionName[] = ['dismiss'];
  if (s.messageId !== null && s.messageLive) out.push('delete_message');
  if (s.targetRole !== null && v.userId !== s.targetUserId) {
    const acting: RoleName | null = v.isAdmin ? 'owner' : v.role === 'owner' || v.role === 'moderator' ? v.role : null;
    if (acting && outranks(acting, s.targetRole)) out.push('mute', 'kick', 'ban');
  }
  return out;
}

/**
 * The same visibility rule as SQL over `reports` left-joined to the target's membership `tm`
 * (an alias of room_members), for counting and listing; undefined: no restriction (admins).
 */
export function visibleSql(v: Pick<Viewer, 'isAdmin' | 'role' | 'userId'>, tm: typeof targetMembership): SQL | undefined {
  if (v.isAdmin) return undefined;
  if (v.role === 'owner') return sql`(${reports.targetUserId} <> ${v.userId} AND coalesce(${tm.role}, 'member') <> 'owner')`;
  if (v.role === 'moderator') return sql`(${reports.targetUserId} <> ${v.userId} AND coalesce(${tm.role}, 'member') = 'member')`;
  return sql`1 = 0`;
}

/** The target's membership in the report's room, for {@link visibleSql}. */
export const targetMembership = aliasedTable(roomMembers, 'tm');
