/** fetch with JSON, the session cookie and typed errors. */
import type { ErrorBody } from '@protocol/errors.js';
import { ApiError } from './errors';

let onUnauthenticated: (() => void) | null = null;

/** Called when any API request answers 401 UNAUTHENTICATED (the session ended). */
export function setUnauthenticatedHandler(fn: () => void): void {
  onUnauthenticated = fn;
}

interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const hasBody = opts.body !== undefined;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: hasBody ? { 'content-type': 'application/json', accept: 'application/json' } : { accept: 'application/json' },
      body: hasBody ? JSON.stringify(opts.body) : undefined,
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError('NETWORK', 'Network error');
  }
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const body = (data as { error?: ErrorBody } | null)?.error;
    const header = Number(res.headers.get('retry-after'));
    const err = body
      ? new ApiError(body.code, body.message, res.status, body.retryAfter ?? (header > 0 ? header : undefined))
      : new ApiError(res.status >= 500 ? 'INTERNAL' : 'VALIDATION', res.statusText, res.status);
    if (err.code === 'UNAUTHENTICATED') onUnauthenticated?.();
    throw err;
  }
  return data as T;
}

export const http = {
  get: <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, { signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  del: <T = void>(path: string) => request<T>('DELETE', path),
};
