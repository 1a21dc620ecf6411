/** Test helper: the client's DocSync driven over a real socket.io-client socket. */
import type { DocTransport } from '../../client/src/features/documents/docSync.js';
import type { ClientSocket } from '../test/harness.js';

export function socketTransport(socket: ClientSocket): DocTransport {
  const s = socket as unknown as {
    on(e: string, f: (p: any) => void): void;
    off(e: string, f: (p: any) => void): void;
    emit(e: string, p: unknown, cb: (a: any) => void): void;
    connected: boolean;
  };
  return {
    command: (name, payload) =>
      new Promise((resolve, reject) => {
        if (!s.connected) return reject(Object.assign(new Error('offline'), { code: 'TIMEOUT' }));
        const timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })), 5000);
        s.emit(name, payload, (ack: { ok: boolean; data?: any; error?: { code: string; message: string } }) => {
          clearTimeout(timer);
          if (ack.ok) resolve(ack.data);
          else reject(Object.assign(new Error(ack.error!.message), ack.error));
        });
      }),
    on: (e, f) => s.on(e, f),
    off: (e, f) => s.off(e, f),
    onConnect: (fn) => {
      s.on('connect', fn);
      return () => s.off('connect', fn);
    },
    connected: () => s.connected,
  };
}
