/** Opens the "Report" dialog from the message toolbar or the member menu (one dialog per room page). */
import { reactive } from 'vue';
import type { PublicUser } from '@protocol/users.js';

export interface ReportTarget {
  roomId: number;
  user: PublicUser;
  /** Set when a message is reported; its text is shown in the dialog. */
  message?: { id: number; text: string };
}

export const reportDialog = reactive({ target: null as ReportTarget | null });

export function openReport(target: ReportTarget): void {
  reportDialog.target = target;
}
