/**
 * Live documents (SPEC D1-D2): room notes and code pads edited together through Yjs. Schemas and
 * DTOs shared by the server and the client.
 */
import { z } from 'zod';
import { DOC_KINDS, DOC_LANGUAGES, DOC_TITLE_MAX, RUN_LINE_MAX, RUN_OUTPUT_LINES_MAX, RUNNABLE_LANGUAGES, type DocKind, type DocLanguage } from './docs-constants.js';

export const docIdSchema = z.number().int().positive();
export const docTitleSchema = z.string().trim().min(1).max(DOC_TITLE_MAX);
export const docKindSchema = z.enum(DOC_KINDS);
export const docLanguageSchema = z.enum(DOC_LANGUAGES);

/** Binary payloads (Yjs updates, state vectors, awareness): a Uint8Array (Node's Buffer is one) or an ArrayBuffer. */
export const bytesSchema = (max: number) =>
  z
    .union([z.instanceof(Uint8Array), z.instanceof(ArrayBuffer)])
    .transform((b) => (b instanceof Uint8Array ? b : new Uint8Array(b)))
    .refine((b) => b.byteLength <= max, { message: `at most ${max} bytes` });

/** A document as listed in a room. */
export interface DocSummary {
  id: number;
  roomId: number;
  title: string;
  kind: DocKind;
  language: DocLanguage;
  createdBy: number;
  createdAt: number;
  updatedAt: number;
  /** Who last changed the text (null before the first edit). */
  lastEditor: { id: number; displayName: string } | null;
}

const publicEditor = z.object({ id: z.number(), displayName: z.string() }).nullable();
export const docSummarySchemaOut = z.object({
  id: z.number(),
  roomId: z.number(),
  title: z.string(),
  kind: docKindSchema,
  language: docLanguageSchema,
  createdBy: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
  lastEditor: publicEditor,
});
export const docListSchemaOut = z.object({ documents: z.array(docSummarySchemaOut) });
export const docParams = z.object({ id: z.coerce.number().int().positive(), docId: z.coerce.number().int().positive() });

/** The console output of one run of a code pad (run in the runner's browser, shared with everyone). */
export const docRunSchema = z
  .object({
    language: z.enum(RUNNABLE_LANGUAGES),
    status: z.enum(['ok', 'error', 'timeout']),
    durationMs: z.number().int().min(0).max(600_000),
    lines: z
      .array(z.object({ stream: z.enum(['out', 'err']), text: z.string().max(RUN_LINE_MAX) }).strict())
      .max(RUN_OUTPUT_LINES_MAX),
  })
  .strict();
export type DocRunInput = z.infer<typeof docRunSchema>;
export interface DocRun extends DocRunInput {
  id: string;
  by: { id: number; displayName: string };
  at: number;
}

/** One edit session of the timeline: one author's updates with no pause longer than a minute. */
export interface DocHistorySession {
  /** Last update id of the session: the history point to view, diff or restore. */
  upto: number;
  user: { id: number; displayName: string } | null;
  startedAt: number;
  endedAt: number;
  updates: number;
  /** Characters inserted and deleted. */
  added: number;
  removed: number;
  /** A restore: the point whose text it brought back. */
  restoredFrom: number | null;
  /** Its updates were folded into the document's base (only this checkpoint remains). */
  compacted: boolean;
  /**
   * Its text can be viewed, diffed and restored. False for a compacted session: past the history
   * window only a summary is kept (ADR 0039), unless a named version marks the same point.
   */
  viewable: boolean;
}

/** A version a member named. */
export interface DocVersion {
  id: number;
  name: string;
  upto: number;
  by: { id: number; displayName: string } | null;
  at: number;
}

export interface DocHistory {
  /** Newest first. */
  sessions: DocHistorySession[];
  /** Newest first. */
  versions: DocVersion[];
  /** The latest point (the current text). */
  head: number;
  /** Older sessions than these exist: ask again with `before` = the last one's `upto`. */
  more: boolean;
}
