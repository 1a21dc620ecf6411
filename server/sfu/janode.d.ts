// janode ships JavaScript with JSDoc only: the small part we use, loosely typed.
declare module 'janode' {
  import type { EventEmitter } from 'node:events';
  export interface JanodeHandle extends EventEmitter {
    id: number;
    detach(): Promise<void>;
    message(body: Record<string, unknown>, jsep?: unknown): Promise<any>;
    trickle(candidate: unknown): Promise<void>;
    trickleComplete(): Promise<void>;
    [method: string]: any;
  }
  export interface JanodeSession extends EventEmitter {
    id: number;
    attach(plugin: { id: string; Handle: unknown; EVENT: Record<string, string> }): Promise<JanodeHandle>;
    destroy(): Promise<void>;
  }
  export interface JanodeConnection extends EventEmitter {
    create(kaIntervalSecs?: number): Promise<JanodeSession>;
    close(): Promise<void>;
    getInfo(): Promise<any>;
  }
  const Janode: {
    connect(config: { address: { url: string; apisecret?: string } | { url: string; apisecret?: string }[]; retry_time_secs?: number; max_retries?: number; is_admin?: boolean }): Promise<JanodeConnection>;
    Logger: { setLevel(level: 'none' | 'error' | 'warning' | 'info' | 'verbose' | 'debug'): string };
    EVENT: Record<string, string>;
  };
  export default Janode;
}
declare module 'janode/plugins/videoroom' {
  const plugin: { id: string; Handle: unknown; EVENT: Record<string, string> };
  export default plugin;
}
declare module 'janode/plugins/streaming' {
  const plugin: { id: string; Handle: unknown; EVENT: Record<string, string> };
  export default plugin;
}
