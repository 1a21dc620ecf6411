/**
 * Ctrl/Cmd+K anywhere, or "/" outside a text field, opens message search (or focuses its box
 * when already there).
 */
import { onBeforeUnmount, onMounted, ref } from 'vue';
import type { Router } from 'vue-router';

/** Bumped when the shortcut is pressed on the search page itself: the page focuses its box. */
export const focusSearchRequests = ref(0);

function typingTarget(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  return el.isContentEditable || el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement;
}

/** Pure: does this key press ask for search? */
export function isSearchShortcut(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>, inTextField: boolean): boolean {
  if (e.altKey) return false;
  if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'k') return true;
  return e.key === '/' && !e.ctrlKey && !e.metaKey && !inTextField;
}

export function useSearchShortcut(router: Router, enabled: () => boolean): void {
  const onKey = (e: KeyboardEvent) => {
    if (e.defaultPrevented || !enabled() || !isSearchShortcut(e, typingTarget(e.target))) return;
    // An open dialog keeps the keyboard.
    if (document.querySelector('dialog[open]')) return;
    e.preventDefault();
    if (router.currentRoute.value.name === 'search') focusSearchRequests.value++;
    else void router.push({ name: 'search' });
  };
  onMounted(() => window.addEventListener('keydown', onKey));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey));
}
