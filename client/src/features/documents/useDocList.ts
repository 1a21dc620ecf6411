/**
 * The open room's documents, kept live from the room facts (in sequence order) and fetched again
 * after every room snapshot (first entry, resync).
 */
import { onBeforeUnmount, ref, watch, type Ref } from 'vue';
import type { DocSummary } from '@protocol/docs.js';
import { errorMessage } from '../../lib/errors';
import { command } from '../../lib/socket';
import { onRoomFact, onRoomSnapshot } from '../room/useRoomStore';

export function useDocList(roomId: Ref<number>) {
  const docs = ref<DocSummary[]>([]);
  const loading = ref(true);
  const error = ref<string | null>(null);

  async function load() {
    const id = roomId.value;
    try {
      const list = await command('doc:list', { roomId: id });
      if (id !== roomId.value) return;
      docs.value = list;
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loading.value = false;
    }
  }

  const upsert = (d: DocSummary) => {
    if (d.roomId !== roomId.value) return;
    docs.value = [d, ...docs.value.filter((x) => x.id !== d.id)].sort((a, b) => b.updatedAt - a.updatedAt);
  };
  const offs = [
    onRoomFact('doc:created', (f) => upsert(f.doc)),
    onRoomFact('doc:changed', (f) => upsert(f.doc)),
    onRoomFact('doc:deleted', (f) => {
      if (f.roomId === roomId.value) docs.value = docs.value.filter((d) => d.id !== f.docId);
    }),
    onRoomSnapshot((snap) => {
      if (snap.room.id === roomId.value) void load();
    }),
  ];
  onBeforeUnmount(() => offs.forEach((off) => off()));
  watch(roomId, () => {
    loading.value = true;
    docs.value = [];
    void load();
  }, { immediate: true });

  return { docs, loading, error, reload: load, upsert };
}
