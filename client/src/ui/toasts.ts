/**
 * App-wide toasts: `toast()` from anywhere, <ToastHost> shows them.
 *
 * A toast about something that can change elsewhere (a challenge, an alarm, a stream) carries a
 * `key` naming that thing: the code that hears the change calls {@link dismissToastsByKey}, so a
 * toast never offers an action on something that is already gone. A new toast with the key of a
 * shown one replaces it in place.
 */
import { reactive } from 'vue';

export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'error';
  title: string;
  body?: string;
  /** What the toast is about, e.g. `chess-invite:12`; see {@link dismissToastsByKey}. */
  key?: string;
  action?: { label: string; run: () => void };
}

export type ToastInput = Omit<Toast, 'id' | 'kind'> & { kind?: Toast['kind']; timeoutMs?: number };

let nextId = 1;
export const toasts = reactive<Toast[]>([]);
const timers = new Map<number, ReturnType<typeof setTimeout>>();

export function dismissToast(id: number): void {
  clearTimeout(timers.get(id));
  timers.delete(id);
  const i = toasts.findIndex((t) => t.id === id);
  if (i !== -1) toasts.splice(i, 1);
}

/** Closes every toast whose key is `key`, or starts with it when `key` ends with `:` or `*`. */
export function dismissToastsByKey(key: string): void {
  const prefix = key.endsWith('*') ? key.slice(0, -1) : key.endsWith(':') ? key : null;
  for (const t of [...toasts]) {
    if (t.key !== undefined && (prefix !== null ? t.key.startsWith(prefix) : t.key === key)) dismissToast(t.id);
  }
}

export function toast(t: ToastInput): number {
  const { timeoutMs = t.kind === 'error' ? 7000 : 4500, ...rest } = t;
  const existing = t.key === undefined ? undefined : toasts.find((x) => x.key === t.key);
  const id = existing?.id ?? nextId++;
  const next: Toast = { kind: 'info', ...rest, id };
  if (existing) toasts.splice(toasts.indexOf(existing), 1, next);
  else {
    toasts.push(next);
    if (toasts.length > 4) dismissToast(toasts[0]!.id);
  }
  clearTimeout(timers.get(id));
  timers.set(
    id,
    setTimeout(() => dismissToast(id), timeoutMs),
  );
  return id;
}
