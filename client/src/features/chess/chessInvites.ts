/**
 * "X challenges you" toasts, wherever the addressee is in the app (the chess store itself loads
 * only with the chess stage). Each toast is keyed by its challenge and closes as soon as the
 * challenge stops being open: accepted on another device, declined, withdrawn or lapsed.
 */
import type { Router } from 'vue-router';
import { errorMessage } from '../../lib/errors';
import { command, getSocket } from '../../lib/socket';
import { dismissToastsByKey, toast } from '../../ui/toasts';
import { onRoomFact } from '../room/useRoomStore';
import { playSound } from './sounds';
import { tcLabel } from './timeControl';

/** Toast key of the invitation to one challenge. */
export const inviteKey = (gameId: number) => `chess-invite:${gameId}`;

let listening = false;

/** Starts showing invitations (idempotent; App.vue calls it once). */
export function listenForChessInvites(router: Router): void {
  if (listening) return;
  listening = true;
  const socket = getSocket();

  async function accept(gameId: number, roomId: number): Promise<void> {
    try {
      const view = await command('chess:accept', { gameId });
      await router.push({ path: `/rooms/${roomId}`, query: { a: 'chess', g: String(view.id) } });
    } catch (err) {
      toast({ kind: 'error', title: 'Could not start the game', body: errorMessage(err) });
    }
  }

  socket.on('chess:invited', (f) => {
    playSound('notify');
    toast({
      key: inviteKey(f.game.id),
      title: `${f.game.createdBy.displayName} challenges you to a game`,
      body: `${tcLabel(f.game.timeControl)} · ${f.roomName}`,
      timeoutMs: 20_000,
      action: { label: 'Accept', run: () => void accept(f.game.id, f.roomId) },
    });
  });
  socket.on('chess:inviteClosed', (f) => dismissToastsByKey(inviteKey(f.gameId)));
  // The room's own facts say the same to a viewer of that room (and cover a missed personal event).
  onRoomFact('chess:cancelled', (f) => dismissToastsByKey(inviteKey(f.gameId)));
  onRoomFact('chess:started', (f) => dismissToastsByKey(inviteKey(f.game.id)));
}
