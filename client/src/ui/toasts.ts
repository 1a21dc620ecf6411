/** App-wide toasts: `toast()` from anywhere, <ToastHost> shows them. */
import { reactive } from 'vue';

export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'error';
  title: string;
  body?: string;
  action?: { label: string; run: () => void };
}

let nextId = 1;
export const toasts = reactive<Toast[]>([]);

export function dismissToast(id: number): void {
  const i = toasts.findIndex((t) => t.id === id);
  if (i !== -1) toasts.splice(i, 1);
}

export function toast(t: Omit<Toast, 'id' | 'kind'> & { kind?: Toast['kind']; timeoutMs?: number }): number {
  const id = nextId++;
  const { timeoutMs = t.kind === 'error' ? 7000 : 4500, ...rest } = t;
  toasts.push({ kind: 'info', ...rest, id });
  if (toasts.length > 4) toasts.shift();
  setTimeout(() => dismissToast(id), timeoutMs);
  return id;
}
