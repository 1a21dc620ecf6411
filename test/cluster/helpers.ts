/** Shared by the cluster suites: which node a client landed on, and commands with their acks. */
import { spawnSync } from 'node:child_process';
import { io as ioc } from 'socket.io-client';
import type { Topology } from '../../deploy/topology.js';
import type { Ack } from '../../protocol/ack.js';
import type { Client, ClientSocket } from '../../server/test/harness.js';

/** The header nginx's upstream answers with: the node that served the request. */
export const NODE_HEADER = 'x-commonroom-node';

export async function nodeOf(c: Client): Promise<string> {
  return (await c.get('/api/me')).headers.get(NODE_HEADER) ?? '?';
}

/** Signs `c` in again until nginx's session hash puts it on a node not in `avoid`. */
export async function onNodeNotIn(c: Client, username: string, avoid: string[], password = 'correct horse battery'): Promise<string> {
  for (let i = 0; i < 60; i++) {
    const node = await nodeOf(c);
    if (!avoid.includes(node)) return node;
    const r = await c.post('/api/auth/login', { username, password });
    if (r.status !== 200) throw new Error(`login failed: ${r.status}`);
  }
  throw new Error(`could not land ${username} on a node other than ${avoid.join(', ')}`);
}

/** Emits a command and resolves its ack (a failover may hold a command for a lease TTL or two). */
export function command(socket: ClientSocket, event: string, payload: unknown, timeoutMs = 10_000): Promise<Ack<unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), timeoutMs);
    (socket.emit as (ev: string, p: unknown, cb: (a: Ack<unknown>) => void) => void)(event, payload, (ack) => {
      clearTimeout(timer);
      resolve(ack);
    });
  });
}

/** The ack's data; throws with the refusal if the command was refused. */
export const ok = async <T = any>(p: Promise<Ack<unknown>>): Promise<T> => {
  const a = await p;
  if (!a.ok) throw new Error(`command refused: ${JSON.stringify(a)}`);
  return a.data as T;
};

/** A key of the topology's Redis ('' when there is none). */
export function redisGet(redisUrl: string, key: string): string {
  return spawnSync('redis-cli', ['-p', new URL(redisUrl).port, 'GET', key]).stdout.toString().trim();
}

/** The node holding a room's lease now ('' when nobody does). */
export const leaseOwner = (redisUrl: string, roomId: number): string => redisGet(redisUrl, `cr:lease:room:${roomId}`).split('|')[0] ?? '';

/** A socket of `c` straight to one node (not through nginx), connected, without reconnection. */
export async function socketOnNode(t: Topology, c: Client, nodeId: string): Promise<ClientSocket> {
  const s = ioc(t.nodes.find((n) => n.id === nodeId)!.url, { transports: ['websocket'], extraHeaders: { cookie: c.cookie }, reconnection: false }) as unknown as ClientSocket;
  try {
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
  } catch (err) {
    s.close();
    throw err;
  }
  return s;
}
