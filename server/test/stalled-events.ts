/**
 * Another node's room events, stalled right after its writes went in: what a process stopped with
 * SIGSTOP after a commit (or an event-loop stall) does (ADR 0040). Nothing it numbers outside a
 * write's transaction (`broadcast`) and nothing it sends happens before `resume()`; what it numbered
 * in a write's own transaction keeps that number. Test-only.
 */
import { RoomEvents } from '../rooms/room-events.js';

export function stalledRoomEvents(of: RoomEvents): { events: RoomEvents; resume: () => void } {
  const inner = of as unknown as { db: ConstructorParameters<typeof RoomEvents>[0]; io: ConstructorParameters<typeof RoomEvents>[1] };
  const events = new RoomEvents(inner.db, inner.io);
  let resume!: () => void;
  const resumed = new Promise<void>((r) => (resume = r));
  const e = events as unknown as { broadcast: (...a: unknown[]) => Promise<number>; send: (...a: unknown[]) => void };
  const broadcast = e.broadcast.bind(events);
  e.broadcast = async (...a) => {
    await resumed;
    return broadcast(...a);
  };
  const send = e.send.bind(events);
  e.send = (...a) => void resumed.then(() => send(...a));
  return { events, resume };
}
