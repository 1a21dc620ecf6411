/**
 * The slice of node-media-server 4.4.x that media/rtmp-ingest.ts uses. The package ships no types
 * (DefinitelyTyped's `@types/node-media-server` describes v2). Deep imports (`src/...`) are used
 * for the module-level context and logger; they are pinned with the exact version in package.json.
 */
declare module 'node-media-server' {
  import type { Socket } from 'node:net';

  export interface NmsConfig {
    bind?: string;
    rtmp?: { port?: number };
    http?: { port?: number };
    store?: { path?: string; flushInterval?: number };
    record?: { path?: string; auto?: boolean };
    webadmin?: { enable?: boolean };
  }

  /** One connection (RTMP publisher or player). Fields are filled as the handshake goes. */
  export interface NmsSession {
    readonly id: string;
    readonly ip: string;
    readonly protocol: string;
    readonly isPublisher: boolean;
    readonly streamApp: string;
    readonly streamName: string;
    readonly streamPath: string;
    readonly streamQuery: Record<string, string | string[] | undefined>;
    readonly createTime: number;
    /** Bytes received from the peer so far. */
    readonly inBytes: number;
    /** From the publisher's onMetaData (0 until it arrives): 7 = H.264, 12 = HEVC; 10 = AAC, 2 = MP3. */
    readonly videoCodec: number;
    readonly videoWidth: number;
    readonly videoHeight: number;
    readonly videoFramerate: number;
    readonly audioCodec: number;
    /** RTMP sessions only. */
    readonly socket?: Socket;
    close(): void;
  }

  export type NmsEvent = 'prePublish' | 'postPublish' | 'donePublish' | 'prePlay' | 'postPlay' | 'donePlay';

  export default class NodeMediaServer {
    constructor(config: NmsConfig, configPath?: string);
    on(event: NmsEvent, listener: (session: NmsSession) => void): void;
    run(): Promise<void>;
    stop(): Promise<void>;
    /** Internal (4.4.x): the RTMP server; we feed it connections from our own listener. */
    readonly rtmpServer: { handleRequest: (socket: Socket) => void; stop(): void };
  }
}

declare module 'node-media-server/src/core/context.js' {
  import type { EventEmitter } from 'node:events';
  import type { NmsSession } from 'node-media-server';
  const Context: {
    eventEmitter: EventEmitter;
    sessions: Map<string, NmsSession>;
    broadcasts: Map<string, unknown>;
  };
  export = Context;
}

declare module 'node-media-server/src/core/logger.js' {
  const logger: { level: string; log(message: string, level?: string): void };
  export = logger;
}

