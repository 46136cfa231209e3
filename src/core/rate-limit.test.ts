import { describe, expect, it } from 'vitest';
import { FailureThrottle } from './rate-limit';

describe('failure throttle', () => {
  it('blocks a source after too many failures in the window, for the window, then lets it try again', () => {
    let now = 1_000_000;
    const throttle = new FailureThrottle({ maxFailures: 3, windowMs: 60_000 }, () => now);
    expect([throttle.recordFailure('10.0.0.1'), throttle.recordFailure('10.0.0.1')]).toEqual([false, false]);
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(0);
    expect(throttle.recordFailure('10.0.0.1')).toBe(true);
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(60);
    expect(throttle.retryAfterSeconds('10.0.0.2')).toBe(0);
    now += 30_500;
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(30);
    expect(throttle.recordFailure('10.0.0.1')).toBe(false); // already blocked: blocking again is not news
    now += 30_000;
    expect(throttle.retryAfterSeconds('10.0.0.1')).toBe(0);
  });

  it('forgets failures older than the window', () => {
    let now = 0;
    const throttle = new FailureThrottle({ maxFailures: 2, windowMs: 1_000 }, () => now);
    throttle.recordFailure('a');
    now = 1_500;
    expect(throttle.recordFailure('a')).toBe(false);
    expect(throttle.retryAfterSeconds('a')).toBe(0);
  });

  it('remembers a bounded number of sources, forgetting the least recently failed', () => {
    const throttle = new FailureThrottle({ maxFailures: 2, windowMs: 60_000, maxKeys: 2 });
    throttle.recordFailure('a');
    throttle.recordFailure('b');
    throttle.recordFailure('c'); // 'a' is forgotten
    expect(throttle.recordFailure('a')).toBe(false);
    expect(throttle.recordFailure('c')).toBe(true);
  });
});
