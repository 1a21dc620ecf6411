/** HTTP calls of interview sessions (server/interviews/interviews.routes.ts). */
import type {
  InterviewInvites,
  InterviewPrivate,
  InterviewReplay,
  InterviewSession,
  InterviewView,
  Problem,
  ProblemInput,
  ProblemSummary,
  RoomSessionItem,
  Scorecard,
  SessionHistoryItem,
  SessionPage,
  TestRun,
  TestRunInput,
} from '@protocol/interviews.js';
import type { InterviewLanguage } from '@protocol/interviews-constants.js';
import { request } from '../../lib/http';

const base = (id: string) => `/api/interviews/${encodeURIComponent(id)}`;

export const interviewsApi = {
  problems: () => request<{ problems: ProblemSummary[] }>('GET', '/api/interview-problems').then((r) => r.problems),
  problem: (id: number) => request<{ problem: Problem }>('GET', `/api/interview-problems/${id}`).then((r) => r.problem),
  addProblem: (input: ProblemInput) => request<{ problem: Problem }>('POST', '/api/interview-problems', { body: input }).then((r) => r.problem),
  create: (body: { name: string; problemId: number; language: InterviewLanguage; fromRoomId?: number }) =>
    request<InterviewView & { invites: InterviewInvites }>('POST', '/api/interviews', { body }),
  history: (before?: string | null) => request<SessionPage<SessionHistoryItem>>('GET', `/api/interviews${before ? `?before=${encodeURIComponent(before)}` : ''}`),
  roomSessions: (roomId: number, before?: string | null) => request<SessionPage<RoomSessionItem>>('GET', `/api/rooms/${roomId}/interviews${before ? `?before=${encodeURIComponent(before)}` : ''}`),
  byRoom: (roomId: number) => request<{ id: string }>('GET', `/api/interviews/by-room/${roomId}`).then((r) => r.id),
  get: (id: string) => request<InterviewView>('GET', base(id)),
  join: (id: string, token: string) => request<InterviewView>('POST', `${base(id)}/join`, { body: { token } }),
  invites: (id: string) => request<{ invites: InterviewInvites }>('POST', `${base(id)}/invites`, { body: {} }).then((r) => r.invites),
  timer: (id: string, action: 'start' | 'stop' | 'reset') => request<{ session: InterviewSession }>('POST', `${base(id)}/timer`, { body: { action } }).then((r) => r.session),
  end: (id: string) => request<{ session: InterviewSession }>('POST', `${base(id)}/end`, { body: {} }).then((r) => r.session),
  runs: (id: string) => request<{ runs: TestRun[] }>('GET', `${base(id)}/runs`).then((r) => r.runs),
  addRun: (id: string, run: TestRunInput) => request<{ run: TestRun }>('POST', `${base(id)}/runs`, { body: run }).then((r) => r.run),
  getPrivate: (id: string) => request<InterviewPrivate>('GET', `${base(id)}/private`),
  putPrivate: (id: string, notes: string, scorecard: Scorecard) => request<InterviewPrivate>('PUT', `${base(id)}/private`, { body: { notes, scorecard } }),
  replay: (id: string) => request<InterviewReplay>('GET', `${base(id)}/replay`),
};

/** The links to hand out, from the tokens (shown to the host once; new ones can be made). */
export const inviteUrl = (id: string, token: string) => `${location.origin}/session/${id}?invite=${token}`;
