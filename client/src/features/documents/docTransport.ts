/** DocSync over the app's one Socket.IO connection. */
import type { CommandName, CommandPayload } from '@protocol/events.js';
import { command, getSocket, isConnected, onConnected } from '../../lib/socket';
import type { DocTransport } from './docSync';

type Loose = { on(e: string, f: (p: any) => void): void; off(e: string, f: (p: any) => void): void };

export function appTransport(): DocTransport {
  const s = getSocket() as unknown as Loose;
  return {
    command: <T>(name: string, payload: Record<string, unknown>) => command(name as CommandName, payload as CommandPayload<CommandName>) as Promise<T>,
    on: (e, f) => s.on(e, f),
    off: (e, f) => s.off(e, f),
    onConnect: (fn) => onConnected(() => fn()),
    connected: isConnected,
  };
}
