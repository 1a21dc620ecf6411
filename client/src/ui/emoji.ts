/**
 * The reaction emoji as shipped Twemoji SVGs (npm `@twemoji/svg`, graphics CC-BY 4.0), so they
 * render on machines without an emoji font. Only the handful the reaction picker offers are
 * bundled; Vite inlines each (<4 KB) into the chat chunk, never the lobby's.
 */
import type { REACTION_EMOJI } from '@protocol/chat-constants.js';
import thumbsUp from '@twemoji/svg/1f44d.svg?url';
import heart from '@twemoji/svg/2764.svg?url';
import joy from '@twemoji/svg/1f602.svg?url';
import party from '@twemoji/svg/1f389.svg?url';
import wow from '@twemoji/svg/1f62e.svg?url';
import cry from '@twemoji/svg/1f622.svg?url';
import fire from '@twemoji/svg/1f525.svg?url';
import check from '@twemoji/svg/2705.svg?url';

export type ReactionEmoji = (typeof REACTION_EMOJI)[number];

export const EMOJI: Record<ReactionEmoji, { src: string; name: string }> = {
  '👍': { src: thumbsUp, name: 'thumbs up' },
  '❤️': { src: heart, name: 'heart' },
  '😂': { src: joy, name: 'laughing' },
  '🎉': { src: party, name: 'party' },
  '😮': { src: wow, name: 'surprised' },
  '😢': { src: cry, name: 'sad' },
  '🔥': { src: fire, name: 'fire' },
  '✅': { src: check, name: 'done' },
};

/** The shipped image and a spoken name for a reaction, or null for one we do not ship. */
export function emojiInfo(emoji: string): { src: string; name: string } | null {
  return (EMOJI as Record<string, { src: string; name: string }>)[emoji] ?? null;
}
