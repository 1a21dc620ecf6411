/** The reports part of the socket contract (merged into events.ts): personal events only. */
export type ReportsPersonalEvents = {
  /**
   * Sent to each person who may see a room's reports (its owner and moderators, by the visibility
   * rules, and instance admins) when a report there is filed or acted on. `open`: how many open
   * reports in that room this person may see. Never sent to the reporter as such or to members.
   */
  'report:changed': (fact: { roomId: number; reportId: number; open: number }) => void;
};
