import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './users.js';

/** The problem bank: the shipped problems (`slug` set, seeded at boot) and interviewers' own. */
export const interviewProblems = sqliteTable(
  'interview_problems',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Set for the shipped problems (the seed's key); null for interviewers' own. */
    slug: text('slug'),
    title: text('title').notNull(),
    difficulty: text('difficulty', { enum: ['easy', 'medium', 'hard'] }).notNull(),
    statement: text('statement').notNull(),
    functionName: text('function_name').notNull(),
    compare: text('compare', { enum: ['exact', 'unordered', 'unordered-deep'] }).notNull().default('exact'),
    /** JSON { javascript, typescript, python }. */
    starters: text('starters').notNull(),
    /** JSON [{ input: [...args], expected }]. */
    tests: text('tests').notNull(),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('interview_problems_slug_idx').on(t.slug), index('interview_problems_owner_idx').on(t.createdBy)],
);
