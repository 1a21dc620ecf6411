/**
 * Files attached to chat messages, fetched once per page load through the normal file route (so
 * membership is checked every time: a kicked user gets nothing). A 404 means the file was trashed
 * or deleted: the card shows it as unavailable.
 */
import { reactive } from 'vue';
import type { FileDto } from '@protocol/files.js';
import { http } from '../../../lib/http';
import { onRoomFact } from '../../room/useRoomStore';

export type AttachedState = { status: 'loading' } | { status: 'ready'; file: FileDto } | { status: 'gone' } | { status: 'error' };

const cache = reactive(new Map<string, AttachedState>());
const key = (roomId: number, fileId: number) => `${roomId}:${fileId}`;

async function load(roomId: number, fileId: number): Promise<void> {
  cache.set(key(roomId, fileId), { status: 'loading' });
  try {
    const { file } = await http.get<{ file: FileDto }>(`/api/rooms/${roomId}/files/${fileId}`);
    cache.set(key(roomId, fileId), { status: 'ready', file });
  } catch (err) {
    const status = (err as { status?: number }).status;
    cache.set(key(roomId, fileId), status === 404 ? { status: 'gone' } : { status: 'error' });
  }
}

// Live: a thumbnail made, a rename, the trash or a purge show on cards already on screen.
onRoomFact('files:file', ({ file }) => {
  const k = key(file.roomId, file.id);
  if (cache.has(k)) cache.set(k, file.deletedAt === null ? { status: 'ready', file } : { status: 'gone' });
});
onRoomFact('files:purged', ({ fileIds }) => {
  for (const k of cache.keys()) if (fileIds.includes(Number(k.split(':')[1]))) cache.set(k, { status: 'gone' });
});

/** The state of an attached file, loading it on first use. */
export function attached(roomId: number, fileId: number): AttachedState {
  const k = key(roomId, fileId);
  if (!cache.has(k)) void load(roomId, fileId);
  return cache.get(k) ?? { status: 'loading' };
}

/** Loads the file again (before opening a preview: it may have been trashed meanwhile). */
export async function refreshAttached(roomId: number, fileId: number): Promise<AttachedState> {
  await load(roomId, fileId);
  return cache.get(key(roomId, fileId))!;
}
