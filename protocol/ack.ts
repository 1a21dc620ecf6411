import type { ErrorBody } from './errors.js';

/** Every socket command is acknowledged with exactly one of these. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export type AckFn<T> = (ack: Ack<T>) => void;
