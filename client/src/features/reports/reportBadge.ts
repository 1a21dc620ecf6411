/**
 * How many open reports the current room's staff may see, for the badge on the room's Reports
 * tab. Fetched on every room snapshot when I am a moderator or the owner, then moved by the
 * personal `report:changed` event (sent only to the people who may see the room's reports).
 * Small on purpose: the room page imports it through activities.ts; the queue is a lazy chunk.
 */
import { reactive } from 'vue';
import type { ReportList } from '@protocol/reports.js';
import { http } from '../../lib/http';
import { getSocket } from '../../lib/socket';
import { onRoomSnapshot } from '../room/useRoomStore';

export const reportBadge = reactive({
  roomId: null as number | null,
  /** I may see this room's queue (moderator or owner). */
  staff: false,
  open: 0,
  /** Rises on every change to a queue I may see: open queues reload when it moves. */
  version: 0,
});

let listening = false;
/** Subscribes once to `report:changed` (the room page and the admin queue both need it). */
export function listenForReports(): void {
  if (listening) return;
  listening = true;
  getSocket().on('report:changed', (f) => {
    reportBadge.version++;
    if (f.roomId === reportBadge.roomId) reportBadge.open = f.open;
  });
}

export async function refreshReportCount(roomId: number): Promise<void> {
  try {
    const list = await http.get<ReportList>(`/api/rooms/${roomId}/reports?limit=1`);
    if (reportBadge.roomId === roomId) reportBadge.open = list.openCount;
  } catch {
    /* the badge is a hint; the queue shows errors */
  }
}

onRoomSnapshot((snap) => {
  listenForReports();
  reportBadge.roomId = snap.room.id;
  reportBadge.staff = snap.myRole === 'owner' || snap.myRole === 'moderator';
  reportBadge.open = 0;
  if (reportBadge.staff) void refreshReportCount(snap.room.id);
});
