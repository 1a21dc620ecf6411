/**
 * Shared rate limits (scale-out): two limiters standing for the same limiter on two nodes share
 * their buckets through a real redis-server. Skipped when redis-server is not installed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveTools, startRedis } from '../../deploy/topology.js';
import { RedisRateStore } from '../../server/cluster/rate-store.js';
import { RateLimiter, useSharedRateStore } from '../../server/plugins/rate-limit.js';

const tools = haveTools();

/** Resolves once `fn` holds (condition waits, no fixed sleeps). */
async function until(fn: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.skipIf(!tools.missing.every((m) => m !== 'redis-server'))('rate limits shared through Redis', () => {
  let dir: string;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let client: Redis;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'commonroom-rate-'));
    redis = await startRedis(dir);
    client = new Redis(redis.url);
    useSharedRateStore(new RedisRateStore(client));
  });

  afterAll(async () => {
    useSharedRateStore(null);
    client?.disconnect();
    redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a bucket spent on one node is spent on the other', async () => {
    const rule = { capacity: 5, refillPerMs: 1 / 60_000 };
    const nodeA = new RateLimiter(rule, Date.now, 'test-shared');
    const nodeB = new RateLimiter(rule, Date.now, 'test-shared');
    for (let i = 0; i < 5; i++) expect(nodeA.hit('u1')).toBe(0);
    expect(nodeA.hit('u1')).toBeGreaterThan(0);
    const tokens = async () => Number(await client.hget('cr:rate:test-shared|u1', 't'));
    await until(async () => (await tokens()) < 1);
    // Node B had never seen u1: its first spend is decided on an empty local copy (the bounded
    // overshoot), and the shared bucket's answer replaces it: from then on B refuses too.
    nodeB.hit('u1');
    await until(() => nodeB.peek('u1') > 0);
    expect(nodeB.hit('u1')).toBeGreaterThan(0);
    // Another user and another limiter are separate buckets.
    expect(nodeB.hit('u2')).toBe(0);
    expect(new RateLimiter(rule, Date.now, 'test-other').hit('u1')).toBe(0);
  });

  it('a reset on one node gives the tokens back everywhere', async () => {
    const rule = { capacity: 2, refillPerMs: 1 / 60_000 };
    const nodeA = new RateLimiter(rule, Date.now, 'test-reset');
    const nodeB = new RateLimiter(rule, Date.now, 'test-reset');
    nodeA.hit('ip');
    nodeA.hit('ip');
    await until(async () => (await client.exists('cr:rate:test-reset|ip')) === 1 && Number(await client.hget('cr:rate:test-reset|ip', 't')) < 1);
    nodeB.reset('ip');
    await until(async () => (await client.exists('cr:rate:test-reset|ip')) === 0);
    expect(nodeB.hit('ip')).toBe(0);
    expect(nodeB.hit('ip')).toBe(0);
  });

  it('without a shared store the limiter is in memory only (one process)', () => {
    useSharedRateStore(null);
    const a = new RateLimiter({ capacity: 1, refillPerMs: 1 / 60_000 }, Date.now, 'test-local');
    const b = new RateLimiter({ capacity: 1, refillPerMs: 1 / 60_000 }, Date.now, 'test-local');
    expect(a.hit('k')).toBe(0);
    expect(a.hit('k')).toBeGreaterThan(0);
    expect(b.hit('k')).toBe(0);
    useSharedRateStore(new RedisRateStore(client));
  });
});
