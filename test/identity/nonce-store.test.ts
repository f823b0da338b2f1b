import { describe, expect, it } from 'vitest';

import { MemoryNonceStore } from '../../src/identity/index.js';

describe('MemoryNonceStore', () => {
  it('accepts a nonce once per sender', async () => {
    const store = new MemoryNonceStore({ now: () => 0 });
    expect(await store.claim('a', 'n1', 0)).toBe(true);
    expect(await store.claim('a', 'n1', 0)).toBe(false);
    expect(await store.claim('b', 'n1', 0)).toBe(true);
    expect(await store.claim('a', 'n2', 0)).toBe(true);
  });

  it('forgets nonces once their timestamps are outside the window, and not before', async () => {
    const clock = { now: 1_000_000 };
    const store = new MemoryNonceStore({ windowMs: 1000, now: () => clock.now });
    await store.claim('a', 'old', clock.now);
    clock.now += 500;
    await store.claim('a', 'newer', clock.now);
    expect(store.size).toBe(2);

    clock.now += 500; // 'old' is exactly at the window edge: still refusable, so still held
    expect(await store.claim('a', 'old', 1_000_000)).toBe(false);

    // Sweeps run every quarter window; by the next one 'old' is outside the window, where a
    // replay would be refused as stale anyway, so it is forgotten. 'newer' is still held.
    clock.now += 250;
    await store.claim('a', 'trigger', clock.now);
    expect(store.size).toBe(2);
    expect(await store.claim('a', 'newer', 1_000_500)).toBe(false);
  });

  it('stays bounded under steady traffic', async () => {
    const clock = { now: 0 };
    const store = new MemoryNonceStore({ windowMs: 1000, now: () => clock.now });
    for (let i = 0; i < 10_000; i++) {
      clock.now += 10;
      await store.claim('a', `n${i}`, clock.now);
    }
    expect(store.size).toBeLessThanOrEqual(126); // 1.25 windows of 100 claims each, plus one
  });

  it('rejects a nonsensical window', () => {
    expect(() => new MemoryNonceStore({ windowMs: 0 })).toThrow(
      'windowMs must be a positive number of ms, got 0',
    );
  });
});
