// Throttling of repeated failures by source (e.g. wrong credentials from one address): after
// `maxFailures` failures within `windowMs`, the source is refused for `windowMs` whatever it sends,
// so guessing is slow and a flood of bad attempts cannot grow the audit log without bound (only
// the failure that blocks is worth an audit entry). In memory, per process: each instance throttles
// what it sees, which bounds any one instance's work; the key count is bounded too.

export interface FailureThrottleOptions {
  maxFailures: number;
  windowMs: number;
  /** Most sources remembered; the oldest are forgotten first. */
  maxKeys?: number;
}

interface Record_ {
  windowStart: number;
  failures: number;
  blockedUntil: number;
}

export class FailureThrottle {
  private readonly sources = new Map<string, Record_>();

  constructor(
    private readonly options: FailureThrottleOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whole seconds until `key` may try again; 0 when it is not blocked. */
  retryAfterSeconds(key: string): number {
    const record = this.sources.get(key);
    const wait = record ? record.blockedUntil - this.now() : 0;
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  /** Counts a failure of `key`; true exactly when this failure is the one that blocks it. */
  recordFailure(key: string): boolean {
    const now = this.now();
    let record = this.sources.get(key);
    if (!record || now - record.windowStart >= this.options.windowMs) {
      record = { windowStart: now, failures: 0, blockedUntil: record?.blockedUntil ?? 0 };
    }
    this.sources.delete(key); // re-inserted below: Map order is then least recently failed first
    record.failures += 1;
    const blocks = record.failures === this.options.maxFailures;
    if (blocks) record.blockedUntil = now + this.options.windowMs;
    this.sources.set(key, record);
    this.forgetOldest();
    return blocks;
  }

  private forgetOldest(): void {
    const max = this.options.maxKeys ?? 10_000;
    for (const key of this.sources.keys()) {
      if (this.sources.size <= max) return;
      this.sources.delete(key);
    }
  }
}
