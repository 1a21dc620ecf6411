/** Report reasons and actions (zod-free: safe for client chunks). */
export const REPORT_REASONS = ['spam', 'harassment', 'inappropriate', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

export const REPORT_REASON_LABELS: Record<ReportReason, string> = {
  spam: 'Spam',
  harassment: 'Harassment',
  inappropriate: 'Inappropriate content',
  other: 'Something else',
};

export const REPORT_ACTIONS = ['dismiss', 'delete_message', 'mute', 'kick', 'ban'] as const;
export type ReportActionName = (typeof REPORT_ACTIONS)[number];

export const REPORT_STATUSES = ['open', 'resolved', 'dismissed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const REPORT_NOTE_MAX = 500;
/** Messages shown before and after a reported message. */
export const REPORT_CONTEXT = 3;
