/**
 * One schema builder for every user text field (messages, names, room names, to-dos, goals,
 * labels, reasons): text made only of invisible characters counts as empty everywhere.
 */
import { z } from 'zod';
import { isBlankText } from './text-constants.js';

export * from './text-constants.js';

/**
 * A user text field of at most `max` characters, trimmed unless `trim: false` (chat keeps leading
 * spaces). Required fields refuse blank text with "is empty"; optional ones (`required: false`)
 * turn blank text into ''.
 */
export function userText(max: number, opts: { required?: boolean; trim?: boolean } = {}) {
  const { required = true, trim = true } = opts;
  const base = trim ? z.string().trim().max(max) : z.string().max(max);
  // overwrite (not transform) keeps the type a string, so OpenAPI schemas still describe it.
  return required ? base.min(1, 'is empty').refine((t) => !isBlankText(t), 'is empty') : base.overwrite((t) => (isBlankText(t) ? '' : t));
}
