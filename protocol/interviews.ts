/**
 * Interview sessions (SPEC D3): a problem bank, sessions with role-based deep links (host,
 * candidate, observers), tests run in the runner's browser, private notes and a scorecard that only
 * the host ever receives, and keystroke replay. Schemas and DTOs shared by server and client.
 */
import { z } from 'zod';
import {
  COMPARE_MODES,
  CRITERIA,
  DIFFICULTIES,
  INTERVIEW_LANGUAGES,
  NOTES_MAX,
  PROBLEM_STATEMENT_MAX,
  PROBLEM_TITLE_MAX,
  RECOMMENDATIONS,
  SESSION_NAME_MAX,
  STARTER_MAX,
  TEST_CASES_MAX,
  TEST_VALUE_MAX,
  type CompareMode,
  type Criterion,
  type Difficulty,
  type InterviewLanguage,
  type Recommendation,
} from './interviews-constants.js';

export const interviewLanguageSchema = z.enum(INTERVIEW_LANGUAGES);

const jsonValue = (max: number) =>
  z.unknown().refine((v) => {
    try {
      const s = JSON.stringify(v);
      return typeof s === 'string' && s.length <= max;
    } catch {
      return false;
    }
  }, { message: `a JSON value of at most ${max} characters` });

export const testCaseSchema = z
  .object({
    /** The function's arguments. */
    input: z.array(z.unknown()).max(10).refine((a) => JSON.stringify(a).length <= TEST_VALUE_MAX, { message: `input of at most ${TEST_VALUE_MAX} characters` }),
    expected: jsonValue(TEST_VALUE_MAX),
  })
  .strict();
export type TestCase = { input: unknown[]; expected: unknown };

export const problemInputSchema = z
  .object({
    title: z.string().trim().min(3).max(PROBLEM_TITLE_MAX),
    difficulty: z.enum(DIFFICULTIES),
    statement: z.string().trim().min(10).max(PROBLEM_STATEMENT_MAX),
    /** The function the tests call (same name in every language). */
    functionName: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a plain identifier'),
    compare: z.enum(COMPARE_MODES).default('exact'),
    starters: z.object({ javascript: z.string().max(STARTER_MAX), typescript: z.string().max(STARTER_MAX), python: z.string().max(STARTER_MAX) }).strict(),
    tests: z.array(testCaseSchema).min(1).max(TEST_CASES_MAX),
  })
  .strict();
export type ProblemInput = z.input<typeof problemInputSchema>;

export interface ProblemSummary {
  id: number;
  title: string;
  difficulty: Difficulty;
  builtin: boolean;
  /** Mine (null for the bank's own). */
  createdBy: number | null;
}
export interface Problem extends ProblemSummary {
  statement: string;
  functionName: string;
  compare: CompareMode;
  starters: Record<InterviewLanguage, string>;
  tests: TestCase[];
}

export type SessionRole = 'host' | 'candidate' | 'observer';

export interface SessionPerson {
  id: number;
  displayName: string;
  username: string;
}

/** One test-case outcome of a run (compared in the runner's browser). */
export const caseResultSchema = z
  .object({
    index: z.number().int().min(0).max(TEST_CASES_MAX - 1),
    pass: z.boolean(),
    got: z.string().max(500).optional(),
    error: z.string().max(500).optional(),
    ms: z.number().int().min(0).max(600_000),
  })
  .strict();
export type CaseResult = z.infer<typeof caseResultSchema>;

export const testRunInputSchema = z
  .object({
    language: interviewLanguageSchema,
    status: z.enum(['ok', 'error', 'timeout']),
    durationMs: z.number().int().min(0).max(600_000),
    cases: z.array(caseResultSchema).max(TEST_CASES_MAX),
    /** First lines of console/error output, if any. */
    output: z.string().max(2_000).default(''),
  })
  .strict();
export type TestRunInput = z.input<typeof testRunInputSchema>;

export interface TestRun {
  id: number;
  by: SessionPerson;
  at: number;
  language: InterviewLanguage;
  status: 'ok' | 'error' | 'timeout';
  durationMs: number;
  passed: number;
  total: number;
  cases: CaseResult[];
  output: string;
}

