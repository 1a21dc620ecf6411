/**
 * Database statements per chat message (issue 18's hot path; on PostgreSQL each is a network round
 * trip): counted at the driver while one message is sent and acknowledged, on whichever dialect the
 * suite runs (`npm test`: SQLite; `npm run test:pg`: PostgreSQL). The message's insert, the sender's
 * membership update and the room's seq bump share one transaction; nothing is read per message
 * (membership and the user are cached per socket, ADR 0022).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, command, newUsers, roomWith, startServer, type ClientSocket, type TestServer } from '../test/harness.js';

let server: TestServer;
let alice: Client;
let bob: Client;
let as: ClientSocket;
let roomId: number;
const seen: string[] = [];
let counting = false;
let restore = (): void => {};

/** Wraps the driver's one entry point per statement so every statement the server sends is recorded. */
async function countStatements(): Promise<void> {
  const note = (text: unknown) => {
    if (counting) seen.push(String(typeof text === 'object' && text !== null && 'text' in text ? (text as { text: string }).text : text).slice(0, 60));
  };
  if (process.env.DATABASE_URL) {
    // Every statement pg sends to the server, pooled client or not, is a Query submitted once.
    const pg = (await import('pg')).default;
    const proto = pg.Query.prototype as unknown as { submit: (...a: unknown[]) => unknown };
    const submit = proto.submit;
    proto.submit = function (this: { text: string }, ...a: unknown[]) {
      note(this.text);
      return submit.apply(this, a);
    };
    restore = () => (proto.submit = submit);
  } else {
    const client = server.app.db.$client as unknown as { prepare(sql: string): object };
    const proto = Object.getPrototypeOf(client.prepare('SELECT 1')) as Record<'run' | 'get' | 'all', (...a: unknown[]) => unknown> & { source: string };
    const originals = { run: proto.run, get: proto.get, all: proto.all };
    for (const k of ['run', 'get', 'all'] as const) {
      proto[k] = function (this: { source: string }, ...a: unknown[]) {
        note(this.source);
        return originals[k].apply(this, a);
      };
    }
    restore = () => Object.assign(proto, originals);
  }
}

beforeAll(async () => {
  server = await startServer({ config: { chatRatePer10s: 10_000 } });
  [alice, bob] = await newUsers(server, 'alice', 'bob');
  roomId = (await roomWith(alice, [bob])).id;
  as = await alice.socket();
  await command(as, 'room:enter', { roomId });
  // Two warm-ups: the first fills the per-room caches (notifications' "anyone wants every
  // message" is read once, after the first message's ack); the second is sent after that read.
  await command(as, 'chat:send', { roomId, text: 'warm-up' });
  await command(as, 'chat:send', { roomId, text: 'warm-up 2' });
  await countStatements();
});
afterAll(async () => {
  restore();
  as.close();
  await server.dispose();
});

it('a chat message costs one transaction of three statements, and no read', async () => {
  // The count is process-wide, so a background job (the analytics rollup a few seconds after
  // start, a health sample) could add statements to a window: the fewest of three sends is the
  // message's own cost (noise only ever adds).
  const runs: string[][] = [];
  for (let i = 0; i < 3; i++) {
    seen.length = 0;
    counting = true;
    const ack = await command(as, 'chat:send', { roomId, text: `counted ${i}` });
    counting = false;
    expect(ack.ok).toBe(true);
    runs.push([...seen]);
  }
  const own = runs.reduce((a, b) => (b.length < a.length ? b : a));
  console.log(`statements for one chat message (${process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'}): ${own.length} (runs: ${runs.map((r) => r.length).join(', ')})\n  ${own.join('\n  ')}`);
  const verbs = own.map((s) => s.trim().split(/\s+/)[0]!.toLowerCase());
  expect(verbs.filter((w) => w === 'select')).toEqual([]);
  expect(verbs.filter((w) => w === 'insert' || w === 'update')).toHaveLength(3);
  expect(verbs.filter((w) => w === 'begin' || w === 'commit')).toEqual(['begin', 'commit']);
});
