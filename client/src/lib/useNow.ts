import { onBeforeUnmount, ref, type Ref } from 'vue';

/** A reactive "now" that ticks every `intervalMs` while the component lives. */
export function useNow(intervalMs = 30_000): Ref<number> {
  const now = ref(Date.now());
  const timer = setInterval(() => (now.value = Date.now()), intervalMs);
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}