export interface InterviewTimer {
  /** Set while running: the instant it (re)started. */
  startedAt: number | null;
  /** Time counted before `startedAt`. */
  accumulatedMs: number;
}

/** What every participant of a session receives. Never notes nor scorecard. */
export interface InterviewSession {
  id: string;
  name: string;
  status: 'open' | 'ended';
  host: SessionPerson;
  candidate: SessionPerson | null;
  observers: SessionPerson[];
  problem: Problem;
  language: InterviewLanguage;
  /** The hidden room that carries chat, the call and the code pad. */
  roomId: number;
  docId: number;
  timer: InterviewTimer;
  createdAt: number;
  endedAt: number | null;
  lastRun: TestRun | null;
}

/** The caller's view: the session and their role in it. */
export interface InterviewView {
  session: InterviewSession;
  role: SessionRole;
}

export const scorecardSchema = z
  .object({
    ratings: z.partialRecord(z.enum(CRITERIA), z.number().int().min(1).max(4)),
    recommendation: z.enum(RECOMMENDATIONS).nullable(),
  })
  .strict();
export interface Scorecard {
  ratings: Partial<Record<Criterion, number>>;
  recommendation: Recommendation | null;
}

/** Host only. */
export interface InterviewPrivate {
  notes: string;
  scorecard: Scorecard;
  updatedAt: number | null;
}
export const privateInputSchema = z.object({ notes: z.string().max(NOTES_MAX), scorecard: scorecardSchema }).strict();

/** Host only: the links to hand out (shown when created or renewed; stored only as hashes). */
export interface InterviewInvites {
  candidate: string | null;
  observer: string;
}

export const createSessionSchema = z
  .object({
    name: z.string().trim().min(1).max(SESSION_NAME_MAX),
    problemId: z.number().int().positive(),
    language: interviewLanguageSchema.default('javascript'),
    /** The room it was started from (shown in history), if any: the caller must be a member. */
    fromRoomId: z.number().int().positive().optional(),
  })
  .strict();

export const sessionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/);
export const sessionParams = z.object({ id: sessionIdSchema });
export const joinSchema = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,64}$/) }).strict();
export const timerSchema = z.object({ action: z.enum(['start', 'stop', 'reset']) }).strict();

/** A past session as the host's history lists it. */
export interface SessionHistoryItem {
  id: string;
  name: string;
  problemTitle: string;
  candidate: SessionPerson | null;
  status: 'open' | 'ended';
  createdAt: number;
  endedAt: number | null;
  durationMs: number;
  lastRun: { passed: number; total: number; at: number } | null;
  runs: number;
  scorecard: Scorecard;
}

/** A session as a room's list shows it (never notes nor scorecard); `myRole`: the caller's part in it, if any. */
export type RoomSessionItem = Omit<SessionHistoryItem, 'scorecard'> & { host: SessionPerson; myRole: SessionRole | null };

/** One page of a session list, newest first; `nextCursor` asks for the next (older) page. */
export interface SessionPage<T> {
  sessions: T[];
  nextCursor: string | null;
}
export const sessionCursorSchema = z.string().regex(/^\d{1,15}\.[A-Za-z0-9_-]{22}$/);
export const sessionListQuery = z.object({ before: sessionCursorSchema.optional() }).strict();

/** A Yjs relative position as JSON (`Y.relativePositionToJSON`): an item of the shared text, or its end. */
export interface RelativePositionJson {
  type?: { client: number; clock: number } | null;
  tname?: string | null;
  item?: { client: number; clock: number } | null;
  assoc?: number;
}
/** A cursor and selection (anchor = head: a caret), as the pad's awareness carries it. */
export interface PadCursor {
  anchor: RelativePositionJson;
  head: RelativePositionJson;
}

/** Host only: everything needed to scrub through the code as it was typed. */
export interface InterviewReplay {
  /** Base64 Yjs updates in arrival order. */
  updates: { at: number; by: number | null; data: string }[];
  /** Where the host's and the candidate's cursors and selections were (sampled, in arrival order). */
  cursors: { at: number; by: number | null; cursor: PadCursor }[];
  runs: TestRun[];
  people: SessionPerson[];
  startedAt: number;
}
