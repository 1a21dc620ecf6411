import { describe, expect, it } from 'vitest';
import { IdempotencyCache } from './idempotency.js';

describe('IdempotencyCache', () => {
  it('runs once per key while remembered, again after expiry', async () => {
    const cache = new IdempotencyCache(1000);
    let runs = 0;
    const fn = () => ++runs;
    expect(await cache.run('k', fn, 0)).toBe(1);
    expect(await cache.run('k', fn, 999)).toBe(1);
    expect(await cache.run('other', fn, 999)).toBe(2);
    expect(await cache.run('k', fn, 1000)).toBe(3);
  });

  it('forgets failures so a retry runs again', async () => {
    const cache = new IdempotencyCache();
    await expect(cache.run('k', () => { throw new Error('no'); })).rejects.toThrow('no');
    expect(await cache.run('k', () => 'yes')).toBe('yes');
  });

  it('stays bounded, dropping the oldest keys', async () => {
    const cache = new IdempotencyCache(60_000, 2);
    let runs = 0;
    for (const k of ['a', 'b', 'c']) await cache.run(k, () => ++runs, 0);
    expect(await cache.run('c', () => ++runs, 0)).toBe(3);
    expect(await cache.run('a', () => ++runs, 0)).toBe(4);
  });
});
