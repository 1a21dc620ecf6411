/**
 * The slice of the socket contract (protocol/events.ts) the load driver uses. Our server speaks
 * the full contract; the bare server implements only this, so one driver can load both.
 */
export interface ChatMessageFact {
  roomId: number;
  seq: number;
  message: { text: string };
}

export type BenchAck = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string } };

export interface BenchServerEvents {
  'chat:message': (fact: ChatMessageFact) => void;
}

export interface BenchClientEvents {
  'room:enter': (payload: { roomId: number }, ack: (a: BenchAck) => void) => void;
  'chat:send': (payload: { roomId: number; text: string }, ack: (a: BenchAck) => void) => void;
}

/** Messages between the bench and its server children over the IPC channel. */
export interface ReadyLine {
  type: 'ready';
  port: number;
  /** ms since the child's process start (node boot + loader + imports + build + listen). */
  sinceProcessStartMs: number;
  /** ms to import the server modules. */
  importMs: number;
  /** ms for loadConfig + buildApp (or creating the bare server). */
  buildMs: number;
  /** ms for listen(). */
  listenMs: number;
  /** CPU time (user + system, all threads) the child had used when ready: less sensitive to a busy machine than wall time. */
  cpuMs: number;
}

export interface StatsRequest {
  type: 'stats';
  id: number;
  /** Run a full GC first: for memory figures, never during a latency window. */
  gc: boolean;
}

export interface StatsReply {
  type: 'stats';
  id: number;
  rss: number;
  heapUsed: number;
  /** process.cpuUsage() user+system, microseconds. */
  cpuUs: number;
  /** Server event-loop delay since the previous stats request, ms: spikes here are server stalls. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Rows in the messages table, when the server persists (ours only). */
  persisted: number | null;
}
