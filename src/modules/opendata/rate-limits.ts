// The open-data API guard: one Fastify onRequest hook, keyed by URL prefix, over everything the open
// data portal serves to programs: the CKAN action API (/api/3/action/*) and resource downloads
// (/datasets/{id}/resources/{rid}/download*), including routes other modules add there later.
//
// - A caller presents an API key in `X-API-Key` or `Authorization` (CKAN clients send the bare key;
//   `Bearer <key>` works too). An unknown, malformed or revoked key is a 401 problem, never a silent
//   downgrade to anonymous. Without a key the caller is anonymous and limited per address, lower.
// - Limits are fixed windows counted in Postgres (opendata.rate_windows, unlogged), one upsert per
//   request (a prepared statement that also checks the key), so several server processes share one
//   budget exactly; its cost is about a `SELECT 1` round trip (bench/rate-limits.ts). A caller over
//   its quota is then refused from memory until the window ends.
// - Every admitted answer carries RateLimit-Policy and RateLimit (draft-ietf-httpapi-ratelimit-
//   headers-10: `RateLimit-Policy: "key";q=1000;w=60`, `RateLimit: "key";r=998;t=41`). Over the
//   limit the answer is 429 problem+json API_RATE_LIMIT_EXCEEDED with Retry-After.
// - Usage statistics (usage.ts) are attributed when the answer is sent.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Pool } from '../../core/db';
import { AppError } from '../../core/errors';
import { FailureThrottle } from '../../core/rate-limit';
import { problemResponses } from '../../core/schemas';
import { attributeUsage, type UsageStatistics } from './usage';

export interface RatePolicy {
  /** The policy's name in the RateLimit fields. */
  name: string;
  /** Requests allowed per window. */
  quota: number;
  windowSeconds: number;
}

export interface RateLimitPolicies {
  /** Per API key. */
  keyed: RatePolicy;
  /** Per client address, for callers without a key. */
  anonymous: RatePolicy;
}

export const DEFAULT_RATE_LIMITS: RateLimitPolicies = {
  keyed: { name: 'key', quota: 1000, windowSeconds: 60 },
  anonymous: { name: 'anonymous', quota: 60, windowSeconds: 60 },
};

/**
 * For the test suite (NODE_ENV=test), so other modules' tests that call the open-data API many
 * times from one address are not throttled; tests of the limits set `guard.policies` themselves.
 */
export const TEST_RATE_LIMITS: RateLimitPolicies = {
  keyed: { name: 'key', quota: 1_000_000, windowSeconds: 60 },
  anonymous: { name: 'anonymous', quota: 1_000_000, windowSeconds: 60 },
};

/**
 * Limits from a setting such as OPENDATA_RATE_LIMITS=`key=1000/60,anonymous=60/60` (requests per
 * seconds; either part may be left out and keeps `fallback`'s). Throws on anything else, so a typo
 * stops the server at start-up rather than leaving the API unlimited.
 */
export function rateLimitsFrom(setting: string | undefined, fallback: RateLimitPolicies = DEFAULT_RATE_LIMITS): RateLimitPolicies {
  if (setting === undefined || setting.trim() === '') return fallback;
  const policies = { ...fallback };
  for (const part of setting.split(',')) {
    const match = /^\s*(key|anonymous)=(\d{1,9})\/(\d{1,6})\s*$/.exec(part);
    if (!match || Number(match[2]) < 1 || Number(match[3]) < 1) {
      throw new Error(`OPENDATA_RATE_LIMITS: cannot read "${part}"; write key=<requests>/<seconds>,anonymous=<requests>/<seconds>`);
    }
    const which = match[1] === 'key' ? 'keyed' : 'anonymous';
    policies[which] = { name: match[1]!, quota: Number(match[2]), windowSeconds: Number(match[3]) };
  }
  return policies;
}

export const API_KEY_PATTERN = /^odk_[A-Za-z0-9_-]{43}$/;

/** The digest stored for an API key (the key itself is never stored). */
export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

