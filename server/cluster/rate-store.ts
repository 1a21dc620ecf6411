/**
 * Shared token buckets in Redis for every RateLimiter of a node (server/plugins/rate-limit.ts):
 * one hash per limiter and key, spent atomically by a Lua script, expiring once it would be full.
 */
import type { Redis } from 'ioredis';
import type { Bucket, RateRule, SharedRateStore } from '../plugins/rate-limit.js';

const TAKE = `
local b = redis.call('HMGET', KEYS[1], 't', 'u')
local cap = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local tokens = tonumber(b[1]) or cap
local upd = tonumber(b[2]) or now
if now > upd then
  tokens = math.min(cap, tokens + (now - upd) * rate)
  upd = now
end
if tokens >= 1 then tokens = tokens - 1 end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'u', tostring(upd))
redis.call('PEXPIRE', KEYS[1], math.ceil(cap / rate) + 1000)
return {tostring(tokens), tostring(upd)}`;

const PREFIX = 'cr:rate:';

export class RedisRateStore implements SharedRateStore {
  constructor(private readonly redis: Redis) {
    redis.defineCommand('crTakeToken', { numberOfKeys: 1, lua: TAKE });
  }

  async take(key: string, rule: RateRule, now: number): Promise<Bucket> {
    const [tokens, updatedAt] = await (this.redis as unknown as { crTakeToken(k: string, c: number, r: number, n: number): Promise<[string, string]> }).crTakeToken(
      PREFIX + key,
      rule.capacity,
      rule.refillPerMs,
      now,
    );
    return { tokens: Number(tokens), updatedAt: Number(updatedAt) };
  }

  reset(key: string): void {
    this.redis.del(PREFIX + key).catch(() => {});
  }
}
