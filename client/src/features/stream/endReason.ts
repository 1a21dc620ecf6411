/** Pure: what viewers are told when a stream ends. */
import type { StreamEndReason } from '@protocol/stream.js';

export function endReasonText(reason: StreamEndReason, error: string | null = null): string {
  switch (reason) {
    case 'stopped':
      return 'The broadcaster ended the stream.';
    case 'kicked':
      return 'A moderator stopped the stream.';
    case 'key_rotated':
      return 'The stream key was changed, so the broadcast was disconnected.';
    case 'shutdown':
      return 'The server restarted. The broadcaster can go live again in a moment.';
    case 'room_deleted':
      return 'The room was deleted.';
    case 'error':
      return error ? `The stream failed: ${error}` : 'The stream failed on the server.';
  }
  return 'The stream ended.';
}
