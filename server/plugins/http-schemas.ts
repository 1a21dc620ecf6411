import { z } from 'zod';
import { ErrorCodes } from '../../protocol/errors.js';

/** The error body every route may answer with; shown in the OpenAPI document. */
export const errorReply = z.object({
  error: z.object({ code: z.enum(ErrorCodes), message: z.string(), retryAfter: z.number().optional() }),
});

export const noContent = z.null().describe('No content');

/** Standard error responses for authenticated routes. */
export const authErrors = { 400: errorReply, 401: errorReply, 403: errorReply, 404: errorReply, 429: errorReply } as const;
