/**
 * How the room is laid out on this device: side panels open or closed and their widths
 * (remembered in localStorage), and on phones which single pane fills the screen.
 */
import { onBeforeUnmount, ref, watch, type Ref } from 'vue';

/** Phones and narrow tablets: one pane at a time (activity, chat or people) with a bottom bar. */
export const PHONE_QUERY = '(max-width: 900px)';

export function useMediaQuery(query: string): Ref<boolean> {
  const mq = window.matchMedia(query);
  const matches = ref(mq.matches);
  const on = (e: MediaQueryListEvent) => (matches.value = e.matches);
  mq.addEventListener('change', on);
  onBeforeUnmount(() => mq.removeEventListener('change', on));
  return matches;
}

/** A ref kept in localStorage under `commonroom.layout.<key>`; bad or missing values give `initial`. */
export function usePersisted<T>(key: string, initial: T, valid: (v: unknown) => v is T): Ref<T> {
  const storageKey = `commonroom.layout.${key}`;
  let start = initial;
  try {
    const raw = localStorage.getItem(storageKey);
    if (raw !== null) {
      const v: unknown = JSON.parse(raw);
      if (valid(v)) start = v;
    }
  } catch {
    /* private mode or a bad value: use the default */
  }
  const r = ref(start) as Ref<T>;
  watch(r, (v) => {
    try {
      localStorage.setItem(storageKey, JSON.stringify(v));
    } catch {
      /* storage full or blocked: the choice lasts for this visit */
    }
  });
  return r;
}

export const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
export const isWidth = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 120 && v <= 2000;

export const CHAT_WIDTH = { min: 280, max: 720, initial: 380 } as const;
export const MEMBERS_WIDTH = { min: 240, max: 480, initial: 300 } as const;

export type PhonePane = 'activity' | 'chat' | 'people';

export function useRoomLayout() {
  const phone = useMediaQuery(PHONE_QUERY);
  return {
    phone,
    membersOpen: usePersisted('membersOpen', true, isBool),
    chatOpen: usePersisted('chatOpen', true, isBool),
    chatWidth: usePersisted('chatWidth', CHAT_WIDTH.initial as number, isWidth),
    membersWidth: usePersisted('membersWidth', MEMBERS_WIDTH.initial as number, isWidth),
    pane: ref<PhonePane>('chat'),
  };
}
