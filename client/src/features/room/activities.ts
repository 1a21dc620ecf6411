/**
 * Things a room can show on its stage beside the chat (games, the live stream...). Each feature
 * adds one entry here; its component is loaded only when first opened, so the room's own bundle
 * stays small. The open activity is kept in the URL (`?a=<id>`), so links and reloads keep it.
 */
import type { Component } from 'vue';
import { isLiveHere } from '../stream/liveStatus';

export interface RoomActivity {
  id: string;
  label: string;
  /** A short glyph shown in the tab (emoji or a single character). */
  glyph: string;
  /** Receives the prop `roomId: number`. */
  load: () => Promise<{ default: Component }>;
}

export const roomActivities: RoomActivity[] = [
  { id: 'chess', label: 'Chess', glyph: '♞', load: () => import('../chess/ChessStage.vue') },
  { id: 'blackjack', label: 'Blackjack', glyph: '🂡', load: () => import('../blackjack/BlackjackStage.vue') },
  { id: 'music', label: 'Music', glyph: '🎵', load: () => import('../music/MusicStage.vue') },
  { id: 'call', label: 'Call', glyph: '📹', load: () => import('../calls/CallStage.vue') },
  // A getter: the tab turns into a red dot while the room is live (read reactively by the tab bar).
  { id: 'live', label: 'Live', get glyph() { return isLiveHere() ? '🔴' : '●'; }, load: () => import('../stream/StreamStage.vue') },
];
