// The platform signing key: made once, shared by every process (even when several start at the
// same moment), kept across restarts, and its JWKS never holds a private part.
import { compactVerify, createLocalJWKSet, flattenedVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../test/support/db';
import { PlatformKeys } from './keys';

let database: TestDatabase;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('PlatformKeys', () => {
  it('processes starting together share one key, and a restart finds it again', async () => {
    const loaded = await Promise.all(Array.from({ length: 5 }, () => PlatformKeys.load(database.pool)));
    expect(new Set(loaded.map((keys) => keys.kid)).size).toBe(1);
    expect((await database.pool.query('SELECT count(*)::int AS n FROM platform.signing_keys')).rows[0].n).toBe(1);
    const restarted = await PlatformKeys.load(database.pool);
    expect(restarted.kid).toBe(loaded[0]!.kid);
    const jwks = restarted.jwks();
    expect(jwks.keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: restarted.kid, alg: 'EdDSA', use: 'sig' }]);
  });

  it('signs detached unencoded payloads that verify only with the same bytes', async () => {
    const keys = await PlatformKeys.load(database.pool);
    const payload = new TextEncoder().encode('hash\n{"a":1}');
    const jws = await keys.signDetached(payload);
    const [header, empty, signature] = jws.split('.');
    expect(empty).toBe('');
    const keySet = createLocalJWKSet(keys.jwks());
    const verified = await flattenedVerify({ protected: header!, payload, signature: signature! }, keySet);
    expect(verified.protectedHeader).toMatchObject({ alg: 'EdDSA', kid: keys.kid, b64: false });
    await expect(flattenedVerify({ protected: header!, payload: new TextEncoder().encode('hash\n{"a":2}'), signature: signature! }, keySet)).rejects.toThrow();
    // Not a compact JWS with an attached payload: a verifier must supply the bytes.
    await expect(compactVerify(jws, keySet)).rejects.toThrow();
  });
});
