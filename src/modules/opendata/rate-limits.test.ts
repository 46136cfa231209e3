// The guard's pure parts: which URLs it covers (so routes others add later are covered), how a key
// is read from CKAN's and other clients' headers, the RateLimit fields' syntax, and
// attributeUsage counting a request once per dataset and only for requests the guard admitted.
import { describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { DEFAULT_RATE_LIMITS, downloadDatasetId, isGuardedUrl, presentedKey, rateLimitHeaders, rateLimitsFrom } from './rate-limits';
import { attributeUsage, type UsageStatistics } from './usage';
import { nextState, stepsFrom } from './data-requests';

describe('the guard\'s reach', () => {
  it('covers the CKAN action API and every download URL, nothing else', () => {
    for (const url of ['/api/3/action/package_search?q=air', '/api/3/action/datastore_search', '/api/3/action/anything_added_later', '/datasets/me-air/resources/r1/download', '/datasets/me-air/resources/r1/download.csv', '/datasets/me-air/resources/r1/download.json?limit=5']) {
      expect(isGuardedUrl(url), url).toBe(true);
    }
    for (const url of ['/datasets/me-air', '/datasets/me-air.jsonld', '/catalog', '/api/v1/opendata/usage', '/api/3/util/status', '/datasets/me-air/resources/r1/downloads-page', '/developers']) {
      expect(isGuardedUrl(url), url).toBe(false);
    }
    expect(downloadDatasetId('/datasets/me-air/resources/r1/download.csv')).toBe('me-air');
    expect(downloadDatasetId('/datasets/me-air')).toBeNull();
  });

  it('reads the key from X-API-Key first, then Authorization with or without a scheme', () => {
    const key = `odk_${'a'.repeat(43)}`;
    expect(presentedKey({ headers: { 'x-api-key': key, authorization: 'other' } })).toBe(key);
    expect(presentedKey({ headers: { authorization: key } })).toBe(key);
    expect(presentedKey({ headers: { authorization: `Bearer ${key}` } })).toBe(key);
    expect(presentedKey({ headers: {} })).toBeNull();
  });

  it('writes RateLimit-Policy and RateLimit as structured field lists (draft-ietf-httpapi-ratelimit-headers)', () => {
    const headers = rateLimitHeaders({ keyId: 'ODK-1', policy: { name: 'key', quota: 1000, windowSeconds: 60 }, used: 1001, resetSeconds: 17 });
    expect(headers).toEqual({ 'ratelimit-policy': '"key";q=1000;w=60', ratelimit: '"key";r=0;t=17' });
  });
});

describe('rateLimitsFrom', () => {
  it('reads OPENDATA_RATE_LIMITS, keeping the defaults for what it leaves out, and refuses typos', () => {
    expect(rateLimitsFrom(undefined)).toEqual(DEFAULT_RATE_LIMITS);
    expect(rateLimitsFrom('anonymous=10/1')).toEqual({ keyed: DEFAULT_RATE_LIMITS.keyed, anonymous: { name: 'anonymous', quota: 10, windowSeconds: 1 } });
    expect(rateLimitsFrom('key=5000/60, anonymous=100/60').keyed.quota).toBe(5000);
    for (const bad of ['key=1000', 'keys=1/1', 'key=0/60', 'anonymous=10/0', 'off']) expect(() => rateLimitsFrom(bad), bad).toThrow(/OPENDATA_RATE_LIMITS/);
  });
});

describe('attributeUsage', () => {
  it('counts a request once per dataset for its key, and ignores requests outside the guard', () => {
    const recorded: Array<[string | null, string]> = [];
    const usage = { record: (key: string | null, dataset: string) => void recorded.push([key, dataset]) } as unknown as UsageStatistics;
    const request = { openDataCaller: { keyId: 'ODK-00000000000000aa', usage, attributed: new Set<string>() } } as unknown as FastifyRequest;
    attributeUsage(request, 'me-air');
    attributeUsage(request, 'me-air');
    attributeUsage(request, 'molit-apartments');
    expect(recorded).toEqual([
      ['ODK-00000000000000aa', 'me-air'],
      ['ODK-00000000000000aa', 'molit-apartments'],
    ]);
    attributeUsage({ openDataCaller: null } as unknown as FastifyRequest, 'me-air');
    expect(recorded).toHaveLength(2);
  });
});

describe('data request states', () => {
  it('allows mediation only after a refusal, and nothing after a release or a dismissal', () => {
    expect(nextState('REFUSED', 'mediation')).toBe('IN_MEDIATION');
    expect(nextState('MEDIATION_UPHELD', 'answer-released')).toBe('RELEASED');
    expect(() => nextState('SUBMITTED', 'mediation')).toThrow(expect.objectContaining({ code: 'DATA_REQUEST_TRANSITION_INVALID', status: 409 }));
    expect(() => nextState('MEDIATION_UPHELD', 'answer-refused')).toThrow(expect.objectContaining({ code: 'DATA_REQUEST_TRANSITION_INVALID' }));
    expect(stepsFrom('RELEASED')).toEqual([]);
    expect(stepsFrom('MEDIATION_DISMISSED')).toEqual([]);
    expect(stepsFrom('IN_MEDIATION')).toEqual(['mediation-upheld', 'mediation-dismissed']);
  });
});
