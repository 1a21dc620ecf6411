/**
 * Users and rooms on our server, through the public HTTP API. Every client is a distinct user so
 * per-user rate limits apply as in real use.
 */
import { spawnServer, type ServerChild } from './child.js';
import type { StatsReply } from './contract.js';
import { expectStatus, postJson } from './http.js';
import { mapLimit } from './pool.js';

const SESSION_COOKIE = 'cr_session';
const PASSWORD = 'bench-password-1234';
/** argon2 hashing is CPU-bound on the server's libuv pool: more in flight only queues. */
const REGISTER_CONCURRENCY = 8;
const JOIN_CONCURRENCY = 16;

/** Registers `count` users; returns each one's `cr_session=...` cookie. */
export function registerUsers(baseUrl: string, count: number): Promise<string[]> {
  const indexes = Array.from({ length: count }, (_, i) => i);
  return mapLimit(indexes, REGISTER_CONCURRENCY, async (i) => {
    const reply = await postJson(baseUrl, '/api/auth/register', { username: `bench_u${i}`, password: PASSWORD });
    expectStatus(reply, 201, `register bench_u${i}`);
    const cookie = reply.setCookie.map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    if (!cookie) throw new Error(`register bench_u${i}: no ${SESSION_COOKIE} cookie`);
    return cookie;
  });
}

/**
 * Groups the users into rooms of `roomSize`: the first of each group creates the room, the others
 * join it. Returns the room id of each user, by index.
 */
export async function createRooms(baseUrl: string, cookies: readonly string[], roomSize: number): Promise<number[]> {
  const owners = cookies.filter((_, i) => i % roomSize === 0);
  const roomIds = await mapLimit(owners, JOIN_CONCURRENCY, async (cookie, r) => {
    const reply = await postJson(baseUrl, '/api/rooms', { name: `Bench room ${r}` }, cookie);
    expectStatus(reply, 201, `create room ${r}`);
    return (reply.body as { room: { id: number } }).room.id;
  });
  const ofUser = cookies.map((_, i) => roomIds[Math.floor(i / roomSize)]!);
  await mapLimit(cookies, JOIN_CONCURRENCY, async (cookie, i) => {
    if (i % roomSize === 0) return; // the owner is already a member
    const reply = await postJson(baseUrl, `/api/rooms/${ofUser[i]}/join`, {}, cookie);
    expectStatus(reply, 200, `join room ${ofUser[i]}`);
  });
  return ofUser;
}

/** Environment for our server as a bench child on `dataDir` (sign-up limit raised for setup). */
export function oursEnv(dataDir: string): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    // One IP registers every bench user; the per-IP sign-up limit is for people, not this.
    AUTH_ATTEMPTS_PER_15MIN: '100000',
  };
}

/**
 * Users (one per client) and rooms of `roomSize` made on a setup server, which is then stopped, and
 * a fresh server on the same data for the measurement: argon2's hashing memory and the setup
 * garbage stay out of the figures. `profileDir`: the measured server writes a V8 CPU profile there.
 */
export async function measuredOurs(dataDir: string, clients: number, roomSize: number, profileDir?: string): Promise<{ server: ServerChild; cookies: string[]; roomIds: number[] }> {
  const setup = await spawnServer('ours-setup', 'bench/server-entry.ts', oursEnv(dataDir));
  let cookies: string[];
  let roomIds: number[];
  try {
    cookies = await registerUsers(setup.url, clients);
    roomIds = await createRooms(setup.url, cookies, roomSize);
  } finally {
    await setup.stop();
  }
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const server = await spawnServer('ours', 'bench/server-entry.ts', oursEnv(dataDir), nodeArgs);
  return { server, cookies, roomIds };
}

/** The report line on the server's CPU and event loop over the measured window. */
export function serverLoopNote(serverCpuPct: number, end: StatsReply | undefined, clientLoopP99Ms: number): string {
  return `server CPU ${serverCpuPct.toFixed(0)} % of one core; server event-loop delay p99 ${end?.loopDelayP99Ms.toFixed(1)} ms, max ${end?.loopDelayMaxMs.toFixed(1)} ms; client loop p99 ${clientLoopP99Ms.toFixed(1)} ms`;
}
