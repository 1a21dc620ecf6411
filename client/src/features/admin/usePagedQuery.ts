import { onBeforeUnmount, reactive, ref, watch, type UnwrapNestedRefs } from 'vue';
import { errorMessage } from '../../lib/errors';

/** The query every admin list sends: search text, a filter, a sort column and direction, a page. */
export interface PagedQuery<F extends string, S extends string> {
  q: string;
  filter: F;
  sort: S;
  dir: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

/**
 * One server-side paged list: reloads when filter, sort or page change, debounces typing in the
 * search box (back to page 1), aborts a superseded request, and keeps loading/error state.
 */
export function usePagedQuery<F extends string, S extends string, T>(
  initial: PagedQuery<F, S>,
  fetch: (query: Omit<PagedQuery<F, S>, 'q'> & { q: string | undefined }, signal: AbortSignal) => Promise<T>,
) {
  const query = reactive(initial) as UnwrapNestedRefs<PagedQuery<F, S>>;
  const data = ref<T | null>(null);
  const loading = ref(false);
  const error = ref('');
  let controller: AbortController | null = null;
  let debounce: ReturnType<typeof setTimeout> | undefined;

  async function load(): Promise<void> {
    controller?.abort();
    controller = new AbortController();
    loading.value = true;
    error.value = '';
    try {
      data.value = (await fetch({ ...(query as PagedQuery<F, S>), q: query.q.trim() || undefined }, controller.signal)) as T;
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      error.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  }

  watch(() => [query.filter, query.sort, query.dir, query.page], load, { immediate: true });
  watch(
    () => query.q,
    () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => (query.page !== 1 ? (query.page = 1) : void load()), 250);
    },
  );
  watch(() => query.filter, () => (query.page = 1));
  onBeforeUnmount(() => {
    clearTimeout(debounce);
    controller?.abort();
  });

  function sortBy(column: S, dir: 'asc' | 'desc'): void {
    Object.assign(query, { sort: column, dir, page: 1 });
  }

  return { query, data, loading, error, load, sortBy };
}