const ACTION_PREFIX = '/api/3/action/';
const DOWNLOAD = /^\/datasets\/([^/?#]+)\/resources\/[^/?#]+\/download(?:[./?#]|$)/;

/** Whether a request URL is under the guard: the CKAN action API or a resource download. */
export function isGuardedUrl(url: string): boolean {
  return url.startsWith(ACTION_PREFIX) || DOWNLOAD.test(url);
}

/** The dataset a download URL is about, if it is one. */
export function downloadDatasetId(url: string): string | null {
  const match = DOWNLOAD.exec(url);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

/** The API key a request presents, or null when it presents none. */
export function presentedKey(request: Pick<FastifyRequest, 'headers'>): string | null {
  const explicit = request.headers['x-api-key'];
  if (typeof explicit === 'string' && explicit.trim() !== '') return explicit.trim();
  const authorization = request.headers.authorization;
  if (typeof authorization !== 'string' || authorization.trim() === '') return null;
  return authorization.trim().replace(/^(Bearer|Token)\s+/i, '');
}

export interface Admission {
  keyId: string | null;
  policy: RatePolicy;
  /** Requests counted in this window, this one included. */
  used: number;
  /** Seconds until the window ends. */
  resetSeconds: number;
}

export function remaining(admission: Admission): number {
  return Math.max(0, admission.policy.quota - admission.used);
}

/** The RateLimit-Policy and RateLimit fields of draft-ietf-httpapi-ratelimit-headers (structured field lists). */
export function rateLimitHeaders(admission: Admission): Record<string, string> {
  const { policy } = admission;
  return {
    'ratelimit-policy': `"${policy.name}";q=${policy.quota};w=${policy.windowSeconds}`,
    ratelimit: `"${policy.name}";r=${remaining(admission)};t=${admission.resetSeconds}`,
  };
}

export class OpenDataApiGuard {
  /** The limits in force; may be changed at run time (e.g. by tests), taking effect with the next window. */
  policies: RateLimitPolicies;
  private cleanupTimer: NodeJS.Timeout | null = null;
  /** Guessing keys costs a database lookup each: an address that sends many unknown keys waits a minute (per process). */
  private readonly unknownKeys = new FailureThrottle({ maxFailures: 20, windowMs: 60_000 });
  private readonly blocked = new Map<string, { until: number; policy: RatePolicy; keyId: string | null }>();

  constructor(
    private readonly pool: Pool,
    readonly usage: UsageStatistics,
    options: { policies?: RateLimitPolicies; now?: () => number } = {},
  ) {
    this.policies = options.policies ?? DEFAULT_RATE_LIMITS;
    this.now = options.now ?? Date.now;
  }

  private readonly now: () => number;

  private window(policy: RatePolicy): { start: number; resetSeconds: number } {
    const windowMs = policy.windowSeconds * 1000;
    const now = this.now();
    const start = Math.floor(now / windowMs) * windowMs;
    return { start, resetSeconds: Math.max(1, Math.ceil((start + windowMs - now) / 1000)) };
  }

  /**
   * Checks the key (if any) and counts the request against its budget; throws a 401 problem for a
   * bad key. The caller decides what to do when `used` exceeds the quota.
   */
  async admit(key: string | null, address: string): Promise<Admission> {
    if (key !== null && !API_KEY_PATTERN.test(key)) throw new AppError('API_KEY_INVALID', 'Send an API key issued at /developers in X-API-Key or Authorization, or no key at all.');
    const digest = key === null ? null : hashApiKey(key);
    const blockedKey = digest ? `key:${digest.toString('hex')}` : `addr:${address}`;
    const blocked = this.blocked.get(blockedKey);
    if (blocked !== undefined) {
      const now = this.now();
      if (now < blocked.until) return { keyId: blocked.keyId, policy: blocked.policy, used: blocked.policy.quota + 1, resetSeconds: Math.max(1, Math.ceil((blocked.until - now) / 1000)) };
      this.blocked.delete(blockedKey);
    }
    if (digest) {
      const wait = this.unknownKeys.retryAfterSeconds(address);
      if (wait > 0) {
        throw new AppError('API_RATE_LIMIT_EXCEEDED', `This address sent too many unknown API keys; retry after ${wait} s.`, undefined, { 'retry-after': String(wait) });
      }
    }
    let admission: Admission;
    try {
      admission = await this.count(digest, address);
    } catch (error) {
      if (error instanceof AppError && error.code === 'API_KEY_INVALID') this.unknownKeys.recordFailure(address);
      throw error;
    }
    if (admission.used > admission.policy.quota) this.block(blockedKey, admission);
    return admission;
  }

  /**
   * A caller over its quota stays over it until the window ends (counts only grow), so this process
   * refuses its further requests of the window without a database round trip: a flood costs memory
   * lookups, not writes. A key revoked meanwhile is still answered 429, not 401, until then.
   */
  private block(partition: string, admission: Admission): void {
    this.blocked.set(partition, { until: this.now() + admission.resetSeconds * 1000, policy: admission.policy, keyId: admission.keyId });
    if (this.blocked.size > 10_000) this.blocked.delete(this.blocked.keys().next().value!);
  }

  private async count(digest: Buffer | null, address: string): Promise<Admission> {
    if (digest === null) {
      const policy = this.policies.anonymous;
      const { start, resetSeconds } = this.window(policy);
      const { rows } = await this.pool.query<{ requests: number }>({
        name: 'opendata-rate-count-address',
        text: `INSERT INTO opendata.rate_windows (partition_key, window_start, requests) VALUES ($1, to_timestamp($2::double precision / 1000), 1)
         ON CONFLICT (partition_key, window_start) DO UPDATE SET requests = rate_windows.requests + 1 RETURNING requests`,
        values: [`addr:${address}`, start],
      });
      return { keyId: null, policy, used: rows[0]!.requests, resetSeconds };
    }
    const policy = this.policies.keyed;
    const { start, resetSeconds } = this.window(policy);
    // One round trip checks the key and counts the request; a revoked key is counted nowhere.
    const { rows } = await this.pool.query<{ id: string; revoked: boolean; requests: number | null }>({
      name: 'opendata-rate-count-key',
      text: `WITH key AS (SELECT id, revoked_at IS NOT NULL AS revoked FROM opendata.api_keys WHERE secret_hash = $1),
            counted AS (
              INSERT INTO opendata.rate_windows (partition_key, window_start, requests)
              SELECT 'key:' || id, to_timestamp($2::double precision / 1000), 1 FROM key WHERE NOT revoked
              ON CONFLICT (partition_key, window_start) DO UPDATE SET requests = rate_windows.requests + 1
              RETURNING requests)
       SELECT key.id, key.revoked, (SELECT requests FROM counted) AS requests FROM key`,
      values: [digest, start],
    });
    const found = rows[0];
    if (!found) throw new AppError('API_KEY_INVALID', 'This API key is not known. Keys are issued at /developers.');
    if (found.revoked) throw new AppError('API_KEY_REVOKED', 'This API key was revoked by its owner; issue a new one at /developers.');
    return { keyId: found.id, policy, used: found.requests!, resetSeconds };
  }

  /** Deletes counters of windows that ended (every minute while started). */
  async forgetEndedWindows(): Promise<void> {
    const longest = Math.max(this.policies.keyed.windowSeconds, this.policies.anonymous.windowSeconds);
    await this.pool.query(`DELETE FROM opendata.rate_windows WHERE window_start < to_timestamp($1::double precision / 1000)`, [this.now() - longest * 1000 * 2]);
  }

  start(onError?: (error: unknown) => void): void {
    this.usage.start();
    if (this.cleanupTimer) return;
    this.cleanupTimer = setInterval(() => void this.forgetEndedWindows().catch((error) => onError?.(error)), 60_000);
    this.cleanupTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.cleanupTimer) clearInterval(this.cleanupTimer);
    this.cleanupTimer = null;
    await this.usage.stop();
  }
}

/**
 * Puts the guard in front of every route under the open-data API's prefixes, present and future.
 * Call it on the root instance before registering routes (after registerAuth), once.
 */
export function registerOpenDataApiGuard(app: FastifyInstance, guard: OpenDataApiGuard): void {
  app.decorateRequest('openDataCaller', null);

  // The OpenAPI document says so for every guarded route, whoever adds it.
  app.addHook('onRoute', (route) => {
    if (!isGuardedUrl(route.url) || !route.schema) return;
    const schema = route.schema as { response?: Record<string, unknown>; security?: unknown[] };
    schema.response = { ...problemResponses(401, 429), ...schema.response };
    schema.security = [{}, { openDataApiKey: [] }];
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!isGuardedUrl(request.url)) return;
    const admission = await guard.admit(presentedKey(request), request.ip);
    const headers = rateLimitHeaders(admission);
    if (admission.used > admission.policy.quota) {
      throw new AppError(
        'API_RATE_LIMIT_EXCEEDED',
        `${admission.keyId ? `API key ${admission.keyId}` : 'This address'} may make ${admission.policy.quota} requests per ${admission.policy.windowSeconds} s; retry after ${admission.resetSeconds} s${admission.keyId ? '' : ', or use an API key from /developers for a higher limit'}.`,
        undefined,
        { ...headers, 'retry-after': String(admission.resetSeconds) },
      );
    }
    reply.headers(headers);
    request.openDataCaller = { keyId: admission.keyId, usage: guard.usage, attributed: new Set() };
  });

  app.addHook('onResponse', async (request, reply) => {
    const caller = request.openDataCaller;
    if (!caller) return;
    if (reply.statusCode < 400) {
      if (request.routeOptions.url === '/api/3/action/package_show') {
        const id = (request.query as { id?: unknown } | undefined)?.id;
        if (typeof id === 'string') attributeUsage(request, id.trim());
      } else {
        const datasetId = downloadDatasetId(request.url);
        if (datasetId) attributeUsage(request, datasetId);
      }
    }
    if (caller.attributed.size === 0) caller.usage.record(caller.keyId, '');
  });
}
