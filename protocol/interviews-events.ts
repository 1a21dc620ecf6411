/**
 * Interview sessions' part of the socket contract (merged into events.ts). Commands go over HTTP
 * (server/interviews/interviews.routes.ts); these facts reach everyone in the session's hidden
 * room (host, candidate, observers), so they carry only public session data — never the host's
 * notes or scorecard, which no socket event carries at all.
 */
import type { InterviewSession, TestRun } from './interviews.js';

export interface InterviewsRoomFacts {
  /** Timer, candidate, observers, status changed. */
  'interview:changed': { session: InterviewSession };
  /** Someone ran the tests in their browser; here are the results. */
  'interview:tested': { sessionId: string; run: TestRun };
}
