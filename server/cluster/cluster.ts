/**
 * What the rest of the server knows about the cluster it runs in (docs/decisions/0020-scale-out.md).
 *
 * One process (no REDIS_URL): {@link LocalCluster}, this node owns every room and there is nobody to
 * talk to; behaviour is exactly the single-node one. Several processes: {@link RedisCluster}
 * (redis-cluster.ts) with room leases, a request/reply bus between nodes and room takeover.
 */

/** A feature whose rooms hold live state (timers, clocks, tables) that one node must own. */
export interface RoomOwnedFeature {
  name: string;
  /** Rooms that have live state right now (read from the shared database): candidates for takeover. */
  liveRooms(): number[] | Promise<number[]>;
  /** This node just became the room's owner: load its live state from the database and arm timers. */
  adopt(roomId: number): void | Promise<void>;
  /** This node is no longer the owner (lease lost or released): forget the room, fire nothing more. */
  evict(roomId: number): void;
}

/** Small shared values every node reads and writes (Redis with several nodes). Not for durable data. */
export interface SharedValues {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  del(key: string): Promise<void>;
  /** The keys starting with `prefix`. */
  keys(prefix: string): Promise<string[]>;
  /**
   * Sets (`value`) or deletes (null) `key` only while this node holds the room's lease: the lease's
   * value in Redis is compared with this node's in the same atomic step (a node paused past its
   * lease cannot overwrite what the new owner wrote). False: refused, nothing written.
   */
  setOwned(roomId: number, key: string, value: string | null): Promise<boolean>;
}

export type BusHandler = (payload: unknown, from: string) => unknown | Promise<unknown>;

/** A request to a node that is not listening (it stopped, or was never there). */
export class NodeGoneError extends Error {
  constructor(nodeId: string) {
    super(`node ${nodeId} is not listening`);
  }
}

export interface Cluster {
  readonly nodeId: string;
  /** True when several nodes share Redis. */
  readonly enabled: boolean;
  /** Values shared by the nodes (null with one process: nothing to share). */
  readonly values: SharedValues | null;
  /** The node owning the room's live state, acquiring the lease when nobody holds it. */
  ownerOf(roomId: number): Promise<string>;
  /** Synchronous: this node holds a lease on the room that is still valid (with a safety margin). */
  owns(roomId: number): boolean;
  /** Sends to one node and waits for its answer (rejects after `timeoutMs` or when it throws). */
  request(nodeId: string, kind: string, payload: unknown, timeoutMs?: number): Promise<unknown>;
  /** Answers requests of `kind`. */
  handle(kind: string, fn: BusHandler): void;
  /** Fire-and-forget to every other node. */
  broadcast(kind: string, payload: unknown): void;
  /** Receives broadcasts of `kind` from other nodes. */
  on(kind: string, fn: (payload: unknown, from: string) => void): void;
  /** Registers a room-owned feature (adopt/evict on lease changes). */
  register(feature: RoomOwnedFeature): void;
  /** The internal base URL a node advertised (NODE_URL), or null when it is not alive. */
  addressOf(nodeId: string): Promise<string | null>;
  /** Ids of the nodes alive now (this one included). */
  nodes(): Promise<string[]>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Single process: owns everything, talks to nobody. */
export class LocalCluster implements Cluster {
  readonly enabled = false;
  readonly values = null;
  constructor(readonly nodeId: string) {}
  async ownerOf(): Promise<string> {
    return this.nodeId;
  }
  owns(): boolean {
    return true;
  }
  async request(): Promise<unknown> {
    throw new Error('no other nodes');
  }
  handle(): void {}
  broadcast(): void {}
  on(): void {}
  register(): void {}
  async nodes(): Promise<string[]> {
    return [this.nodeId];
  }
  async addressOf(): Promise<string | null> {
    return null;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}
