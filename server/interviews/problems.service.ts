/**
 * The problem bank: the shipped problems (seeded idempotently by slug at boot) and interviewers'
 * own (visible to their author only, validated and size-capped by protocol/interviews.ts).
 */
import { and, asc, count, eq, isNull, or } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import { interviewProblems } from '../../db/schema/index.js';
import { OWN_PROBLEMS_MAX, type CompareMode, type Difficulty, type InterviewLanguage } from '../../protocol/interviews-constants.js';
import type { Problem, ProblemSummary, TestCase, problemInputSchema } from '../../protocol/interviews.js';
import { AppError } from '../plugins/errors.js';
import { PROBLEM_BANK, starters } from './problem-bank.js';

type Row = typeof interviewProblems.$inferSelect;

export function toProblem(r: Row): Problem {
  return {
    id: r.id,
    title: r.title,
    difficulty: r.difficulty as Difficulty,
    builtin: r.slug !== null,
    createdBy: r.createdBy,
    statement: r.statement,
    functionName: r.functionName,
    compare: r.compare as CompareMode,
    starters: JSON.parse(r.starters) as Record<InterviewLanguage, string>,
    tests: JSON.parse(r.tests) as TestCase[],
  };
}

const toSummary = (r: Pick<Row, 'id' | 'title' | 'difficulty' | 'slug' | 'createdBy'>): ProblemSummary => ({
  id: r.id,
  title: r.title,
  difficulty: r.difficulty as Difficulty,
  builtin: r.slug !== null,
  createdBy: r.createdBy,
});

export class ProblemsService {
  constructor(private readonly db: Db) {}

  /** Inserts or refreshes the shipped problems (by slug); safe to run at every boot. */
  async seed(): Promise<void> {
    const now = Date.now();
    for (const p of PROBLEM_BANK) {
      const values = {
        title: p.title,
        difficulty: p.difficulty,
        statement: p.statement,
        functionName: p.functionName,
        compare: p.compare,
        starters: JSON.stringify(starters(p)),
        tests: JSON.stringify(p.tests),
      };
      await this.db
        .insert(interviewProblems)
        .values({ slug: p.slug, createdAt: now, ...values })
        .onConflictDoUpdate({ target: interviewProblems.slug, set: values });
    }
  }

  /** The bank's problems and the caller's own. */
  async list(userId: number): Promise<ProblemSummary[]> {
    const rows = await this.db
      .select({ id: interviewProblems.id, title: interviewProblems.title, difficulty: interviewProblems.difficulty, slug: interviewProblems.slug, createdBy: interviewProblems.createdBy })
      .from(interviewProblems)
      .where(or(isNull(interviewProblems.createdBy), eq(interviewProblems.createdBy, userId)))
      .orderBy(asc(interviewProblems.id));
    return rows.map(toSummary);
  }

  /** A problem the caller may use: the bank's, or their own (someone else's is NOT_FOUND). */
  async get(problemId: number, userId: number): Promise<Problem> {
    const [row] = await this.db
      .select()
      .from(interviewProblems)
      .where(and(eq(interviewProblems.id, problemId), or(isNull(interviewProblems.createdBy), eq(interviewProblems.createdBy, userId))))
      .limit(1);
    if (!row) throw new AppError('NOT_FOUND', 'No such problem.');
    return toProblem(row);
  }

  /** Any problem by id (a session shows its problem to everyone in it). */
  async byId(problemId: number): Promise<Problem> {
    const [row] = await this.db.select().from(interviewProblems).where(eq(interviewProblems.id, problemId)).limit(1);
    if (!row) throw new AppError('NOT_FOUND', 'No such problem.');
    return toProblem(row);
  }

  async create(userId: number, input: z.output<typeof problemInputSchema>): Promise<Problem> {
    const [{ n } = { n: 0 }] = await this.db.select({ n: count() }).from(interviewProblems).where(eq(interviewProblems.createdBy, userId));
    if (n >= OWN_PROBLEMS_MAX) throw new AppError('CONFLICT', `You can keep at most ${OWN_PROBLEMS_MAX} problems of your own.`);
    const [row] = await this.db
      .insert(interviewProblems)
      .values({
        slug: null,
        title: input.title,
        difficulty: input.difficulty,
        statement: input.statement,
        functionName: input.functionName,
        compare: input.compare,
        starters: JSON.stringify(input.starters),
        tests: JSON.stringify(input.tests.map((t) => ({ input: t.input, expected: t.expected }))),
        createdBy: userId,
        createdAt: Date.now(),
      })
      .returning();
    return toProblem(row!);
  }

  async remove(problemId: number, userId: number): Promise<void> {
    const [row] = await this.db.select({ id: interviewProblems.id }).from(interviewProblems).where(and(eq(interviewProblems.id, problemId), eq(interviewProblems.createdBy, userId))).limit(1);
    if (!row) throw new AppError('NOT_FOUND', 'No such problem of yours.');
    try {
      await this.db.delete(interviewProblems).where(eq(interviewProblems.id, problemId));
    } catch {
      throw new AppError('CONFLICT', 'A session uses this problem: it stays in your bank.');
    }
  }
}
