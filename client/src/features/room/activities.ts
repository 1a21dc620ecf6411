/**
 * Things a room can show on its stage beside the chat (games, the live stream...). Each feature
 * adds one entry here; its component is loaded only when first opened, so the room's own bundle
 * stays small. The open activity is kept in the URL (`?a=<id>`), so links and reloads keep it.
 */
import type { Component } from 'vue';
import type { IconName } from '../../ui/Icon.vue';
import { isLiveHere } from '../stream/liveStatus';
import { reportBadge } from '../reports/reportBadge';
import { useRoomStore } from './useRoomStore';

export interface RoomActivity {
  id: string;
  label: string;
  /** The tab's icon (our own SVG icons: emoji need a font that not every machine has). */
  icon: IconName;
  /** Shows a red dot on the tab (read reactively by the tab bar). */
  alert?: boolean;
  /** Not offered to me (e.g. moderators' tools); read reactively. */
  hidden?: boolean;
  /** A count shown on the tab (read reactively). */
  badge?: number;
  /** Receives the prop `roomId: number`. */
  load: () => Promise<{ default: Component }>;
}

export const roomActivities: RoomActivity[] = [
  { id: 'chess', label: 'Chess', icon: 'knight', load: () => import('../chess/ChessStage.vue') },
  { id: 'blackjack', label: 'Blackjack', icon: 'cards', load: () => import('../blackjack/BlackjackStage.vue') },
  { id: 'music', label: 'Music', icon: 'music', load: () => import('../music/MusicStage.vue') },
  { id: 'call', label: 'Call', icon: 'video', load: () => import('../calls/CallStage.vue') },
  { id: 'files', label: 'Files', icon: 'folder', load: () => import('../files/FilesStage.vue') },
  // A getter: the tab shows a red dot while the room is live (read reactively by the tab bar).
  { id: 'live', label: 'Live', icon: 'radio', get alert() { return isLiveHere(); }, load: () => import('../stream/StreamStage.vue') },
  { id: 'docs', label: 'Docs', icon: 'book-open', load: () => import('../documents/DocsStage.vue') },
  // Owner and moderators only; the badge counts the open reports they may see.
  { id: 'reports', label: 'Reports', icon: 'shield', get hidden() { return !useRoomStore().isModerator; }, get badge() { return reportBadge.open; }, load: () => import('../reports/ReportsStage.vue') },
];
