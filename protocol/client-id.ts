import { z } from 'zod';

/**
 * A client-generated idempotency key (a UUID or 16+ random url-safe characters) on create
 * commands and routes: a retry with the same key after a lost answer gets the original result
 * and creates nothing twice. Keys are per user; reuse one only for a retry of the same request.
 */
export const clientIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'a client id (16-64 letters, digits, _ or -)');
