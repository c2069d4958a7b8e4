import { MemoryReplayGuard } from './replay-guard';

describe('MemoryReplayGuard', () => {
  it('accepts an id once while it could still verify, and forgets it after', async () => {
    let now = 1_000_000;
    const guard = new MemoryReplayGuard(() => now);
    expect(await guard.claim('a', now + 30_000)).toBe(true);
    expect(await guard.claim('a', now + 30_000)).toBe(false);
    expect(await guard.claim('b', now + 30_000)).toBe(true);
    now += 29_999;
    expect(await guard.claim('a', now + 30_000)).toBe(false);
    // past their expiry a credential with these ids is refused as expired anyway: the next sweep lets them go
    now += 2_000;
    expect(await guard.claim('c', now + 30_000)).toBe(true);
    expect(guard.size).toBe(1);
  });
});
