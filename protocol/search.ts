import { z } from 'zod';
import { userSchemaOut } from './users.js';

export const SEARCH_PAGE_MAX = 50;
export const SEARCH_QUERY_MAX = 500;

export const searchQuerySchema = z.object({
  /** Words, "phrases" and filters: from:<username> in:<room> has:link|file before:/after:YYYY-MM-DD. */
  q: z.string().max(SEARCH_QUERY_MAX),
  /** Pass the previous page's `nextCursor` for older results. */
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(SEARCH_PAGE_MAX).default(20),
});

/** A piece of a result's snippet; `hl` pieces matched the query. Render as text, never as HTML. */
export const snippetSegmentSchema = z.object({ text: z.string(), hl: z.boolean() });
export type SnippetSegment = z.infer<typeof snippetSegmentSchema>;

export const searchHitSchemaOut = z.object({
  messageId: z.number(),
  roomId: z.number(),
  roomName: z.string(),
  author: userSchemaOut,
  createdAt: z.number(),
  editedAt: z.number().nullable(),
  snippet: z.array(snippetSegmentSchema),
});
export type SearchHit = z.infer<typeof searchHitSchemaOut>;

export const searchPageSchemaOut = z.object({
  hits: z.array(searchHitSchemaOut),
  /** Newest first; pass as `cursor` for the next page; null at the end. */
  nextCursor: z.number().nullable(),
});
export type SearchPage = z.infer<typeof searchPageSchemaOut>;
