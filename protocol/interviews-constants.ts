/**
 * Interview sessions' limits and choices, free of zod so client chunks can import them.
 */
export const INTERVIEW_LANGUAGES = ['javascript', 'typescript', 'python'] as const;
export type InterviewLanguage = (typeof INTERVIEW_LANGUAGES)[number];

export const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

/** How a test's return value is compared with the expected one. */
export const COMPARE_MODES = ['exact', 'unordered', 'unordered-deep'] as const;
export type CompareMode = (typeof COMPARE_MODES)[number];

export const RECOMMENDATIONS = ['strong-no', 'no', 'yes', 'strong-yes'] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];
export const RECOMMENDATION_LABELS: Record<Recommendation, string> = { 'strong-no': 'Strong no', no: 'No', yes: 'Yes', 'strong-yes': 'Strong yes' };

/** Scorecard criteria, each rated 1-4. */
export const CRITERIA = ['problem-solving', 'coding', 'testing', 'communication'] as const;
export type Criterion = (typeof CRITERIA)[number];
export const CRITERIA_LABELS: Record<Criterion, string> = { 'problem-solving': 'Problem solving', coding: 'Code quality', testing: 'Testing & edge cases', communication: 'Communication' };

export const SESSION_NAME_MAX = 120;
export const PROBLEM_TITLE_MAX = 120;
export const PROBLEM_STATEMENT_MAX = 8_000;
export const STARTER_MAX = 4_000;
export const TEST_CASES_MAX = 20;
/** JSON of one test case's input or expected value. */
export const TEST_VALUE_MAX = 2_000;
export const NOTES_MAX = 20_000;
/** Problems one interviewer may add. */
export const OWN_PROBLEMS_MAX = 100;
/** Sessions one interviewer may create per hour. */
export const SESSIONS_PER_HOUR = 30;
/** Sessions per page of a session list (the host's history, a room's sessions). */
export const SESSIONS_PAGE = 25;
/** Observers per session. */
export const OBSERVERS_MAX = 10;
/** Test runs kept per session. */
export const RUNS_MAX = 500;
/** Replay: a person's cursor is sampled at most this often (the last position of a burst is kept). */
export const CURSOR_SAMPLE_MS = 250;
/** Replay: cursor samples kept per session (beyond it, later moves are not recorded; edits still are). */
export const CURSORS_MAX = 30_000;
