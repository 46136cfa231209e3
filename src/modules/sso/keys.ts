// The ID-token signing keys (Ed25519, alg EdDSA), kept in Postgres like the platform's own key
// (src/core/keys.ts): the private JWK in sso.signing_keys. The newest unretired key signs; every
// unretired key is published in the provider's JWKS, so after a rotation tokens signed with the
// previous key still verify until the operator retires it. Rotation is zero-downtime: a new key
// is inserted and each process rebuilds its provider with the new key first.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Queryable } from '../../core/db';

export const ID_TOKEN_ALG = 'EdDSA';
const KEY_LOCK = 7_240_080; // pg advisory lock: one process makes the first key, the others wait

export interface SigningKeyInfo {
  kid: string;
  createdAt: string;
  createdBy: string;
  retiredAt: string | null;
  /** The key that signs new ID tokens (the newest unretired one). */
  current: boolean;
}

interface KeyRow {
  kid: string;
  private_jwk: JWK;
  created_at: Date;
  created_by: string;
  retired_at: Date | null;
}

export async function newSigningKey(db: Queryable, createdBy: string): Promise<string> {
  const pair = await generateKeyPair(ID_TOKEN_ALG, { crv: 'Ed25519', extractable: true });
  const publicJwk = await exportJWK(pair.publicKey);
  const privateJwk = await exportJWK(pair.privateKey);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  await db.query('INSERT INTO sso.signing_keys (kid, public_jwk, private_jwk, created_by) VALUES ($1, $2, $3, $4)', [kid, publicJwk, privateJwk, createdBy]);
  return kid;
}

/** Makes the first key if there is none (under a lock, inside the caller's transaction). */
export async function ensureSigningKey(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
  const live = await tx.query('SELECT 1 FROM sso.signing_keys WHERE retired_at IS NULL LIMIT 1');
  if (!live.rowCount) await newSigningKey(tx, 'system');
}

/** The unretired private keys for the provider's `jwks` option, the signing key first. */
export async function providerJwks(db: Queryable): Promise<{ keys: JWK[]; fingerprint: string }> {
  const result = await db.query<KeyRow>(
    'SELECT kid, private_jwk, created_at, created_by, retired_at FROM sso.signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid',
  );
  const keys = result.rows.map((row) => ({ ...row.private_jwk, kid: row.kid, alg: ID_TOKEN_ALG, use: 'sig' }));
  return { keys, fingerprint: result.rows.map((row) => row.kid).join(',') };
}

export async function listSigningKeys(db: Queryable): Promise<SigningKeyInfo[]> {
  const result = await db.query<KeyRow>('SELECT kid, created_at, created_by, retired_at FROM sso.signing_keys ORDER BY created_at DESC, kid');
  const currentKid = result.rows.find((row) => row.retired_at === null)?.kid;
  return result.rows.map((row) => ({
    kid: row.kid,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    retiredAt: row.retired_at?.toISOString() ?? null,
    current: row.kid === currentKid,
  }));
}

/** Fingerprint of the unretired keys: a process whose provider was built from another set rebuilds it. */
export async function keysFingerprint(db: Queryable): Promise<string> {
  const result = await db.query<{ kids: string | null }>(
    "SELECT string_agg(kid, ',' ORDER BY created_at DESC, kid) AS kids FROM sso.signing_keys WHERE retired_at IS NULL",
  );
  return result.rows[0]?.kids ?? '';
}
