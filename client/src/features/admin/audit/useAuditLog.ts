import { reactive, ref } from 'vue';
import type { AuditAction, AuditEntryView, AuditPage } from '@protocol/audit.js';
import { http } from '../../../lib/http';
import { errorMessage } from '../../../lib/errors';

export interface AuditFilterForm {
  actor: string;
  action: AuditAction | '';
  roomId: string;
  /** yyyy-mm-dd from <input type="date">, the admin's local days. */
  fromDay: string;
  toDay: string;
}

/** Local midnight of a yyyy-mm-dd day, plus `addDays`. */
function dayStart(day: string, addDays = 0): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + addDays).getTime();
}

/** The filter form as query parameters (shared by the list and the CSV link). */
export function filterParams(f: AuditFilterForm): URLSearchParams {
  const p = new URLSearchParams();
  if (f.actor.trim()) p.set('actor', f.actor.trim());
  if (f.action) p.set('action', f.action);
  if (/^\d+$/.test(f.roomId.trim())) p.set('roomId', f.roomId.trim());
  if (f.fromDay) p.set('from', String(dayStart(f.fromDay)));
  if (f.toDay) p.set('to', String(dayStart(f.toDay, 1)));
  return p;
}

/** The admin audit log: filters, first page, "load more" with the server's cursor. */
export function useAuditLog() {
  const form = reactive<AuditFilterForm>({ actor: '', action: '', roomId: '', fromDay: '', toDay: '' });
  const entries = ref<AuditEntryView[]>([]);
  const cursor = ref<string | null>(null);
  const loading = ref(false);
  const loadingMore = ref(false);
  const error = ref<string | null>(null);
  let generation = 0;

  async function fetchPage(before: string | null): Promise<AuditPage | null> {
    const p = filterParams(form);
    if (before) p.set('before', before);
    const mine = generation;
    const page = await http.get<AuditPage>(`/api/admin/audit?${p.toString()}`);
    return mine === generation ? page : null;
  }

  async function load(): Promise<void> {
    generation++;
    loading.value = true;
    error.value = null;
    try {
      const page = await fetchPage(null);
      if (!page) return;
      entries.value = page.entries;
      cursor.value = page.nextCursor;
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  }

  async function more(): Promise<void> {
    if (!cursor.value || loadingMore.value) return;
    loadingMore.value = true;
    try {
      const page = await fetchPage(cursor.value);
      if (!page) return;
      entries.value = [...entries.value, ...page.entries];
      cursor.value = page.nextCursor;
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      loadingMore.value = false;
    }
  }

  function reset(): void {
    Object.assign(form, { actor: '', action: '', roomId: '', fromDay: '', toDay: '' });
    void load();
  }

  const exportUrl = () => `/api/admin/audit/export.csv?${filterParams(form).toString()}`;

  return { form, entries, cursor, loading, loadingMore, error, load, more, reset, exportUrl };
}
